// The face engine, or, when its models cannot be loaded, an analyzer that explains why: verifications then
// answer temporarily_unavailable and the rest of the appliance still serves.
import type { ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { loadFaceAnalyzer, type EngineFaceAnalyzer } from '../../verification/capture/face-analyzer.js';
import type { FaceAnalyzer } from '../../verification/capture/ports.js';

export interface LoadedFaceEngine {
  faceEngine: FaceAnalyzer;
  /** The engine to close at shutdown; absent when it did not load. */
  loaded?: EngineFaceAnalyzer;
  /** Why it did not load. */
  problem?: string;
}

function unavailableFaceAnalyzer(cause: unknown): FaceAnalyzer {
  const message = `face engine unavailable: ${(cause as Error).message}`;
  const fail = () => { throw new ProofgateError('ERR_MODEL', message, { status: 503, cause }); };
  return { modelId: 'unavailable', analyzeFace: async () => fail(), compareFaces: () => fail() };
}

export async function loadFaceEngine(config: ProofgateConfig, log: Logger): Promise<LoadedFaceEngine> {
  try {
    const loaded = await loadFaceAnalyzer(config);
    return { faceEngine: loaded, loaded };
  } catch (e) {
    const problem = (e as Error).message;
    log('face-engine-unavailable', { error: problem, effect: 'verifications answer temporarily_unavailable' }, 'error');
    return { faceEngine: unavailableFaceAnalyzer(e), problem };
  }
}
