// A decided request's result: the decision's audit record as the console shows it, the signed result (the
// JWS, signed once after the decision and kept; signed on demand if that failed, e.g. while the HSM was
// away), and the webhook run after each decision.
import type { AuditRecord, EvidenceRecord } from '../core/domain.js';
import { ProofgateError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { HelpdeskConfig } from '../config/sections/helpdesk.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { Repository } from '../store/repository.js';
import type { StoredRequest, WebhookDelivery } from '../store/request-store.js';
import { tierOf } from '../verification/liveness/index.js';
import { sessionReference } from '../verification/flow/session-reference.js';
import { resultClaims, signResult } from './result-jws.js';
import { deliverResult, deliverTo, type WebhookDeps } from './webhook.js';

export interface RequestResult {
  decision: string;
  tier: string;
  checks: AuditRecord['checks'];
  decidedAt: number;
  /** What the person was shown and what the audit record's sessionId starts with. */
  reference: string;
  auditSeq: number;
  evidence: EvidenceRecord[];
}

export interface RequestResultsDeps {
  repo: Repository;
  keyRing: KeyRing;
  config: HelpdeskConfig;
  issuer: string;
  signingTimeoutMs: number;
  log: Logger;
  now: () => number;
}

/** Whether a compact JWS's `exp` has passed (a payload that cannot be read counts as expired: sign again). */
function expired(jws: string, now: number): boolean {
  try {
    const { exp } = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp !== 'number' || exp * 1000 <= now;
  } catch {
    return true;
  }
}

/** Pending deliveries resumed at start-up at most (older ones wait for the next start). */
export const MAX_RESUMED_DELIVERIES = 1000;

export class RequestResults {
  readonly #d: RequestResultsDeps;
  /** Webhook runs still going (tests and shutdown wait on them). */
  readonly #running = new Set<Promise<void>>();

  constructor(deps: RequestResultsDeps) {
    this.#d = deps;
  }

  /** The decision's audit record, or null while the request is undecided. */
  record(r: StoredRequest): AuditRecord | null {
    return r.auditSeq === null ? null : this.#d.repo.auditRecord(r.auditSeq);
  }

  result(r: StoredRequest): RequestResult | null {
    const rec = this.record(r);
    if (!rec) return null;
    return {
      decision: rec.decision, tier: tierOf(rec.checks)?.reached ?? 'none', checks: rec.checks, decidedAt: rec.at,
      reference: sessionReference(rec.sessionId ?? ''), auditSeq: rec.seq, evidence: rec.sessionId ? this.#d.repo.listEvidence(rec.sessionId) : [],
    };
  }

  /** The signed result; refused (409) while the request is undecided. */
  async signed(r: StoredRequest): Promise<string> {
    // The stored result is served until its exp; then a fresh one is signed (a verifier refuses an expired JWS).
    if (r.resultJws && !expired(r.resultJws, this.#d.now())) return r.resultJws;
    const rec = this.record(r);
    if (!rec) throw new ProofgateError('ERR_REPLAY', 'this verification request has no result yet', { status: 409 });
    const iat = Math.floor(this.#d.now() / 1000);
    const jws = await signResult(this.#d.keyRing, resultClaims(r, rec, this.#d.issuer, iat, this.#d.config.resultLifetimeSeconds), this.#d.signingTimeoutMs);
    this.#d.repo.requests.setResultJws(r.requestId, jws);
    return jws;
  }

  /** After a decision commits: sign and keep the result, then the webhook; failures are logged, never thrown. */
  afterDecision(requestId: string): void {
    this.#track(requestId, async () => {
      const jws = await this.#signedOrLogged(requestId);
      if (jws !== null && this.#d.config.webhook.urls.length > 0) await deliverResult(this.#webhook(), requestId, jws);
    });
  }

  /**
   * At start-up: the deliveries a restart cut short, each resumed from its next attempt. One whose URL is
   * no longer configured is given up on record (the operator removed the receiver).
   */
  resumeDeliveries(): void {
    const { urls, maxAttempts } = this.#d.config.webhook;
    // One receiver's deliveries go one after another (oldest first): a receiver that was down is not
    // met by every pending delivery at once when the appliance comes back.
    const byUrl = new Map<string, WebhookDelivery[]>();
    for (const p of this.#d.repo.requests.pendingDeliveries(MAX_RESUMED_DELIVERIES)) {
      if (!urls.includes(p.url)) {
        this.#d.repo.requests.saveDelivery({ ...p, state: 'failed', lastError: 'the webhook URL is no longer configured', updatedAt: this.#d.now() });
        continue;
      }
      byUrl.set(p.url, [...(byUrl.get(p.url) ?? []), p]);
    }
    for (const [url, pending] of byUrl) {
      this.#track(pending[0].requestId, async () => {
        for (const p of pending) {
          const jws = await this.#signedOrLogged(p.requestId);
          if (jws !== null) await deliverTo(this.#webhook(), url, p.requestId, jws, Math.min(p.attempts, maxAttempts - 1));
        }
      });
    }
  }

  #webhook(): WebhookDeps {
    return { config: this.#d.config.webhook, store: this.#d.repo.requests, log: this.#d.log, now: this.#d.now };
  }

  async #signedOrLogged(requestId: string): Promise<string | null> {
    const r = this.#d.repo.requests.get(requestId);
    if (!r) return null;
    try {
      return await this.signed(r);
    } catch (e) {
      this.#d.log('helpdesk.result_signing_failed', { requestId, error: (e as Error).message }, 'error');
      return null;
    }
  }

  #track(requestId: string, work: () => Promise<void>): void {
    const run = work().catch((e: unknown) => this.#d.log('helpdesk.after_decision_failed', { requestId, error: (e as Error).message }, 'error'));
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** Resolves when every webhook run started so far has ended. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
