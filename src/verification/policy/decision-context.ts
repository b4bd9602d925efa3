// What both decisions (returning user, first-time) are given by the flow: the face engine, the policy
// and liveness configuration, the session's challenge, the nonce replay guard and the time.
import type { VerificationPolicy } from '../../config/sections/verification.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import type { AssuranceTier, NonceReplayGuard } from '../../liveness/index.js';
import type { FaceAnalyzer } from '../capture/ports.js';
import type { SessionChallenge } from '../capture/session-challenge.js';
import type { AccountLock } from '../../store/repository.js';
import type { PassivePadScorer } from '../liveness/passive-pad-check.js';

export interface DecisionContext {
  engine: FaceAnalyzer;
  policy: VerificationPolicy;
  liveness: LivenessConfig;
  /** The session's challenge and the nonce its captures carry (session-challenge.ts). */
  challenge: SessionChallenge;
  /** Consumes challenge nonces (Repository.rememberOnce). */
  replayGuard: NonceReplayGuard;
  now: number;
  /** The liveness tier this flow requires for the session's tenant (verification.assurance, requiredTier()). */
  requiredTier: AssuranceTier;
  /** The passive presentation-attack model (liveness.passive); null or absent: not configured. */
  passivePad?: PassivePadScorer | null;
  /**
   * The account's lock in force (account-lockout.ts), or null: a locked account's capture is denied once it
   * is read (malformed evidence is still a 4xx, as for any account), before anything is analysed or stored.
   */
  accountLock?: AccountLock | null;
}
