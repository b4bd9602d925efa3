// The injection signals of a browser capture, measured: each challenge frame's sha256 and greyscale
// thumbnail (decoded by the addon on the libuv pool, all frames at once), their capture times and the
// camera label the page reported, handed to the pure measure in src/liveness/injection-signals.ts.
import { createHash } from 'node:crypto';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { imageThumbnail } from '../../biometrics/image-thumbnail.js';
import { measureInjectionSignals, type InjectionSignal } from '../../liveness/index.js';
import type { ChallengeFrameCapture, SelfieCameraMeta } from './liveness-captures.js';

/**
 * Decode bound for a thumbnail. A frame gets here only after the face engine decoded it under
 * biometrics' own pixel limit; this bound only keeps a test double's frames from asking for more.
 * The browser-liveness evaluation (eval/lib/remote-liveness-injection.ts) decodes with the same bound.
 */
export const THUMBNAIL_MAX_PIXELS = 4096 * 4096;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Throws the addon's typed image errors (ERR_IMAGE_INVALID...) for a frame that does not decode. */
export async function measureInjection(
  selfie: SelfieCameraMeta, frames: readonly ChallengeFrameCapture[], config: LivenessConfig['injection'],
): Promise<InjectionSignal[]> {
  const size = config.nearIdenticalFrames.thumbnailSize;
  const thumbnails = await Promise.all(frames.map((f) => imageThumbnail(f.image, THUMBNAIL_MAX_PIXELS, size)));
  return measureInjectionSignals({
    selfieSha256: sha256(selfie.bytes),
    frames: frames.map((f, i) => ({ sha256: sha256(f.image), thumbnail: thumbnails[i], capturedAt: f.capturedAt })),
    cameraLabel: selfie.cameraLabel,
  }, config);
}
