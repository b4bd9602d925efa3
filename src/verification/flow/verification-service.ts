// The verification flow behind the capture API and the cancel button: guards the session, runs the
// decision policy, keeps every capture of a request it judged as encrypted evidence (a request refused
// as malformed stores nothing), has the OIDC completer claim the session and build the post-back
// (signed id_token or error), and writes the session's one audit record.
// Nothing else in src/ decides "verified".
import type { PostBack } from '../../oidc/form-post.js';
import type { CompletedVerification, VerificationCompleter } from '../../oidc/complete-verification.js';
import { hintUpn, type BiometricProfile, type CheckResult, type Decision, type VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import type { VerificationPolicy } from '../../config/sections/verification.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { ProofgateError } from '../../core/errors.js';
import type { Capture } from '../capture/capture.js';
import type { EvidenceSink, FaceAnalyzer } from '../capture/ports.js';
import { requireOpenSession } from './open-session-guard.js';
import { decideReturningUser, type ReEnrolment } from '../policy/decide-returning-user.js';
import { recordReEnrolment } from './record-re-enrolment.js';
import { decideFirstTime, firstTimeNotAvailableCheck } from '../policy/decide-first-time.js';
import type { DocumentInspector } from '../first-time/document-inspector.js';
import type { PendingEnrolment } from '../first-time/enrolment-summary.js';
import { recordEnrolment } from './record-enrolment.js';
import { heldCheck, newHoldId, recordEnrolmentHold } from './record-enrolment-hold.js';
import { findDuplicatePerson, type DuplicateMatch, type DuplicateSearch } from '../policy/duplicate-person.js';
import { templateToEmbedding } from '../capture/face-template.js';
import { recordDecision } from './record-decision.js';
import { PendingEvidence } from './pending-evidence.js';
import { sessionReference } from './session-reference.js';
import { verificationFlowFor } from './choose-flow.js';
import { sessionChallenge } from '../capture/session-challenge.js';
import { accountLockedCheck, activeLock, countLockoutFailure, lockStartedCheck, type LockoutFailure } from '../policy/account-lockout.js';
import type { AccountLock } from '../../store/repository.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { createMetrics, type ApplianceMetrics } from '../../observability/metrics.js';
import { livenessEvidenceOf, livenessTierOf } from '../liveness/liveness-checks.js';
import { tierOf } from '../liveness/index.js';
import { requiredTier } from '../../liveness/index.js';
import type { PassivePadScorer } from '../liveness/passive-pad-check.js';
import { stationAttestationCheck, type StationAttestation } from '../station/station-attestation.js';
import { kindsNeedingStation } from '../station/verify-station-envelope.js';
import { StationUntrustedError } from '../station/station-untrusted.js';
import { captureBeingJudged, claimCapture, releaseCaptureClaims } from './capture-claims.js';

export interface VerificationServiceDeps {
  repo: Repository;
  /** The audit trail (src/audit/audit-trail.ts): every decision's record is appended through it. */
  audit: AuditWriter;
  faceEngine: FaceAnalyzer;
  evidence: EvidenceSink;
  completeVerification: VerificationCompleter;
  policy: VerificationPolicy;
  /** The one liveness policy and its thresholds (config.liveness). */
  liveness: LivenessConfig;
  /** The passive presentation-attack model of config.liveness.passive; null or absent: not configured. */
  passivePad?: PassivePadScorer | null;
  /** The document checks of first-time verification; without it an account with no profile is told it is not available. */
  documents?: DocumentInspector;
  /**
   * The 1:N duplicate-person search every first-time enrolment runs before its profile is stored
   * (policy/duplicate-person.ts); required with `documents` unless enrolment.duplicates.enabled is false.
   */
  duplicates?: DuplicateSearch;
  /** One event per decision (docs/observability.md) and the lockout events (docs/verification.md); default silent. */
  log?: Logger;
  /** Decisions counted and the decision stage timed; default a registry of its own that nobody scrapes. */
  metrics?: ApplianceMetrics;
  now?: () => number;
}

/** Where the request came from: the client address resolved through the trusted proxies, for the log. */
export interface RequestOrigin {
  clientIp: string | null;
  /** Set when a phone bound by the hand-off sent it (flow/handoff-service.ts): recorded as the 'phone-handoff' check. */
  handoff?: HandoffOrigin;
  /**
   * The trusted station whose signature the route verified over these captures (src/verification/station),
   * or null/absent for an unsigned browser capture. The decision's audit record names it.
   */
  station?: StationAttestation | null;
}

/** The hand-off a phone's capture or cancel came through, for the decision's audit record. */
export interface HandoffOrigin {
  handoffId: string;
  openedAt: number;
  /** When the person confirmed on the phone that the codes match; null: they stopped before confirming. */
  confirmedAt: number | null;
}

/** The audit's account of a decision made from a phone: which hand-off, when it was opened and confirmed. */
export function handoffCheck(h: HandoffOrigin, cancelled = false): CheckResult {
  const opened = new Date(h.openedAt).toISOString();
  const act = cancelled ? 'the person stopped on the phone' : 'captured on the phone';
  return h.confirmedAt === null
    ? { name: 'phone-handoff', score: null, threshold: null, outcome: 'fail', reason: `hand-off ${h.handoffId}: link opened on a phone at ${opened}; stopped there before the codes were confirmed` }
    : { name: 'phone-handoff', score: null, threshold: null, outcome: 'pass', reason: `hand-off ${h.handoffId}: link opened on a phone at ${opened}; codes confirmed at ${new Date(h.confirmedAt).toISOString()}; ${act}` };
}

/** `reference` (session-reference.ts) is what the person quotes to the service desk; the same shape whatever the reason. */
export type CaptureReply =
  | { outcome: 'retry'; message: string; attemptsLeft: number; reference: string }
  | { outcome: 'decided'; decision: Decision; message: string; postBack: PostBack; reference: string };

// What the person reads; reasons stay in the audit so a failed attempt teaches an attacker nothing.
const DECISION_MESSAGES: Record<Decision, string> = {
  verified: 'Verified. Returning you to sign-in…',
  denied: 'We could not verify that you are the owner of this account. Returning you to sign-in…',
  unavailable: 'Verification is temporarily unavailable. Returning you to sign-in…',
};

/** A held enrolment (enrolment.duplicates.action 'hold'): the person learns it waits for a review, and which reference to quote. */
const HELD_MESSAGE = 'Your enrolment needs a review by an administrator before it can be completed. Quote the reference below to your service desk. Returning you to sign-in…';

// error_description sent to Entra: short and free of personal data.
const ENTRA_REASONS: Record<string, string> = {
  'first-time': 'no verified profile for this account; document verification is not available',
  cancel: 'the person cancelled verification',
  denied: 'the person was not verified',
  unavailable: 'verification is temporarily unavailable',
};

interface PendingDecision {
  flow: 'returning' | 'first-time';
  profile: BiometricProfile | null;
  checks: CheckResult[];
  decision: Decision;
  entraReason: string;
  /** Overrides the decision's message to the person (a policy refusal they should understand). */
  message?: string;
  /** First-time flow, verified: the profile to store in one transaction with the audit record. */
  enrolment?: PendingEnrolment | null;
  /** First-time flow, a duplicate of another account's profile under action 'hold': stored as a held enrolment instead. */
  hold?: { enrolment: PendingEnrolment; match: DuplicateMatch; holdId: string };
  /** Returning flow, verified with an earlier embedder's template: the current embedder's, stored likewise. */
  reEnrolment?: ReEnrolment;
  /** A denial that counts towards the account's lockout. */
  lockoutFailure?: LockoutFailure;
  /** Refused because the account is locked (nothing judged). */
  refusedLocked?: AccountLock;
}

/** What the claim's transaction did to the account's lockout, logged once it has committed. */
interface LockoutEffect {
  failures: number;
  failuresToday: number;
  reason: LockoutFailure;
  lockStarted: AccountLock | null;
}

export class VerificationService {
  readonly #deps: VerificationServiceDeps;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #metrics: ApplianceMetrics;

  constructor(deps: VerificationServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.log ?? silentLogger;
    this.#metrics = deps.metrics ?? createMetrics({ processMetrics: false });
  }

  async receiveCapture(sessionId: string, csrfToken: unknown, captures: readonly Capture[], origin: RequestOrigin = { clientIp: null }): Promise<CaptureReply> {
    const { repo } = this.#deps;
    const session = requireOpenSession(this.#deps, sessionId, csrfToken, this.#now());
    // The route verified the station signature (verify-station-envelope.ts); this holds any other caller to
    // the same rule: depth, IR and document evidence is never judged without a station that vouched for it.
    const unvouched = origin.station ? [] : kindsNeedingStation(captures);
    if (unvouched.length > 0) throw new StationUntrustedError(`${unvouched.join(', ')} evidence reached the flow without a verified station signature`);
    // One capture judged at a time per session (a second is refused, not raced) and per account (every
    // capture sees the failures and the lock of the ones before it), on every appliance sharing the store.
    const claims = claimCapture(repo, session, this.#now());
    const endStage = this.#metrics.startStage('decision');
    // What was judged is sealed, written with the claim when this request decides the session, and in
    // any case written before the request answers (pending-evidence.ts).
    const evidence = new PendingEvidence(this.#deps.evidence, sessionId, captures);
    try {
      const reply = await this.#judgeCapture(session, captures, evidence, origin);
      evidence.writeUnlessWritten();
      return reply;
    } catch (e) {
      try {
        evidence.writeUnlessWritten();
      } catch {
        // The first failure is the one to answer.
      }
      throw e;
    } finally {
      for (const e of releaseCaptureClaims(repo, claims)) {
        this.#log('verification.capture_claim_release_failed', { sessionId, error: (e as Error).message }, 'error');
      }
      endStage();
    }
  }

  /** The flow for the session's account: first-time or returning, judged, then retried or decided. */
  async #judgeCapture(session: VerificationSession, captures: readonly Capture[], evidence: PendingEvidence, origin: RequestOrigin): Promise<CaptureReply> {
    const { repo } = this.#deps;
    const store = () => evidence.seal();
    const { profile } = verificationFlowFor(repo, session);
    const accountLock = activeLock(repo, session, this.#now());
    if (!profile && this.#deps.documents) return await this.#firstTime(session, this.#deps.documents, captures, evidence, accountLock, origin);
    if (!profile && accountLock) {
      // Answered as this account is answered unlocked (first time not available), but nothing is stored.
      return await this.#finish(session, {
        flow: 'first-time', profile: null, checks: [firstTimeNotAvailableCheck(), accountLockedCheck(accountLock)], decision: 'denied',
        entraReason: ENTRA_REASONS['first-time'], refusedLocked: accountLock,
      }, origin);
    }
    if (!profile) {
      await store();
      return await this.#finish(session, { flow: 'first-time', profile: null, checks: [firstTimeNotAvailableCheck()], decision: 'denied', entraReason: ENTRA_REASONS['first-time'] }, origin, evidence);
    }
    // Malformed evidence (bad depth PNG, foreign nonce, stale or replayed challenge) throws a typed 4xx
    // here, before anything is stored; what was judged is stored before its outcome is answered.
    const outcome = await decideReturningUser({
      engine: this.#deps.faceEngine, policy: this.#deps.policy, liveness: this.#deps.liveness,
      challenge: sessionChallenge(session, this.#deps.liveness.challenge), replayGuard: repo, now: this.#now(),
      requiredTier: requiredTier(this.#deps.policy.assurance, session.tid, 'returning'),
      passivePad: this.#deps.passivePad,
      captureHistory: { usedInEarlierSession: (sha256) => repo.evidenceSeenForAccount(session.tid, session.oid, sha256, session.sessionId) },
      accountLock,
    }, profile, captures);
    if (!(outcome.kind === 'decided' && outcome.refusedLocked)) await store();
    if (outcome.kind === 'retry') return await this.#retryOrDeny(session, outcome, { flow: 'returning', profile, usable: 'selfie' }, origin, evidence);
    // Every denial looks the same from outside (message and post-back): a policy refusal told apart
    // from a mismatch would say which photo matches the account. The audit keeps the real reason.
    return await this.#finish(session, {
      flow: 'returning', profile, checks: outcome.checks, decision: outcome.decision, reEnrolment: outcome.reEnrolment,
      entraReason: ENTRA_REASONS[outcome.decision] ?? ENTRA_REASONS.denied,
      ...lockoutOf(outcome, accountLock),
    }, origin, evidence);
  }

  /** The person pressed Cancel: access_denied goes back to Entra, and the audit says why. */
  async cancel(sessionId: string, csrfToken: unknown, origin: RequestOrigin = { clientIp: null }): Promise<PostBack> {
    const { repo } = this.#deps;
    const session = requireOpenSession(this.#deps, sessionId, csrfToken, this.#now());
    if (captureBeingJudged(repo, sessionId, this.#now())) {
      throw new ProofgateError('ERR_REPLAY', 'a capture for this verification is being checked; wait for its result', { status: 409 });
    }
    const { flow, profile } = verificationFlowFor(repo, session);
    const checks: CheckResult[] = [{ name: 'user-cancel', score: null, threshold: null, outcome: 'fail', reason: 'the person cancelled on the verification page' }];
    if (!profile && !this.#deps.documents) checks.unshift(firstTimeNotAvailableCheck());
    const reply = await this.#finish(session, { flow, profile, checks, decision: 'denied', entraReason: ENTRA_REASONS.cancel }, origin);
    return reply.postBack;
  }

  /** No profile yet: document, selfie, portrait match, binding and liveness (decide-first-time.ts); verified stores the profile. */
  async #firstTime(
    session: VerificationSession, documents: DocumentInspector, captures: readonly Capture[], evidence: PendingEvidence, accountLock: AccountLock | null, origin: RequestOrigin,
  ): Promise<CaptureReply> {
    const outcome = await decideFirstTime({
      engine: this.#deps.faceEngine, documents, policy: this.#deps.policy, liveness: this.#deps.liveness,
      challenge: sessionChallenge(session, this.#deps.liveness.challenge), replayGuard: this.#deps.repo, now: this.#now(), accountLock,
      requiredTier: requiredTier(this.#deps.policy.assurance, session.tid, 'first-time'),
      passivePad: this.#deps.passivePad,
    }, session, captures);
    if (!(outcome.kind === 'decided' && outcome.refusedLocked)) await evidence.seal();
    if (outcome.kind === 'retry') return await this.#retryOrDeny(session, outcome, { flow: 'first-time', profile: null, usable: 'document and selfie pictures' }, origin, evidence);
    if (outcome.decision === 'verified' && outcome.enrolment) {
      const duplicate = await this.#duplicateDecision(session, outcome.enrolment, outcome.checks);
      if (duplicate) return await this.#finish(session, duplicate, origin, evidence);
    }
    return await this.#finish(session, {
      flow: 'first-time', profile: null, checks: outcome.checks, decision: outcome.decision, enrolment: outcome.enrolment,
      entraReason: ENTRA_REASONS[outcome.decision] ?? ENTRA_REASONS.denied,
      ...lockoutOf(outcome, accountLock),
    }, origin, evidence);
  }

  /**
   * The 1:N search before a first-time profile is stored: null to go on storing it (no other account's
   * profile matched, or the search is turned off), else the denial that replaces the verification: the
   * enrolment held for review or refused (enrolment.duplicates.action). A search that fails denies as
   * unavailable: an enrolment is never stored unsearched.
   */
  async #duplicateDecision(session: VerificationSession, enrolment: PendingEnrolment, checks: CheckResult[]): Promise<PendingDecision | null> {
    const search = this.#deps.duplicates;
    if (!search) return null;
    let found: Awaited<ReturnType<typeof findDuplicatePerson>>;
    try {
      found = await findDuplicatePerson(search, session, { modelId: enrolment.modelId, embedding: templateToEmbedding(enrolment.template) });
    } catch (e) {
      const check: CheckResult = { name: 'duplicate-person', score: null, threshold: search.config.threshold, outcome: 'error', reason: `the duplicate-person search failed: ${(e as Error).message}` };
      return { flow: 'first-time', profile: null, checks: [...checks, check], decision: 'unavailable', entraReason: ENTRA_REASONS.unavailable };
    }
    // Appended to the decision's own checks: a profile stored after a clean search records the search too.
    checks.push(found.check);
    if (!found.match) return null;
    const denial = { flow: 'first-time' as const, profile: null, decision: 'denied' as const, entraReason: ENTRA_REASONS.denied };
    if (search.config.action === 'refuse') return { ...denial, checks };
    const holdId = newHoldId();
    return {
      ...denial, checks: checks.map((c) => (c === found.check ? heldCheck(c, holdId) : c)), message: HELD_MESSAGE,
      hold: { enrolment, match: found.match, holdId },
    };
  }

  /**
   * An unusable capture (no face, blur...) asks for another while attempts remain; the last one denies,
   * recording the attempts as a failed check beside the checks of that last capture.
   */
  async #retryOrDeny(
    session: VerificationSession,
    outcome: { advice: string; checks: CheckResult[] },
    denial: { flow: 'returning' | 'first-time'; profile: BiometricProfile | null; usable: string },
    origin: RequestOrigin,
    evidence: PendingEvidence,
  ): Promise<CaptureReply> {
    const used = this.#useAttempt(session);
    const attemptsLeft = this.#deps.policy.maxCaptureAttempts - used;
    if (attemptsLeft > 0) return { outcome: 'retry', message: outcome.advice, attemptsLeft, reference: sessionReference(session.sessionId) };
    const checks: CheckResult[] = [...outcome.checks, {
      name: 'capture-attempts', score: used, threshold: this.#deps.policy.maxCaptureAttempts, outcome: 'fail',
      reason: `no usable ${denial.usable} in ${used} attempt(s)`,
    }];
    return this.#finish(session, { flow: denial.flow, profile: denial.profile, checks, decision: 'denied', entraReason: ENTRA_REASONS.denied }, origin, evidence);
  }

  /** Counted in the store, so a restart does not hand an attacker a fresh set of attempts. */
  #useAttempt(session: VerificationSession): number {
    const used = this.#deps.repo.countCaptureAttempt(session.sessionId);
    if (used === null) throw new ProofgateError('ERR_SESSION_DECIDED', 'this verification session has already ended', { status: 409 });
    return used;
  }

  /**
   * The completer signs (for a pass), then claims the session (one decision per session) and, in the
   * same transaction, this writes the audit record of what actually goes back: the claim and its record
   * commit together or not at all (else ERR_STORE, 500, and the session stays open). A "verified" whose token
   * could not be signed is recorded as 'unavailable', so the audit never claims a verification Entra
   * did not receive. The request's judged captures (`evidence`) are written in the same transaction,
   * before the record that lists them.
   */
  async #finish(
    session: VerificationSession, decision: PendingDecision, origin: RequestOrigin, evidence: PendingEvidence | null = null,
  ): Promise<Extract<CaptureReply, { outcome: 'decided' }>> {
    const d = origin.handoff ? { ...decision, checks: [...decision.checks, handoffCheck(origin.handoff, decision.entraReason === ENTRA_REASONS.cancel)] } : decision;
    let record: { seq: number; checks: CheckResult[]; lockout: LockoutEffect | null } | null = null;
    let evidenceInClaim = false;
    const completed: CompletedVerification = await this.#deps.completeVerification(session.sessionId, d.decision, {
      reason: d.entraReason,
      ...(d.decision === 'verified' && d.profile ? { verifiedSubject: { tid: d.profile.tid, oid: d.profile.oid } } : {}),
      // First-time: the account the document holder was bound to (the profile is stored with the claim).
      ...(d.decision === 'verified' && !d.profile && d.enrolment ? { verifiedSubject: { tid: session.tid, oid: session.oid } } : {}),
      recordClaim: (sent) => {
        evidence?.writeInTransaction();
        evidenceInClaim = true;
        record = this.#recordFinal(session, d, sent, origin.station ?? null);
      },
    });
    // The completer returned: the claim, and the evidence written in it, committed.
    if (evidenceInClaim) evidence?.committed();
    this.#observeDecision(session, d, completed.outcome, record, origin);
    this.#logLockout(session, d, (record as { lockout: LockoutEffect | null } | null)?.lockout ?? null);
    const message = completed.outcome === d.decision && d.message ? d.message : DECISION_MESSAGES[completed.outcome];
    return {
      outcome: 'decided', decision: completed.outcome, message, postBack: { redirectUri: completed.redirectUri, fields: completed.fields },
      reference: sessionReference(session.sessionId),
    };
  }

  /**
   * After the commit: one log event and one count per decision. The event names the audit record (its
   * seq) for the reasons; it carries check names and codes, never scores of a person, images or the UPN.
   */
  #observeDecision(session: VerificationSession, d: PendingDecision, outcome: Decision, record: { seq: number; checks: CheckResult[] } | null, origin: RequestOrigin): void {
    const checks = record?.checks ?? d.checks;
    const evidence = livenessEvidenceOf(checks);
    const tier = livenessTierOf(evidence);
    this.#metrics.decision({ flow: d.flow, outcome, tier });
    const failed = checks.find((c) => c.outcome === 'fail' || c.outcome === 'error');
    this.#log('verification.decision', {
      sessionId: session.sessionId, auditSeq: record?.seq ?? null, clientRequestId: session.clientRequestId, tid: session.tid, oid: session.oid,
      flow: d.flow, outcome, ...(outcome !== d.decision ? { decided: d.decision } : {}),
      livenessEvidence: evidence, tier, assurance: tierOf(checks), failedCheck: outcome === 'verified' ? null : failed?.name ?? null,
      clientIp: origin.clientIp, stationId: origin.station?.stationId ?? null, ...(origin.handoff ? { handoffId: origin.handoff.handoffId } : {}),
    }, outcome === 'unavailable' ? 'error' : outcome === 'denied' ? 'warn' : 'info');
  }

  /**
   * Inside the claim's transaction: the session's one audit record (and, first-time verified, its profile),
   * and the account's lockout: a counted failure, the lock it may start with its own audit event, or, for a
   * verification that went back verified, the reset. All of it commits with the claim or none of it does.
   */
  #recordFinal(
    session: VerificationSession, d: PendingDecision, sent: CompletedVerification, station: StationAttestation | null,
  ): { seq: number; checks: CheckResult[]; lockout: LockoutEffect | null } {
    const checks = [...d.checks];
    // Which station produced the evidence, and who was signed in there.
    if (station) checks.push(stationAttestationCheck(station));
    if (sent.outcome !== d.decision) {
      checks.push({
        name: 'post-back', score: null, threshold: null, outcome: 'error',
        reason: `decided ${d.decision} but ${sent.outcome} went back to Entra (${sent.fields.error ?? 'no error'}: ${sent.fields.error_description ?? ''})`,
      });
    }
    if (d.reEnrolment && sent.outcome !== 'verified') {
      // The decision said verified but that is not what went back: the new template is not stored.
      const i = checks.findIndex((c) => c.name === 'face-re-enrolment');
      if (i >= 0) checks[i] = { ...checks[i], outcome: 'error', reason: `not stored: ${sent.outcome} went back to Entra, the profile keeps "${d.reEnrolment.previousModelId}"` };
    }
    const at = this.#now();
    const record = d.enrolment && sent.outcome === 'verified'
      ? recordEnrolment(this.#deps, { session, enrolment: d.enrolment, checks, at }).audit
      : d.hold
        ? recordEnrolmentHold(this.#deps, { session, ...d.hold, checks, decision: sent.outcome, at }).audit
      : d.reEnrolment && d.profile && sent.outcome === 'verified'
        ? recordReEnrolment(this.#deps, { session, profile: d.profile, reEnrolment: d.reEnrolment, checks, at })
        : recordDecision(this.#deps, { session, flow: d.flow, profileId: d.profile?.profileId ?? null, checks, decision: sent.outcome, at });
    return { seq: record.seq, checks, lockout: this.#recordLockout(session, d, sent, at) };
  }

  /** The lockout's part of the claim's transaction (account-lockout.ts says what counts). */
  #recordLockout(session: VerificationSession, d: PendingDecision, sent: CompletedVerification, at: number): LockoutEffect | null {
    const { repo } = this.#deps;
    if (sent.outcome === 'verified') {
      repo.resetAccountLockout(session.tid, session.oid);
      return null;
    }
    // Counted when the matcher or liveness said no, also when the session expired while it was judged.
    if (!d.lockoutFailure || sent.outcome !== 'denied') return null;
    const lockoutConfig = this.#deps.policy.lockout;
    const { failures, failuresToday, lockStarted } = countLockoutFailure(repo, session, lockoutConfig, at);
    if (lockStarted) {
      // Raised once, when the lock starts; not tied to the session, whose one record is the decision's.
      this.#deps.audit.record({
        sessionId: null, tid: session.tid, oid: session.oid, upn: hintUpn(session), profileId: d.profile?.profileId ?? null, flow: 'none',
        checks: [lockStartedCheck(lockStarted, lockoutConfig, session.sessionId)], decision: 'denied',
        clientRequestId: session.clientRequestId, evidenceSha256: [], at,
      });
    }
    return { failures, failuresToday, reason: d.lockoutFailure, lockStarted };
  }

  /** After the commit: the lockout's log events and counters. */
  #logLockout(session: VerificationSession, d: PendingDecision, lockout: LockoutEffect | null): void {
    const account = { tid: session.tid, oid: session.oid, sessionId: session.sessionId };
    const config = this.#deps.policy.lockout;
    const until = (lock: AccountLock) => (lock.lockedUntil === null ? null : new Date(lock.lockedUntil).toISOString());
    if (d.refusedLocked) {
      this.#metrics.lockedRefusal();
      this.#log('verification.account_locked_refusal', { ...account, kind: d.refusedLocked.kind, lockedUntil: until(d.refusedLocked) }, 'warn');
    }
    if (!lockout) return;
    this.#metrics.lockoutFailure(lockout.reason);
    this.#log('verification.lockout_failure', {
      ...account, reason: lockout.reason, failures: lockout.failures, maxFailures: config.maxFailures,
      failuresToday: lockout.failuresToday, maxFailuresPerDay: config.maxFailuresPerDay,
    }, 'warn');
    const lock = lockout.lockStarted;
    if (lock) {
      this.#metrics.accountLocked(lock.kind);
      // A staff lock has no end: it waits for `proofgate account unlock`.
      this.#log('verification.account_locked', {
        ...account, kind: lock.kind, failures: lock.failures, lockedUntil: until(lock),
        ...(lock.kind === 'short' ? { lockMinutes: config.lockMinutes } : { maxFailuresPerDay: config.maxFailuresPerDay }),
      }, 'warn');
    }
  }
}

/** The lockout fields a decided outcome hands to #finish. */
function lockoutOf(
  outcome: { lockoutFailure?: LockoutFailure; refusedLocked?: true }, accountLock: AccountLock | null,
): Pick<PendingDecision, 'lockoutFailure' | 'refusedLocked'> {
  return {
    ...(outcome.lockoutFailure ? { lockoutFailure: outcome.lockoutFailure } : {}),
    ...(outcome.refusedLocked && accountLock ? { refusedLocked: accountLock } : {}),
  };
}
