// The server's injection signals (measureInjectionSignals, src/liveness/injection-signals.ts) on one
// recorded capture sequence, for the two that a folder of frames carries: identical-frames (each frame's
// sha256) and near-identical-frames (each frame's greyscale thumbnail, made by the addon as the server
// makes it, src/verification/liveness/injection-evidence.ts). The other two cannot be judged from a folder
// of frames: frame-timing needs the capture times the page stamped and virtual-camera the camera label it
// reported; a data folder has neither, so they are measured on empty evidence and left out of the report.
import { imageThumbnail } from '../../src/biometrics/image-thumbnail.js';
import type { InjectionSignalConfig } from '../../src/config/sections/liveness-injection.js';
import { measureInjectionSignals, refusingSignals, type InjectionSignalName } from '../../src/liveness/index.js';
import { THUMBNAIL_MAX_PIXELS } from '../../src/verification/liveness/injection-evidence.js';
import type { SequenceCheck } from './remote-liveness-checks.js';
import type { FrameAnalysis } from './sequence-frames.js';

/** The injection signals this evaluation reports, in the server's order. */
export const INJECTION_CHECKS = ['identical-frames', 'near-identical-frames'] as const satisfies readonly InjectionSignalName[];

/**
 * The server compares the challenge frames with the selfie too; a data folder has no selfie. This stands in
 * for its sha256 and cannot match a frame's (it is not hex), so only the frames are compared with each other.
 */
export const NO_SELFIE_SHA256 = 'no selfie: a data folder has none';

/**
 * Each frame's square greyscale thumbnail (liveness.injection.nearIdenticalFrames.thumbnailSize), decoded on
 * the libuv pool. A frame whose bytes are missing or do not decode gets none: near-identical-frames is then
 * not computed on its sequence (the frames check refuses that sequence anyway).
 */
export async function frameThumbnails(frameBytes: readonly Buffer[], size: number): Promise<(Uint8Array | null)[]> {
  return Promise.all(frameBytes.map((bytes) => imageThumbnail(bytes, THUMBNAIL_MAX_PIXELS, size).catch(() => null)));
}

/**
 * identical-frames and near-identical-frames as the server measures them, with the configured thresholds and
 * actions; a check refuses where the server would (raised and its action is 'refuse', refusingSignals). A
 * still (one frame) has no second frame to compare: not computed, and it raises nothing (the motion check
 * refuses a still). `thumbnails` are the frames', same order; a frame without one leaves near-identical
 * frames not computed.
 */
export function injectionChecks(frames: readonly FrameAnalysis[], thumbnails: readonly (Uint8Array | null)[], config: InjectionSignalConfig): SequenceCheck[] {
  if (frames.length < 2) {
    return INJECTION_CHECKS.map((name) => ({ name, value: null, threshold: null, outcome: 'not-computed', refuses: false, reason: 'a still has no second frame to compare' }));
  }
  const signals = measureInjectionSignals({
    selfieSha256: NO_SELFIE_SHA256,
    // No capture times and no camera label in a data folder: frame-timing and virtual-camera are not used.
    frames: frames.map((f, i) => ({ sha256: f.sha256, thumbnail: thumbnails[i] ?? null, capturedAt: 0 })),
    cameraLabel: null,
  }, config);
  const refusing = new Set(refusingSignals(signals).map((s) => s.name));
  return INJECTION_CHECKS.map((name) => {
    const s = signals.find((x) => x.name === name)!;
    return {
      name, value: s.value, threshold: s.threshold, outcome: s.outcome, refuses: refusing.has(name),
      // A reason explains an outcome other than a pass, as for the other checks (the value says how far it passed).
      reason: s.outcome === 'pass' ? null : s.reason,
      detail: { action: s.action },
    };
  });
}
