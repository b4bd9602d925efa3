// Injection signals: signs that a browser capture was fed to the page by software (a virtual camera
// replaying a picture, a script posting stamped frames) rather than filmed by a camera in front of a
// person. Pure: the caller hands over each frame's sha256, its greyscale thumbnail and capture time, and
// the camera label the page reported. Each signal says what it measured, against what, and whether it
// was raised; its configured action says whether a raised signal refuses (liveness.injection).
// None of them proves a live person: they catch the careless replay cheaply, before the geometry does the rest.
import type { InjectionAction, InjectionSignalConfig } from '../config/sections/liveness-injection.js';

export type InjectionSignalName = 'identical-frames' | 'near-identical-frames' | 'frame-timing' | 'virtual-camera';

export interface InjectionFrame {
  /** sha256 (hex) of the frame's bytes as sent. */
  sha256: string;
  /** The frame's square greyscale thumbnail (liveness.injection.nearIdenticalFrames.thumbnailSize), or null if not computed. */
  thumbnail: Uint8Array | null;
  /** Milliseconds since the epoch, as the client stamped it. */
  capturedAt: number;
}

export interface InjectionEvidence {
  /** sha256 of the selfie's bytes (it may not repeat a challenge frame either). */
  selfieSha256: string;
  /** The challenge frames in the order sent. */
  frames: readonly InjectionFrame[];
  /** The camera label the page reported (the selfie's meta.cameraLabel), or null when none was sent. */
  cameraLabel: string | null;
}

export interface InjectionSignal {
  name: InjectionSignalName;
  /** What was measured (repeated frames, grey levels, ms); null when the signal could not be measured. */
  value: number | null;
  threshold: number | null;
  /** 'fail': the signal was raised. 'not-computed': nothing to measure (no frames, no label). */
  outcome: 'pass' | 'fail' | 'not-computed';
  action: InjectionAction;
  reason: string;
}

/** Frames (selfie included) whose bytes repeat an earlier frame's. */
function identicalFrames(e: InjectionEvidence, s: InjectionSignalConfig['identicalFrames']): InjectionSignal {
  const base = { name: 'identical-frames' as const, threshold: s.maxRepeatedFrames, action: s.action };
  if (e.frames.length === 0) return { ...base, value: null, outcome: 'not-computed', reason: 'no challenge frames to compare' };
  const seen = new Set<string>([e.selfieSha256]);
  const repeats: number[] = [];
  e.frames.forEach((f, i) => {
    if (seen.has(f.sha256)) repeats.push(i);
    seen.add(f.sha256);
  });
  const raised = repeats.length > s.maxRepeatedFrames;
  return {
    ...base, value: repeats.length, outcome: raised ? 'fail' : 'pass',
    reason: repeats.length === 0
      ? `no two of the ${e.frames.length + 1} pictures are identical`
      : `${repeats.length} challenge frame(s) repeat an earlier picture byte for byte (frame ${repeats.slice(0, 10).join(', ')}); at most ${s.maxRepeatedFrames} allowed`,
  };
}

/** Mean absolute difference of two equally sized thumbnails, in grey levels. */
export function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** The largest change from the first frame over the sequence: a still picture never changes. */
function nearIdenticalFrames(e: InjectionEvidence, s: InjectionSignalConfig['nearIdenticalFrames']): InjectionSignal {
  const base = { name: 'near-identical-frames' as const, threshold: s.minChange, action: s.action };
  const thumbs = e.frames.map((f) => f.thumbnail);
  if (thumbs.length < 2 || thumbs.some((t) => t === null)) {
    return { ...base, value: null, outcome: 'not-computed', reason: thumbs.length < 2 ? 'fewer than two challenge frames' : 'a frame has no thumbnail' };
  }
  const first = thumbs[0]!;
  const changes = thumbs.slice(1).map((t) => meanAbsoluteDifference(first, t!));
  if (changes.some((c) => !Number.isFinite(c))) return { ...base, value: null, outcome: 'not-computed', reason: 'the thumbnails differ in size' };
  const largest = Math.round(Math.max(...changes) * 1000) / 1000;
  const raised = largest < s.minChange;
  return {
    ...base, value: largest, outcome: raised ? 'fail' : 'pass',
    reason: raised
      ? `the picture never changed by ${s.minChange} grey levels over ${thumbs.length} frames (largest mean change ${largest}): a still picture`
      : `the picture changed by up to ${largest} grey levels (mean, ${Math.sqrt(first.length)}px thumbnails) over ${thumbs.length} frames`,
  };
}

