// proofgate's native face pipeline behind the FaceSystem interface.
import type { FaceSystem } from '../lib/face-system.js';

export async function loadProofgateSystem(): Promise<FaceSystem> {
  throw new Error('the proofgate face engine (src/biometrics) is not wired into the evaluation yet');
}
