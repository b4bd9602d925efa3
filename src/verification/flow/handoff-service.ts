// The phone hand-off (docs/verification.md, "Phone hand-off"). The computer's capture page asks for a
// QR code: a one-time link (a fresh random token, stored only as its SHA-256) valid for
// verification.handoff.ttlSeconds and never beyond the session's expiry, plus a six-digit code from the
// CSPRNG. The first phone that opens the link burns the token and is bound to the session by a cookie
// secret of its own (also stored as SHA-256); any later opener is refused, and every refusal looks the
// same and writes nothing. The phone shows the account and the code and takes no photo until the person
// confirms that the code matches their computer's. Its capture goes through the same VerificationService
// as the computer's, authenticated by the binding instead of the computer's CSRF token; the post-back
// (the signed id_token or the error) is kept for the computer, which takes it once with its own CSRF
// token and posts it to Entra. The phone never receives it.
import { randomBytes, randomInt } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import type { VerificationSession } from '../../core/domain.js';
import type { Logger } from '../../core/log.js';
import type { VerificationHandoffConfig } from '../../config/sections/verification.js';
import type { PostBack } from '../../oidc/form-post.js';
import type { Handoff } from '../../store/handoff-store.js';
import type { Capture } from '../capture/capture.js';
import { requireOpenSession } from './open-session-guard.js';
import type { DecisionWriters } from './record-decision.js';
import { verificationFlowFor } from './choose-flow.js';
import { newSecret, sameSecret, sha256Hex } from '../../core/secrets.js';
import type { CaptureReply, HandoffOrigin, RequestOrigin, VerificationService } from './verification-service.js';

/** What the computer's page shows for its hand-off (the phone's page maps the same states to its own words). */
export type HandoffProgress = 'waiting' | 'opened' | 'confirmed' | 'decided' | 'ended' | 'expired';
/** After these the hand-off changes no more: progress streams close. */
export const FINAL_PROGRESS: readonly HandoffProgress[] = ['decided', 'ended', 'expired'];

export interface IssuedHandoff {
  handoffId: string;
  /** The link's secret: goes into the QR code only, never stored. */
  token: string;
  code: string;
  expiresAt: number;
}

/** A phone that has just opened the link: its cookie secret (never stored) and how long the cookie may live. */
export interface PhoneBinding {
  handoff: Handoff;
  phoneSecret: string;
  /** The session's expiry: the binding is worth nothing after it. */
  validUntil: number;
}

export type PhoneCaptureReply = Extract<CaptureReply, { outcome: 'retry' }> | { outcome: 'decided'; message: string };

export interface HandoffServiceDeps extends DecisionWriters {
  verification: Pick<VerificationService, 'receiveCapture' | 'cancel'>;
  config: VerificationHandoffConfig;
  log: Logger;
  now: () => number;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const HANDOFF_ID = /^[A-Za-z0-9_-]{22}$/;
export const PHONE_DONE_MESSAGE = 'Done. Go back to your computer: it finishes the sign-in.';

// One answer for every refused link or binding (unknown, used, expired, another session's, wrong cookie):
// what a refusal says must not tell a guesser which of them it was.
const refused = () => new ProofgateError('ERR_NOT_FOUND', 'this hand-off link cannot be used', { status: 404 });

export class HandoffService {
  readonly #d: HandoffServiceDeps;

  constructor(deps: HandoffServiceDeps) {
    this.#d = deps;
  }

  get config(): VerificationHandoffConfig {
    return this.#d.config;
  }

