// What both decisions (returning user, first-time) are given by the flow: the face engine, the policy
// and liveness configuration, the session's challenge, the nonce replay guard and the time.
import type { VerificationPolicy } from '../../config/sections/verification.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import type { NonceReplayGuard } from '../../liveness/index.js';
import type { FaceAnalyzer } from '../capture/ports.js';
import type { SessionChallenge } from '../capture/session-challenge.js';

export interface DecisionContext {
  engine: FaceAnalyzer;
  policy: VerificationPolicy;
  liveness: LivenessConfig;
  /** The session's challenge and the nonce its captures carry (session-challenge.ts). */
  challenge: SessionChallenge;
  /** Consumes challenge nonces (Repository.rememberOnce). */
  replayGuard: NonceReplayGuard;
  now: number;
}
