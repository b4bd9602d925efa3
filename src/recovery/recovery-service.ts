// RecoveryService: one Temporary Access Pass per help-desk request of purpose `recovery` that ended
// verified. The order is what keeps it whole:
//   1. refusals first (disabled, unknown request, not verified, other purpose, already issued, other
//      tenant, an issue already under way): they write nothing and call nobody;
//   2. Graph creates the pass; a failure there is audited (the examiner sees the attempt) and nothing is marked;
//   3. one store transaction marks the request and writes the success record; if it fails, the pass is
//      deleted again in Graph, so no pass exists that the appliance did not record.
// The pass is returned to the caller (the person's completion page) and goes nowhere else: not the log,
// not the audit record, not the store.
import { ProofgateError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { RecoveryTapConfig } from '../config/sections/recovery.js';
import type { IssuedTap, RecoveryService } from './temporary-access-pass.js';
import type { RecoveryRequest, RecoveryRequests } from './recovery-requests.js';
import { recordAct } from '../audit/record-act.js';
import type { CreatedTap } from './graph-tap-client.js';

/** Graph's temporaryAccessPassMethods as the service needs them (GraphTapClient). */
export interface TapIssuer {
  create(userId: string, opts: { lifetimeInMinutes: number; isUsableOnce: boolean }): Promise<CreatedTap>;
  delete(userId: string, tapId: string): Promise<void>;
}

export interface RecoveryServiceDeps {
  config: RecoveryTapConfig;
  requests: RecoveryRequests;
  audit: AuditWriter;
  /** Null when recovery is disabled (nothing outbound is ever built). */
  graph: TapIssuer | null;
  log: Logger;
  now?: () => number;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

function refused(message: string): ProofgateError {
  return new ProofgateError('ERR_RECOVERY_REFUSED', message, { status: 403 });
}

export const recoveryDisabled = (): ProofgateError => new ProofgateError('ERR_RECOVERY_DISABLED',
  'account recovery with a Temporary Access Pass is disabled on this appliance (recovery.tap.enabled)', { status: 403 });

const iso = (ms: number): string => new Date(ms).toISOString();

/** The named refusals, in order; the request when it may have a pass. */
function eligible(request: RecoveryRequest | undefined, requestId: string, tenantId: string | null): RecoveryRequest {
  if (!request) return notFound(requestId);
  if (request.purpose !== 'recovery') throw refused(`verification request ${requestId} is for verification only, not for account recovery`);
  if (request.status !== 'verified') throw refused(`verification request ${requestId} is ${request.status}, not verified`);
  if (request.tapIssuedAt !== null) throw refused(`a Temporary Access Pass was already issued for verification request ${requestId} at ${iso(request.tapIssuedAt)}; open a new request`);
  if (tenantId !== null && request.tid.toLowerCase() !== tenantId) throw refused(`verification request ${requestId} is for another tenant than recovery.tap.tenantId`);
  return request;
}

function notFound(requestId: string): never {
  throw new ProofgateError('ERR_NOT_FOUND', `no verification request ${requestId}`, { status: 404 });
}

function creatorText(r: RecoveryRequest): string {
  return r.createdBy ? `opened by ${r.createdBy.kind} ${r.createdBy.name} (${r.createdBy.id})` : 'opened on the self-service page';
}

export function createRecoveryService(deps: RecoveryServiceDeps): RecoveryService {
  const now = deps.now ?? Date.now;
  const { config } = deps;
  const inFlight = new Set<string>();

  const recordIssue = (r: RecoveryRequest, outcome: 'pass' | 'error', reason: string, at: number) => recordAct(deps.audit, {
    flow: 'recovery', tid: r.tid, oid: r.oid, upn: r.upn, sessionId: r.sessionId, check: { name: 'tap-issue', outcome, reason }, at,
  });

  /** The attempt that failed, on the record; a failing audit is logged, the Graph error still wins. */
  function auditFailure(r: RecoveryRequest, reason: string): void {
    try {
      recordIssue(r, 'error', reason, now());
    } catch (e) {
      deps.log('recovery.audit_failed', { requestId: r.id, error: (e as Error).message }, 'error');
    }
  }

  async function issue(requestId: string, graph: TapIssuer): Promise<IssuedTap> {
    const request = eligible(deps.requests.get(requestId), requestId, config.tenantId);
    let tap: CreatedTap;
    try {
      tap = await graph.create(request.oid, { lifetimeInMinutes: config.lifetimeMinutes, isUsableOnce: config.isUsableOnce });
    } catch (e) {
      const message = e instanceof ProofgateError ? e.message : 'an unexpected error';
      auditFailure(request, `no Temporary Access Pass issued for verification request ${requestId} (${creatorText(request)}): ${message}`);
      deps.log('recovery.tap_failed', { requestId, code: (e as ProofgateError).code ?? 'ERR_INTERNAL', error: message }, 'warn');
      throw e;
    }
    const at = now();
    try {
      deps.requests.transaction(() => {
        if (!deps.requests.markTapIssued(requestId, at)) {
          // Changed since step 1 (revoked, or another node issued one): this pass must not stand.
          throw refused(`verification request ${requestId} is no longer eligible for a Temporary Access Pass`);
        }
        recordIssue(request, 'pass', `Temporary Access Pass issued for verification request ${requestId} (${creatorText(request)}): `
          + `lifetime ${tap.lifetimeInMinutes} min, ${tap.isUsableOnce ? 'usable once' : 'usable more than once'}, from ${tap.startDateTime}`, at);
      });
    } catch (e) {
      let undone = true;
      await graph.delete(request.oid, tap.id).catch((d: unknown) => {
        undone = false;
        deps.log('recovery.tap_undo_failed', { requestId, error: (d as Error).message }, 'error');
      });
      auditFailure(request, `Temporary Access Pass for verification request ${requestId} not recorded (${(e as Error).message}); `
        + (undone ? 'deleted again in Entra' : 'deleting it in Entra failed: delete it in the Entra admin center'));
      throw e;
    }
    deps.log('recovery.tap_issued', { requestId, lifetimeMinutes: tap.lifetimeInMinutes, isUsableOnce: tap.isUsableOnce });
    return { temporaryAccessPass: tap.temporaryAccessPass, lifetimeInMinutes: tap.lifetimeInMinutes, isUsableOnce: tap.isUsableOnce, startDateTime: tap.startDateTime };
  }

  return {
    enabled: config.enabled && deps.graph !== null,
    tapIssuedAt: (requestId: string) => (typeof requestId === 'string' && REQUEST_ID.test(requestId) ? deps.requests.get(requestId)?.tapIssuedAt ?? null : null),
    async issueForVerifiedRequest(requestId: string): Promise<IssuedTap> {
      const graph = deps.graph;
      if (!config.enabled || graph === null) throw recoveryDisabled();
      if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) throw new ProofgateError('ERR_NOT_FOUND', 'no such verification request', { status: 404 });
      // One issue per request at a time in this process; the conditional mark covers the rest.
      if (inFlight.has(requestId)) throw refused(`a Temporary Access Pass is already being issued for verification request ${requestId}`);
      inFlight.add(requestId);
      try {
        return await issue(requestId, graph);
      } finally {
        inFlight.delete(requestId);
      }
    },
  };
}