  /** The computer asks for a QR code (its CSRF token, an open returning-user session). */
  issue(sessionId: string, csrfToken: unknown, origin: RequestOrigin): IssuedHandoff {
    const { repo, config, now } = this.#d;
    if (!config.enabled) throw new ProofgateError('ERR_NOT_FOUND', 'the phone hand-off is not enabled', { status: 404 });
    const at = now();
    const session = requireOpenSession(this.#d, sessionId, csrfToken, at);
    if (verificationFlowFor(repo, session).flow !== 'returning') {
      throw new ProofgateError('ERR_BAD_REQUEST', 'the phone hand-off is for accounts with a verified photo on record', { status: 409 });
    }
    const token = newSecret();
    const handoff = repo.handoffs.issue({
      handoffId: randomBytes(16).toString('base64url'), sessionId, tokenSha256: sha256Hex(token),
      code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
      createdAt: at, expiresAt: Math.min(at + config.ttlSeconds * 1000, session.expiresAt),
    }, config.maxPerSession);
    if (!handoff) {
      throw new ProofgateError('ERR_REPLAY', 'no new code for this verification: a phone already has it, or too many codes were asked for', { status: 409 });
    }
    this.#d.log('verification.handoff_issued', { sessionId, handoffId: handoff.handoffId, expiresAt: handoff.expiresAt, clientIp: origin.clientIp });
    return { handoffId: handoff.handoffId, token, code: handoff.code, expiresAt: handoff.expiresAt };
  }

  /** A phone opens the link: the first one is bound (the token burns), any other is refused. */
  open(token: string, origin: RequestOrigin): PhoneBinding {
    const { repo, now } = this.#d;
    const at = now();
    const refuse = (why: string, handoffId: string | null) => {
      this.#d.log('verification.handoff_refused', { handoffId, why, clientIp: origin.clientIp }, 'warn');
      return refused();
    };
    if (!this.#d.config.enabled) throw refuse('the phone hand-off is not enabled', null);
    if (!TOKEN.test(token)) throw refuse('malformed link', null);
    const tokenSha256 = sha256Hex(token);
    const found = repo.handoffs.byToken(tokenSha256);
    if (!found) throw refuse('unknown link', null);
    if (found.state !== 'issued') throw refuse(`link already ${found.state === 'ended' ? 'replaced or ended' : 'used'}`, found.handoffId);
    if (at >= found.expiresAt) throw refuse('link expired', found.handoffId);
    const session = repo.getSession(found.sessionId);
    if (!session || session.status !== 'open' || at >= session.expiresAt) throw refuse('verification ended', found.handoffId);
    const phoneSecret = newSecret();
    const handoff = repo.handoffs.open(tokenSha256, {
      phoneSha256: sha256Hex(phoneSecret), phoneCsrf: randomBytes(24).toString('base64url'), phoneIp: origin.clientIp?.slice(0, 64) ?? null,
    }, at);
    // Another phone won the race between the read above and this write.
    if (!handoff) throw refuse('link already used', found.handoffId);
    this.#d.log('verification.handoff_opened', { sessionId: session.sessionId, handoffId: handoff.handoffId, clientIp: origin.clientIp });
    return { handoff, phoneSecret, validUntil: session.expiresAt };
  }

  /** The bound phone, by its cookie secret; refused alike for every reason. */
  phone(handoffId: string, phoneSecret: unknown): { handoff: Handoff; session: VerificationSession } {
    if (!HANDOFF_ID.test(handoffId)) throw refused();
    const handoff = this.#d.repo.handoffs.get(handoffId);
    if (!handoff || handoff.state === 'issued' || typeof phoneSecret !== 'string' || !sameSecret(sha256Hex(phoneSecret), handoff.phoneSha256)) throw refused();
    const session = this.#d.repo.getSession(handoff.sessionId);
    if (!session) throw refused();
    return { handoff, session };
  }

  /** The phone's progress, as its page shows it. */
  phoneProgress(handoffId: string, phoneSecret: unknown): HandoffProgress {
    const { handoff, session } = this.phone(handoffId, phoneSecret);
    return this.#progress(handoff, session);
  }

  /** The person confirmed on the phone that the codes match: the phone may now start its camera. */
  confirm(handoffId: string, phoneSecret: unknown, csrf: unknown, origin: RequestOrigin): void {
    const { handoff } = this.#requirePhone(handoffId, phoneSecret, csrf, ['opened']);
    if (!this.#d.repo.handoffs.confirm(handoffId, this.#d.now())) throw refused();
    this.#d.log('verification.handoff_confirmed', { sessionId: handoff.sessionId, handoffId, clientIp: origin.clientIp });
  }

  /**
   * The confirmed phone's capture, judged exactly as the computer's would be. A decision's post-back is
   * kept for the computer; the phone is told only that it is done.
   */
  async capture(handoffId: string, phoneSecret: unknown, csrf: unknown, captures: readonly Capture[], origin: RequestOrigin): Promise<PhoneCaptureReply> {
    const { handoff, session } = this.#requirePhone(handoffId, phoneSecret, csrf, ['confirmed']);
    const reply = await this.#d.verification.receiveCapture(session.sessionId, session.csrfToken, captures, { ...origin, handoff: handoffOrigin(handoff) });
    if (reply.outcome === 'retry') return reply;
    this.#keepForComputer(handoff, reply.postBack);
    return { outcome: 'decided', message: PHONE_DONE_MESSAGE };
  }

  /** The person stopped on the phone (the codes did not match, or they changed their mind): access_denied, via the computer. */
  async cancel(handoffId: string, phoneSecret: unknown, csrf: unknown, origin: RequestOrigin): Promise<void> {
    const { handoff, session } = this.#requirePhone(handoffId, phoneSecret, csrf, ['opened', 'confirmed']);
    const postBack = await this.#d.verification.cancel(session.sessionId, session.csrfToken, { ...origin, handoff: handoffOrigin(handoff) });
    this.#keepForComputer(handoff, postBack);
    this.#d.log('verification.handoff_stopped', { sessionId: session.sessionId, handoffId, confirmed: handoff.confirmedAt !== null, clientIp: origin.clientIp }, 'warn');
  }

  /** A phone capture's admission, from its headers (before the body is read): bound, confirmed, session open. */
  admitPhoneCapture(handoffId: string, phoneSecret: unknown, csrf: unknown): void {
    this.#requirePhone(handoffId, phoneSecret, csrf, ['confirmed']);
  }

  /** When the session expires (progress streams end then); now for an unknown session. */
  sessionExpiry(sessionId: string): number {
    return this.#d.repo.getSession(sessionId)?.expiresAt ?? this.#d.now();
  }

  /** The computer's view of its hand-off (no CSRF: the ids are the capability, and it reveals only the state). */
  progress(sessionId: string, handoffId: string): HandoffProgress {
    const { handoff, session } = this.#ofSession(sessionId, handoffId);
    return this.#progress(handoff, session);
  }

  /** The computer takes the phone's post-back, once, with its own CSRF token (the session is closed by then). */
  complete(sessionId: string, handoffId: string, csrfToken: unknown): PostBack {
    const { handoff, session } = this.#ofSession(sessionId, handoffId);
    if (!sameSecret(csrfToken, session.csrfToken)) throw new ProofgateError('ERR_CSRF', 'missing or wrong CSRF token', { status: 403 });
    const json = handoff.state === 'decided' ? this.#d.repo.handoffs.takePostBack(handoffId) : null;
    if (!json) throw new ProofgateError('ERR_REPLAY', 'no result from the phone is waiting for this verification; start again from the sign-in page', { status: 409 });
    return JSON.parse(json) as PostBack;
  }

  #ofSession(sessionId: string, handoffId: string): { handoff: Handoff; session: VerificationSession } {
    const handoff = HANDOFF_ID.test(handoffId) ? this.#d.repo.handoffs.get(handoffId) : null;
    const session = handoff && handoff.sessionId === sessionId ? this.#d.repo.getSession(sessionId) : null;
    if (!handoff || !session) throw new ProofgateError('ERR_NOT_FOUND', 'no such hand-off', { status: 404 });
    return { handoff, session };
  }

  #progress(h: Handoff, session: VerificationSession): HandoffProgress {
    const at = this.#d.now();
    if (h.state === 'decided') return 'decided';
    if (session.status === 'expired' || (session.status === 'open' && at >= session.expiresAt)) return 'expired';
    if (h.state === 'ended' || session.status !== 'open') return 'ended';
    if (h.state === 'issued') return at >= h.expiresAt ? 'expired' : 'waiting';
    return h.state;
  }

  /** The bound phone, its CSRF token, the hand-off in one of `states`, and the session still open (an expired one is closed and audited). */
  #requirePhone(handoffId: string, phoneSecret: unknown, csrf: unknown, states: readonly Handoff['state'][]): { handoff: Handoff; session: VerificationSession } {
    // Switching the hand-off off also stops the links and phones already out.
    if (!this.#d.config.enabled) throw new ProofgateError('ERR_NOT_FOUND', 'the phone hand-off is not enabled', { status: 404 });
    const { handoff } = this.phone(handoffId, phoneSecret);
    if (!sameSecret(csrf, handoff.phoneCsrf)) throw new ProofgateError('ERR_CSRF', 'missing or wrong CSRF token', { status: 403 });
    if (!states.includes(handoff.state)) {
      throw new ProofgateError('ERR_REPLAY', handoff.state === 'opened' ? 'confirm the code on this phone first' : 'this hand-off has ended', { status: 409 });
    }
    const current = this.#d.repo.getSession(handoff.sessionId);
    const session = requireOpenSession(this.#d, handoff.sessionId, current?.csrfToken, this.#d.now());
    return { handoff, session };
  }

  #keepForComputer(handoff: Handoff, postBack: PostBack): void {
    if (!this.#d.repo.handoffs.decide(handoff.handoffId, JSON.stringify(postBack), this.#d.now())) {
      // The decision is committed and audited; only the computer's pick-up is lost (it shows "ended").
      this.#d.log('verification.handoff_post_back_lost', { sessionId: handoff.sessionId, handoffId: handoff.handoffId }, 'error');
    }
  }
}

function handoffOrigin(h: Handoff): HandoffOrigin {
  return { handoffId: h.handoffId, openedAt: h.openedAt ?? h.createdAt, confirmedAt: h.confirmedAt };
}
