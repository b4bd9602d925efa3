// An administrator's review of held enrolments (docs/helpdesk.md, "Duplicate-person detection"): list
// them, release one (its profile is stored, as the enrolment would have been) or reject one. Release and
// reject each commit one audit record (flow 'enrolment-review', decision 'changed', with the acting staff
// member when one acted) together with the change, and clear the hold's template and names. Used by
// `proofgate enrolment holds|release|reject` and by the help-desk console.
import { randomUUID } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import type { AuditActor, AuditRecord, BiometricProfile } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import { recordAct } from '../../audit/record-act.js';
import type { EnrolmentHold, EnrolmentHoldQuery } from '../../store/enrolment-hold-store.js';

export interface EnrolmentReviewDeps {
  repo: Repository;
  audit: AuditWriter;
  now?: () => number;
}

/** Who settles a hold: a staff member or API token (recorded as the audit record's actor), or absent for the appliance's CLI. */
export interface EnrolmentReviewAct {
  actor?: AuditActor;
}

const HOLD_ID = /^[0-9a-f]{32}$/;
const round = (d: number) => Math.round(d * 10_000) / 10_000;

/** Held enrolments newest first (templates are never listed: `template` is null in every item). */
export function listEnrolmentHolds(repo: Repository, query: EnrolmentHoldQuery): EnrolmentHold[] {
  return repo.enrolmentHolds.list(query).map((h) => ({ ...h, template: null }));
}

function openHold(repo: Repository, holdId: string): EnrolmentHold {
  if (typeof holdId !== 'string' || !HOLD_ID.test(holdId)) {
    throw new ProofgateError('ERR_BAD_REQUEST', 'a hold id is 32 lowercase hex characters (see "proofgate enrolment holds")', { status: 400 });
  }
  const hold = repo.enrolmentHolds.get(holdId);
  if (!hold) throw new ProofgateError('ERR_NOT_FOUND', `no enrolment hold ${holdId}`, { status: 404 });
  if (hold.state !== 'held') throw new ProofgateError('ERR_BAD_REQUEST', `enrolment hold ${holdId} is already ${hold.state}`, { status: 409 });
  return hold;
}

function matchText(hold: EnrolmentHold): string {
  return `the face matched profile ${hold.matchedProfileId} of ${hold.matchedTid}/${hold.matchedOid} at distance ${round(hold.distance)} <= ${hold.threshold}`;
}

/** Stores the held enrolment as the account's profile. Refused when the account has a profile by now. */
export function releaseEnrolmentHold(deps: EnrolmentReviewDeps, holdId: string, act: EnrolmentReviewAct = {}): { hold: EnrolmentHold; profile: BiometricProfile; audit: AuditRecord } {
  const { repo } = deps;
  const at = (deps.now ?? Date.now)();
  return repo.transaction(() => {
    const hold = openHold(repo, holdId);
    if (repo.getProfile(hold.tid, hold.oid)) {
      throw new ProofgateError('ERR_PROFILE_EXISTS', `account ${hold.tid}/${hold.oid} has a profile by now; reject hold ${holdId} instead`, { status: 409 });
    }
    const subject = hold.subject ?? { upn: null, displayName: null, givenName: null, familyName: null };
    repo.upsertSubject({ tid: hold.tid, oid: hold.oid, ...subject });
    const summary = hold.enrolment !== null && typeof hold.enrolment === 'object' ? hold.enrolment : {};
    const profile = repo.saveProfile({
      profileId: randomUUID(), tid: hold.tid, oid: hold.oid, template: hold.template!, modelId: hold.modelId,
      enrolment: { ...summary, releasedFromHold: holdId, releasedAt: at },
    });
    if (!repo.enrolmentHolds.settle(holdId, { state: 'released', profileId: profile.profileId }, at)) {
      throw new ProofgateError('ERR_BAD_REQUEST', `enrolment hold ${holdId} was settled meanwhile`, { status: 409 });
    }
    const audit = recordAct(deps.audit, {
      flow: 'enrolment-review', tid: hold.tid, oid: hold.oid, upn: subject.upn, profileId: profile.profileId, actor: act.actor, at,
      check: { name: 'enrolment-review', score: round(hold.distance), threshold: hold.threshold, reason: `hold ${holdId} released: profile ${profile.profileId} stored; ${matchText(hold)}` },
    });
    return { hold: repo.enrolmentHolds.get(holdId)!, profile, audit };
  });
}

/** Discards the held enrolment (its template and names are cleared); nothing is enrolled. */
export function rejectEnrolmentHold(deps: EnrolmentReviewDeps, holdId: string, act: EnrolmentReviewAct = {}): { hold: EnrolmentHold; audit: AuditRecord } {
  const { repo } = deps;
  const at = (deps.now ?? Date.now)();
  return repo.transaction(() => {
    const hold = openHold(repo, holdId);
    if (!repo.enrolmentHolds.settle(holdId, { state: 'rejected' }, at)) {
      throw new ProofgateError('ERR_BAD_REQUEST', `enrolment hold ${holdId} was settled meanwhile`, { status: 409 });
    }
    const audit = recordAct(deps.audit, {
      flow: 'enrolment-review', tid: hold.tid, oid: hold.oid, upn: hold.subject?.upn ?? null, actor: act.actor, at,
      check: { name: 'enrolment-review', score: round(hold.distance), threshold: hold.threshold, outcome: 'fail', reason: `hold ${holdId} rejected: nothing enrolled; ${matchText(hold)}` },
    });
    return { hold: repo.enrolmentHolds.get(holdId)!, audit };
  });
}
