// Ends a verification session with the UI's decision and builds what goes back to Entra: a signed
// id_token, or access_denied / temporarily_unavailable. A session decides once: the store's
// closeSession() is the claim, so two concurrent decisions cannot both issue a token. The token is
// signed first (HSM, async; worthless until posted back), then one synchronous transaction claims the
// session and runs the caller's recordClaim (its audit record): both commit or neither does, and only
// a committed claim hands anything back.
import type { ProofgateConfig } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { Decision, VerificationSession } from '../core/domain.js';
import type { Repository } from '../store/repository.js';
import { describeError, type OidcErrorCode } from '../core/describe-error.js';
import type { PostBack } from './form-post.js';
import { signIdToken, type IdTokenClaims } from './id-token.js';
import { createMetrics, type ApplianceMetrics } from '../observability/metrics.js';

export interface DecisionDetail {
  /**
   * For 'verified': the account whose enrolled person matched. When given it must be the session's
   * tid+oid, otherwise the decision is turned into access_denied (the binding check).
   */
  verifiedSubject?: { tid: string; oid: string };
  /** Shown to Entra as error_description for 'denied' / 'unavailable' (keep it free of personal data). */
  reason?: string;
  /**
   * Runs inside the transaction that claims the session, given what will go back: the caller writes the
   * session's audit record here. If it throws, the claim rolls back, the session stays open and the
   * completer throws ERR_STORE (500, the generic "temporarily unavailable").
   */
  recordClaim?: (completed: CompletedVerification) => void;
}

export interface CompletedVerification extends PostBack {
  /** What actually went back: 'verified' only when an id_token was issued. */
  outcome: Decision;
  session: VerificationSession;
  /** The issued token's claims (outcome 'verified'). */
  idTokenClaims?: IdTokenClaims;
}

/** Send the result to the browser with sendFormPost(res, completed) from src/oidc/form-post.ts. */
export type VerificationCompleter = (sessionId: string, decision: Decision, detail?: DecisionDetail) => Promise<CompletedVerification>;

export interface CompleterDeps {
  config: ProofgateConfig;
  repository: Repository;
  keyRing: KeyRing;
  /** The signing stage is timed here (the app's registry); default one of its own that nobody scrapes. */
  metrics?: ApplianceMetrics;
  now?: () => number;
}

function errorPostBack(session: VerificationSession, error: OidcErrorCode, description: string): PostBack {
  const fields: Record<string, string> = { error, error_description: description };
  if (session.state !== null) fields.state = session.state;
  return { redirectUri: session.redirectUri, fields };
}

/**
 * What goes back to Entra for a session that ran out of time (closed as 'expired'): access_denied with
 * the session's state, so the person lands back at sign-in instead of on a dead page.
 */
export function sessionExpiredPostBack(session: VerificationSession): PostBack {
  return errorPostBack(session, 'access_denied', 'the verification session expired');
}

export function createVerificationCompleter(deps: CompleterDeps): VerificationCompleter {
  const now = deps.now ?? Date.now;
  const { config, repository, keyRing } = deps;
  const metrics = deps.metrics ?? createMetrics({ processMetrics: false });

  /** Claims the session as `status` and runs the caller's record, in one transaction. */
  function claim(sessionId: string, status: 'decided' | 'expired', completed: CompletedVerification, detail: DecisionDetail): CompletedVerification {
    try {
      repository.transaction(() => {
        if (!repository.closeSession(sessionId, status)) {
          throw new ProofgateError('ERR_SESSION_DECIDED', 'this verification session has already ended', { status: 409 });
        }
        detail.recordClaim?.(completed);
      });
    } catch (e) {
      // A decision refused on purpose keeps its code, and so does an HSM outage (the audit record's MAC key
      // not ready: 503, temporarily unavailable); anything else is a store outage the person may retry.
      if (e instanceof ProofgateError && (e.status < 500 || e.code === 'ERR_HSM_UNAVAILABLE')) throw e;
      throw new ProofgateError('ERR_STORE', `the decision and its audit record could not be stored, the session stays open: ${(e as Error).message}`, {
        status: 500, expose: false, cause: e,
      });
    }
    return completed;
  }

  return async function completeVerification(sessionId, decision, detail = {}) {
    if (!['verified', 'denied', 'unavailable'].includes(decision)) {
      throw new ProofgateError('ERR_BAD_REQUEST', `unknown decision "${String(decision)}"`, { status: 400 });
    }
    const session = repository.getSession(sessionId);
    if (!session) throw new ProofgateError('ERR_SESSION_EXPIRED', 'no such verification session', { status: 404 });
    if (session.status !== 'open') {
      throw new ProofgateError('ERR_SESSION_DECIDED', 'this verification session has already ended', { status: 409 });
    }
    const expired = () => claim(sessionId, 'expired', { ...sessionExpiredPostBack(session), outcome: 'denied', session }, detail);
    const at = now();
    if (at > session.expiresAt) return expired();
    const completed = await postBackFor(session, decision, detail, at);
    // Signing waits on the HSM (up to signingTimeoutMs): a session that expired meanwhile is claimed as expired.
    if (now() > session.expiresAt) return expired();
    return claim(sessionId, 'decided', completed, detail);
  };

  /** What goes back for this decision; for 'verified' the id_token, signed before anything is claimed. */
  async function postBackFor(session: VerificationSession, decision: Decision, detail: DecisionDetail, at: number): Promise<CompletedVerification> {
    if (decision === 'denied') {
      return { ...errorPostBack(session, 'access_denied', detail.reason ?? 'the person was not verified'), outcome: 'denied', session };
    }
    if (decision === 'unavailable') {
      return { ...errorPostBack(session, 'temporarily_unavailable', detail.reason ?? 'verification is temporarily unavailable'), outcome: 'unavailable', session };
    }
    const subject = detail.verifiedSubject;
    if (subject && (subject.tid.toLowerCase() !== session.tid || subject.oid.toLowerCase() !== session.oid)) {
      return { ...errorPostBack(session, 'access_denied', 'the verified person is not bound to this account'), outcome: 'denied', session };
    }

    const iat = Math.floor(at / 1000);
    const claims: IdTokenClaims = {
      iss: config.server.publicBaseUrl,
      aud: session.clientId,
      sub: session.sub,
      nonce: session.nonce,
      acr: session.acr,
      amr: [session.amr],
      iat,
      exp: iat + config.oidc.tokenLifetimeSeconds,
    };
    const endSigning = metrics.startStage('signing');
    try {
      const idToken = await signIdToken(keyRing, claims, config.oidc.signingTimeoutMs);
      endSigning();
      const fields: Record<string, string> = { id_token: idToken };
      if (session.state !== null) fields.state = session.state;
      return { redirectUri: session.redirectUri, fields, outcome: 'verified', session, idTokenClaims: claims };
    } catch (e) {
      const view = describeError(e);
      return { ...errorPostBack(session, view.oidcError, view.message), outcome: 'unavailable', session };
    }
  }
}
