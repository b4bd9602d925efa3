// EnrolmentHoldStore and ProfileJournal over the SQLite file (migration 009-enrolment-holds).
import { ProofgateError } from '../core/errors.js';
import type { SqlDatabase } from './sql-database.js';
import type {
  EnrolmentHold, EnrolmentHoldQuery, EnrolmentHoldState, EnrolmentHoldStore, HeldSubject, NewEnrolmentHold, ProfileJournal, StoredTemplate,
} from './enrolment-hold-store.js';
import { ENROLMENT_HOLD_STATES } from './enrolment-hold-store.js';

interface HoldRow {
  hold_id: string; tid: string; oid: string; session_id: string | null; subject_json: string | null; template: Buffer | null; model_id: string;
  enrolment_json: string | null; matched_profile_id: string; matched_tid: string; matched_oid: string; distance: number; threshold: number;
  state: EnrolmentHoldState; created_at: number; settled_at: number | null; profile_id: string | null;
}

const toHold = (r: HoldRow): EnrolmentHold => ({
  holdId: r.hold_id, tid: r.tid, oid: r.oid, sessionId: r.session_id, subject: r.subject_json === null ? null : JSON.parse(r.subject_json) as HeldSubject,
  template: r.template, modelId: r.model_id, enrolment: r.enrolment_json === null ? null : JSON.parse(r.enrolment_json),
  matchedProfileId: r.matched_profile_id, matchedTid: r.matched_tid, matchedOid: r.matched_oid, distance: r.distance, threshold: r.threshold,
  state: r.state, createdAt: r.created_at, settledAt: r.settled_at, profileId: r.profile_id,
});

interface TemplateRow { profile_id: string; tid: string; oid: string; model_id: string; template: Buffer }
const toTemplate = (r: TemplateRow): StoredTemplate => ({ profileId: r.profile_id, tid: r.tid, oid: r.oid, modelId: r.model_id, template: r.template });

const HOLD_ID = /^[0-9a-f]{32}$/;
const MAX_PAGE = 1000;
const MAX_TEMPLATE_PAGE = 10_000;

function badInput(message: string): ProofgateError {
  return new ProofgateError('ERR_STORE_INPUT', message, { status: 500, expose: false });
}

function pageLimit(limit: unknown, max: number, what: string): number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > max) throw badInput(`${what}: expected an integer 1..${max}`);
  return limit;
}

export class SqliteEnrolmentHolds implements EnrolmentHoldStore, ProfileJournal {
  readonly #s;

