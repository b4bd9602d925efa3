// HandoffStore over the SQLite file (table handoffs, migration 007-handoff). Transitions are conditional
// UPDATEs (… WHERE state = ?) so the first writer wins and a refused one changes nothing.
import type { SqlDatabase } from './sql-database.js';
import { ProofgateError } from '../core/errors.js';
import type { Handoff, HandoffState, HandoffStore, NewHandoff } from './handoff-store.js';

interface HandoffRow {
  handoff_id: string; session_id: string; code: string; state: HandoffState; phone_sha256: string | null; phone_csrf: string | null;
  phone_ip: string | null; created_at: number; expires_at: number; opened_at: number | null; confirmed_at: number | null;
  ended_at: number | null; has_post_back: number;
}

const COLUMNS = `handoff_id, session_id, code, state, phone_sha256, phone_csrf, phone_ip, created_at, expires_at, opened_at,
  confirmed_at, ended_at, post_back_json IS NOT NULL AS has_post_back`;

const toHandoff = (r: HandoffRow): Handoff => ({
  handoffId: r.handoff_id, sessionId: r.session_id, code: r.code, state: r.state, phoneSha256: r.phone_sha256, phoneCsrf: r.phone_csrf,
  phoneIp: r.phone_ip, createdAt: r.created_at, expiresAt: r.expires_at, openedAt: r.opened_at, confirmedAt: r.confirmed_at,
  endedAt: r.ended_at, hasPostBack: r.has_post_back === 1,
});

const HEX64 = /^[0-9a-f]{64}$/;

function badInput(message: string): ProofgateError {
  return new ProofgateError('ERR_STORE_INPUT', message, { status: 500, expose: false });
}

export class SqliteHandoffStore implements HandoffStore {
  readonly #db: SqlDatabase;
  readonly #s;

  constructor(db: SqlDatabase) {
    this.#db = db;
    this.#s = {
      insert: db.prepare(`INSERT INTO handoffs (handoff_id, session_id, token_sha256, code, state, created_at, expires_at)
        VALUES (@handoffId, @sessionId, @tokenSha256, @code, 'issued', @createdAt, @expiresAt)`),
      countOf: db.prepare('SELECT count(*) AS n, count(*) FILTER (WHERE state IN (\'confirmed\', \'decided\')) AS bound FROM handoffs WHERE session_id = ?'),
      // A new code also ends a link opened but never confirmed: a chat app's link preview, or someone who
      // photographed the QR code, must not use up the hand-off for the person at the computer.
      endIssued: db.prepare(`UPDATE handoffs SET state = 'ended', ended_at = ? WHERE session_id = ? AND state IN ('issued', 'opened')`),
      byToken: db.prepare(`SELECT ${COLUMNS} FROM handoffs WHERE token_sha256 = ?`),
      get: db.prepare(`SELECT ${COLUMNS} FROM handoffs WHERE handoff_id = ?`),
      latestOf: db.prepare(`SELECT ${COLUMNS} FROM handoffs WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`),
      open: db.prepare(`UPDATE handoffs SET state = 'opened', phone_sha256 = @phoneSha256, phone_csrf = @phoneCsrf, phone_ip = @phoneIp, opened_at = @now
        WHERE token_sha256 = @tokenSha256 AND state = 'issued' AND expires_at > @now RETURNING ${COLUMNS}`),
      confirm: db.prepare(`UPDATE handoffs SET state = 'confirmed', confirmed_at = ? WHERE handoff_id = ? AND state = 'opened'`),
      decide: db.prepare(`UPDATE handoffs SET state = 'decided', post_back_json = ?, ended_at = ? WHERE handoff_id = ? AND state IN ('opened', 'confirmed')`),
      readPostBack: db.prepare('SELECT post_back_json FROM handoffs WHERE handoff_id = ?'),
      erasePostBack: db.prepare('UPDATE handoffs SET post_back_json = NULL WHERE handoff_id = ? AND post_back_json IS NOT NULL'),
      eraseUncollected: db.prepare(`UPDATE handoffs SET post_back_json = NULL WHERE post_back_json IS NOT NULL
        AND session_id IN (SELECT session_id FROM verification_sessions WHERE expires_at <= ?)`),
    };
  }

  issue(h: NewHandoff, maxPerSession: number): Handoff | null {
    if (!HEX64.test(h.tokenSha256)) throw badInput('handoff tokenSha256: expected 64 hex digits');
    return this.#db.transaction(() => {
      const { n, bound } = this.#s.countOf.get(h.sessionId) as { n: number; bound: number };
      if (n >= maxPerSession || bound > 0) return null;
      this.#s.endIssued.run(h.createdAt, h.sessionId);
      this.#s.insert.run(h);
      return toHandoff(this.#s.get.get(h.handoffId) as HandoffRow);
    });
  }

  byToken(tokenSha256: string): Handoff | null {
    const row = this.#s.byToken.get(tokenSha256) as HandoffRow | undefined;
    return row ? toHandoff(row) : null;
  }

  get(handoffId: string): Handoff | null {
    const row = this.#s.get.get(handoffId) as HandoffRow | undefined;
    return row ? toHandoff(row) : null;
  }

  latestOf(sessionId: string): Handoff | null {
    const row = this.#s.latestOf.get(sessionId) as HandoffRow | undefined;
    return row ? toHandoff(row) : null;
  }

  open(tokenSha256: string, phone: { phoneSha256: string; phoneCsrf: string; phoneIp: string | null }, now: number): Handoff | null {
    if (!HEX64.test(phone.phoneSha256)) throw badInput('handoff phoneSha256: expected 64 hex digits');
    const row = this.#s.open.get({ tokenSha256, ...phone, now }) as HandoffRow | undefined;
    return row ? toHandoff(row) : null;
  }

  confirm(handoffId: string, now: number): boolean {
    return this.#s.confirm.run(now, handoffId).changes === 1;
  }

  decide(handoffId: string, postBackJson: string, now: number): boolean {
    return this.#s.decide.run(postBackJson, now, handoffId).changes === 1;
  }

  takePostBack(handoffId: string): string | null {
    return this.#db.transaction(() => {
      const row = this.#s.readPostBack.get(handoffId) as { post_back_json: string | null } | undefined;
      if (!row?.post_back_json) return null;
      this.#s.erasePostBack.run(handoffId);
      return row.post_back_json;
    });
  }

  eraseUncollectedPostBacks(now: number): number {
    return this.#s.eraseUncollected.run(now).changes;
  }
}
