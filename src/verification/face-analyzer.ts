// Adapts the face engine (src/biometrics) to the FaceAnalyzer the verification flow uses.
import type { ProofgateConfig } from '../config/index.js';
import { ProofgateError } from '../errors.js';
import type { FaceAnalyzer } from './ports.js';

export async function loadFaceAnalyzer(_config: ProofgateConfig): Promise<FaceAnalyzer> {
  throw new ProofgateError('ERR_NOT_IMPLEMENTED', 'the face engine (src/biometrics) is not available in this build', { status: 503 });
}