  constructor(db: SqlDatabase) {
    this.#s = {
      insert: db.prepare(`INSERT INTO enrolment_holds (hold_id, tid, oid, session_id, subject_json, template, model_id, enrolment_json,
        matched_profile_id, matched_tid, matched_oid, distance, threshold, state, created_at)
        VALUES (@holdId, @tid, @oid, @sessionId, @subjectJson, @template, @modelId, @enrolmentJson,
        @matchedProfileId, @matchedTid, @matchedOid, @distance, @threshold, 'held', @createdAt)`),
      get: db.prepare('SELECT * FROM enrolment_holds WHERE hold_id = ?'),
      // CAST on a filter's IS NULL test: PostgreSQL types a parameter where it first meets it (same result on SQLite).
      list: db.prepare(`SELECT * FROM enrolment_holds WHERE (CAST(@state AS TEXT) IS NULL OR state = @state)
        AND (CAST(@beforeAt AS BIGINT) IS NULL OR created_at < @beforeAt OR (created_at = @beforeAt AND hold_id < @beforeId))
        ORDER BY created_at DESC, hold_id DESC LIMIT @limit`),
      openForAccount: db.prepare(`SELECT * FROM enrolment_holds WHERE tid = ? AND oid = ? AND state = 'held' ORDER BY created_at, hold_id`),
      settle: db.prepare(`UPDATE enrolment_holds SET state = @state, profile_id = @profileId, settled_at = @at,
        template = NULL, subject_json = NULL, enrolment_json = NULL WHERE hold_id = @holdId AND state = 'held'`),
      eraseAccount: db.prepare(`UPDATE enrolment_holds SET state = 'erased', settled_at = ?, template = NULL, subject_json = NULL, enrolment_json = NULL
        WHERE tid = ? AND oid = ? AND state = 'held'`),
      templatesOf: db.prepare(`SELECT profile_id, tid, oid, model_id, template FROM profiles
        WHERE model_id = @modelId AND (CAST(@after AS TEXT) IS NULL OR profile_id > @after) ORDER BY profile_id LIMIT @limit`),
      templateOf: db.prepare('SELECT profile_id, tid, oid, model_id, template FROM profiles WHERE profile_id = ?'),
      lastChange: db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM profile_changes'),
      changesSince: db.prepare('SELECT seq, profile_id FROM profile_changes WHERE seq > ? ORDER BY seq LIMIT ?'),
    };
  }

  add(hold: NewEnrolmentHold): EnrolmentHold {
    if (!HOLD_ID.test(hold?.holdId ?? '')) throw badInput('enrolment hold holdId: expected 32 lowercase hex characters');
    if (!Buffer.isBuffer(hold.template) || hold.template.length === 0) throw badInput('enrolment hold template: expected a non-empty Buffer');
    if (!Number.isFinite(hold.distance) || !Number.isFinite(hold.threshold)) throw badInput('enrolment hold distance and threshold: expected numbers');
    try {
      this.#s.insert.run({
        holdId: hold.holdId, tid: hold.tid, oid: hold.oid, sessionId: hold.sessionId, subjectJson: hold.subject === null ? null : JSON.stringify(hold.subject),
        template: hold.template, modelId: hold.modelId, enrolmentJson: JSON.stringify(hold.enrolment ?? null),
        matchedProfileId: hold.matchedProfileId, matchedTid: hold.matchedTid, matchedOid: hold.matchedOid,
        distance: hold.distance, threshold: hold.threshold, createdAt: hold.createdAt,
      });
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw badInput(`enrolment hold refused by the schema: ${(e as Error).message}`);
      throw e;
    }
    return this.get(hold.holdId)!;
  }

  get(holdId: string): EnrolmentHold | null {
    const row = this.#s.get.get(holdId) as HoldRow | undefined;
    return row ? toHold(row) : null;
  }

  list(query: EnrolmentHoldQuery): EnrolmentHold[] {
    const limit = pageLimit(query?.limit, MAX_PAGE, 'enrolment holds limit');
    if (query.state !== undefined && !ENROLMENT_HOLD_STATES.includes(query.state)) throw badInput(`enrolment holds state: expected ${ENROLMENT_HOLD_STATES.join(' | ')}`);
    const rows = this.#s.list.all({
      state: query.state ?? null, beforeAt: query.before?.createdAt ?? null, beforeId: query.before?.holdId ?? null, limit,
    }) as HoldRow[];
    return rows.map(toHold);
  }

  openForAccount(tid: string, oid: string): EnrolmentHold[] {
    return (this.#s.openForAccount.all(tid, oid) as HoldRow[]).map(toHold);
  }

  settle(holdId: string, outcome: { state: 'released'; profileId: string } | { state: 'rejected' }, at: number): boolean {
    if (outcome?.state !== 'released' && outcome?.state !== 'rejected') throw badInput('enrolment hold settle: expected released or rejected');
    const profileId = outcome.state === 'released' ? outcome.profileId : null;
    return this.#s.settle.run({ holdId, state: outcome.state, profileId, at }).changes === 1;
  }

  eraseAccount(tid: string, oid: string, at: number): number {
    return this.#s.eraseAccount.run(at, tid, oid).changes;
  }

  templatesOf(modelId: string, afterProfileId: string | null, limit: number): StoredTemplate[] {
    const rows = this.#s.templatesOf.all({ modelId, after: afterProfileId, limit: pageLimit(limit, MAX_TEMPLATE_PAGE, 'templatesOf limit') }) as TemplateRow[];
    return rows.map(toTemplate);
  }

  templateOf(profileId: string): StoredTemplate | null {
    const row = this.#s.templateOf.get(profileId) as TemplateRow | undefined;
    return row ? toTemplate(row) : null;
  }

  lastChange(): number {
    return (this.#s.lastChange.get() as { seq: number }).seq;
  }

  changesSince(seq: number, limit: number): { seq: number; profileId: string }[] {
    const rows = this.#s.changesSince.all(seq, pageLimit(limit, MAX_TEMPLATE_PAGE, 'changesSince limit')) as { seq: number; profile_id: string }[];
    return rows.map((r) => ({ seq: r.seq, profileId: r.profile_id }));
  }
}
