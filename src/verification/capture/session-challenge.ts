// The session's active challenge (an ordered sequence of different steps) and the nonce its frames must carry. The OIDC side stores one random
// nonce per session (session.challenge.nonce, 32 bytes from the CSPRNG, src/oidc/authorize/open-session.ts).
// The challenge is derived from that nonce rather than stored beside it: the pick happens when the
// session opens (the nonce is drawn then), it is as unpredictable before that moment as a separate
// random draw, it cannot change during the session (a page reload shows the same instruction), and
// the store needs no second write. Knowing the nonce reveals the challenge, but the page shows the
// challenge to the person anyway; what matters is that nobody could know it before the session existed.
import { createHash } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import { pickChallengeSteps, type ChallengeKind, type RandomSource } from '../../liveness/index.js';
import type { ChallengeSettings } from '../../config/sections/liveness.js';
import type { VerificationSession } from '../../core/domain.js';

export interface SessionChallenge {
  /** What the person is asked to do, in this order, in one filmed sequence. */
  steps: ChallengeKind[];
  /** What every capture of the session must be stamped with (depth meta, challenge frames). */
  nonce: string;
}

/** A RandomSource whose draws are fixed by the nonce (draw n: 48 bits of SHA-256 over a domain-separated input and n). */
function nonceBoundRandom(nonce: string): RandomSource {
  let n = 0;
  return { next: () => createHash('sha256').update(`proofgate liveness challenge\0${nonce}\0${n++}`).digest().readUIntBE(0, 6) / 2 ** 48 };
}

export function sessionChallenge(session: VerificationSession, settings: Pick<ChallengeSettings, 'kinds' | 'steps'>): SessionChallenge {
  const nonce = session.challenge.nonce;
  if (typeof nonce !== 'string' || nonce.length < 16) {
    throw new ProofgateError('ERR_INTERNAL', 'the verification session has no challenge nonce', { status: 500 });
  }
  return { steps: pickChallengeSteps(nonceBoundRandom(nonce), settings.kinds, settings.steps), nonce };
}

/** The steps as one instruction ("Turn your head to the left, then look up"), for pages that show one line. */
export function challengeInstruction(steps: readonly ChallengeKind[]): string {
  return steps.map((s, i) => (i === 0 ? CHALLENGE_INSTRUCTIONS[s] : CHALLENGE_INSTRUCTIONS[s].charAt(0).toLowerCase() + CHALLENGE_INSTRUCTIONS[s].slice(1))).join(', then ');
}

/** The instruction the page shows (and the status line reads out) for each challenge. */
export const CHALLENGE_INSTRUCTIONS: Record<ChallengeKind, string> = {
  'turn-left': 'Turn your head to the left',
  'turn-right': 'Turn your head to the right',
  'look-up': 'Look up',
  blink: 'Blink slowly',
};
