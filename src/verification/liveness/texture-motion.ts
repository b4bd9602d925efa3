// The challenge's 3D-consistency-from-motion check judged on the tracked image texture of the frames as
// uploaded (measureTextureParallax), in place of verifyChallenge's landmark-only measure (which stays in
// the report as landmarkValue). A failure of the motion check fails the challenge in evaluate-liveness.
import type { MotionSettings } from '../../config/sections/liveness.js';
import { validateLandmarks } from '../../liveness/capture.js';
import type { ChallengeResult } from '../../liveness/index.js';
import { measureTextureParallax } from '../../liveness/texture-parallax.js';
import type { FaceAnalysisResult } from '../capture/ports.js';

/** `result` with its motion report measured on the texture; unchanged when verifyChallenge measured no motion. */
export async function judgeMotionOnTexture(
  result: ChallengeResult, frames: readonly { image: Buffer }[], analyses: readonly FaceAnalysisResult[], settings: MotionSettings,
): Promise<ChallengeResult> {
  if (!result.motion) return result;
  const views = analyses.map((a) => validateLandmarks(a.face!.landmarks468, a.image.width, a.image.height));
  return { ...result, motion: await measureTextureParallax(frames.map((f) => f.image), views, settings, undefined, result.motion) };
}