/** Capture times that a camera filmed by the page cannot have. */
function frameTiming(e: InjectionEvidence, s: InjectionSignalConfig['frameTiming']): InjectionSignal {
  const base = { name: 'frame-timing' as const, threshold: s.minIntervalMs, action: s.action };
  const t = e.frames.map((f) => f.capturedAt);
  if (t.length < 2) return { ...base, value: null, outcome: 'not-computed', reason: 'fewer than two challenge frames' };
  const intervals = t.slice(1).map((x, i) => x - t[i]);
  const shortest = Math.min(...intervals);
  const span = t[t.length - 1] - t[0];
  const broken: string[] = [];
  const backwards = intervals.findIndex((d) => d < 0);
  if (backwards >= 0) broken.push(`frame ${backwards + 1} is dated before frame ${backwards}`);
  else if (shortest < s.minIntervalMs) broken.push(`two frames ${shortest} ms apart, less than ${s.minIntervalMs} ms`);
  if (intervals.length >= s.regularAfterIntervals && intervals.every((d) => d === intervals[0])) {
    broken.push(`all ${intervals.length} intervals are exactly ${intervals[0]} ms (a page's timer drifts)`);
  }
  if (span < s.minSpanMs) broken.push(`the ${t.length} frames span ${span} ms, less than ${s.minSpanMs} ms`);
  return {
    ...base, value: shortest, outcome: broken.length > 0 ? 'fail' : 'pass',
    reason: broken.length > 0 ? `impossible frame timing: ${broken.join('; ')}` : `${t.length} frames over ${span} ms, intervals ${shortest}..${Math.max(...intervals)} ms`,
  };
}

/** Printable, bounded: the label is the client's text and goes into the audit record. */
export function normaliseCameraLabel(label: string): string {
  return label.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

function virtualCamera(e: InjectionEvidence, s: InjectionSignalConfig['virtualCamera']): InjectionSignal {
  const base = { name: 'virtual-camera' as const, value: null, threshold: null, action: s.action };
  const label = e.cameraLabel === null ? '' : normaliseCameraLabel(e.cameraLabel);
  if (label.length === 0) return { ...base, outcome: 'not-computed', reason: 'no camera label was sent' };
  const hit = s.labels.find((known) => label.toLowerCase().includes(known));
  return {
    ...base, outcome: hit ? 'fail' : 'pass',
    reason: hit ? `camera label ${JSON.stringify(label)} names a virtual camera ("${hit}")` : `camera label ${JSON.stringify(label)} is not a known virtual camera (the label is the client's word)`,
  };
}

/** Every signal, in a fixed order, measured on the evidence of one browser capture. */
export function measureInjectionSignals(e: InjectionEvidence, s: InjectionSignalConfig): InjectionSignal[] {
  return [identicalFrames(e, s.identicalFrames), nearIdenticalFrames(e, s.nearIdenticalFrames), frameTiming(e, s.frameTiming), virtualCamera(e, s.virtualCamera)];
}

/** The raised signals whose action is 'refuse': any one of them keeps the evidence at tier none. */
export function refusingSignals(signals: readonly InjectionSignal[]): InjectionSignal[] {
  return signals.filter((s) => s.outcome === 'fail' && s.action === 'refuse');
}
