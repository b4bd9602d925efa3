// Configuration "liveness.injection": the signals that a browser capture was fed to the page by software
// (a virtual camera, a script posting frames) rather than filmed by a camera in front of a person. Each
// signal is measured on every challenge sequence and recorded in the audit; `action` says what a raised
// signal does: 'refuse' (the liveness evidence reaches tier none, so a flow that needs more is denied) or
// 'record' (the audit says so, the decision does not change). src/liveness/injection-signals.ts measures them.
import { ConfigError, type SectionReader } from '../validate.js';

export const INJECTION_ACTIONS = ['refuse', 'record'] as const;
export type InjectionAction = (typeof INJECTION_ACTIONS)[number];

/**
 * Camera labels of known virtual cameras, lower case; a label containing one of them raises the signal.
 * Chromium's own test camera ("fake_device_0", --use-fake-device-for-media-stream and
 * --use-file-for-fake-video-capture) is an injection tool too, so 'fake' is on the list.
 */
export const DEFAULT_VIRTUAL_CAMERA_LABELS = [
  'obs virtual camera', 'obs-camera', 'manycam', 'xsplit', 'snap camera', 'v4l2loopback', 'dummy video device',
  'e2esoft', 'vcam', 'splitcam', 'camtwist', 'fake', 'virtual cam', 'droidcam', 'iriun', 'epoccam', 'nvidia broadcast',
];

export const livenessInjectionDefaults = {
  /** The same frame (byte for byte, by sha256) sent more than once: a still picture pushed through a virtual camera. */
  identicalFrames: {
    action: 'refuse' as InjectionAction,
    /**
     * Frames (selfie and challenge frames) that may repeat an earlier one before the signal is raised. One is
     * allowed because a camera that stalls for one capture interval makes the page encode the same picture twice.
     */
    maxRepeatedFrames: 1,
  },
  /** A sequence whose picture never changes: a still image with noise added so that no two frames are identical. */
  nearIdenticalFrames: {
    action: 'refuse' as InjectionAction,
    /**
     * Least change the sequence must show: the largest mean absolute difference (grey levels, 0..255) between
     * the first challenge frame's thumbnail and any later one's. A head turn changes it by tens of levels; sensor
     * noise, averaged over a thumbnail block, by a fraction of one.
     */
    minChange: 1.5,
    /** Side of the square greyscale thumbnail the frames are compared on (area-averaged, so noise averages out). */
    thumbnailSize: 32,
  },
  /** Capture times no camera and page can produce: a script stamping frames. */
  frameTiming: {
    action: 'refuse' as InjectionAction,
    /** Shortest possible time (ms) between two frames: the page films at most every few tens of ms, a 60 fps camera every 16.7 ms. */
    minIntervalMs: 15,
    /**
     * With at least this many intervals, all of them equal to the millisecond is a script's clock, not a page's
     * timer (which drifts by a few ms). Browsers that coarsen timers (resistFingerprinting) can trip it: 'record' there.
     */
    regularAfterIntervals: 4,
    /** Shortest time (ms) a whole sequence may span: nobody turns, looks up and blinks faster. */
    minSpanMs: 400,
  },
  /**
   * The camera's label, as the browser reports it to the page (the selfie's meta.cameraLabel). The label is
   * chosen by the client: anyone who renames the virtual camera, or posts the envelope without the page,
   * passes. It catches the careless only; the other signals and the motion check do the real work.
   */
  virtualCamera: {
    action: 'refuse' as InjectionAction,
    /** Lower-case substrings; a label containing any of them raises the signal. */
    labels: [...DEFAULT_VIRTUAL_CAMERA_LABELS] as string[],
  },
};

export interface InjectionSignalConfig {
  identicalFrames: { action: InjectionAction; maxRepeatedFrames: number };
  nearIdenticalFrames: { action: InjectionAction; minChange: number; thumbnailSize: number };
  frameTiming: { action: InjectionAction; minIntervalMs: number; regularAfterIntervals: number; minSpanMs: number };
  virtualCamera: { action: InjectionAction; labels: string[] };
}

export function readLivenessInjection(r: SectionReader): InjectionSignalConfig {
  const action = (s: SectionReader) => s.oneOf('action', INJECTION_ACTIONS);
  const id = r.section('identicalFrames');
  const identicalFrames = { action: action(id), maxRepeatedFrames: id.number('maxRepeatedFrames', { integer: true, min: 0, max: 1000 }) };
  id.done();
  const near = r.section('nearIdenticalFrames');
  const nearIdenticalFrames = {
    action: action(near),
    minChange: near.number('minChange', { min: 0, max: 255 }),
    thumbnailSize: near.number('thumbnailSize', { integer: true, min: 4, max: 256 }),
  };
  near.done();
  const t = r.section('frameTiming');
  const frameTiming = {
    action: action(t),
    minIntervalMs: t.number('minIntervalMs', { min: 0, max: 10000 }),
    regularAfterIntervals: t.number('regularAfterIntervals', { integer: true, min: 2, max: 1000 }),
    minSpanMs: t.number('minSpanMs', { min: 0, max: 600000 }),
  };
  t.done();
  const v = r.section('virtualCamera');
  const labels = v.stringArray('labels');
  labels.forEach((l, i) => {
    if (l.trim().length === 0 || l.length > 100 || l !== l.toLowerCase()) {
      throw new ConfigError(`${v.key('labels')}[${i}]`, 'a lower-case label fragment of 1..100 characters', l);
    }
  });
  const virtualCamera = { action: action(v), labels };
  v.done();
  r.done();
  return { identicalFrames, nearIdenticalFrames, frameTiming, virtualCamera };
}
