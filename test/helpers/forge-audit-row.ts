// The insider with write access to the SQLite file but not the HSM: appends a row by plain SQL with a valid
// chain hash (computed as anyone can, from docs/store-and-audit.md), and no MAC or a made-up one.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { GENESIS_HASH, auditBody, chainHash } from '../../src/audit/chain.js';
import type { AuditEntry } from '../../src/core/domain.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';

export type ForgedMac = 'none' | 'random';

/** Appends the forged row on its own connection to `file`; returns its seq and hash. */
export function forgeAuditRow(file: string, entry: AuditEntry, mac: ForgedMac): { seq: number; hash: string } {
  const db = new Database(file);
  try {
    const last = db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = chainHash(prevHash, auditBody({ ...entry, seq }));
    db.prepare(`INSERT INTO audit_records (seq, at, session_id, tid, oid, upn, profile_id, flow, decision, client_request_id,
        checks_json, evidence_json, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      seq, entry.at, entry.sessionId, entry.tid, entry.oid, entry.upn, entry.profileId, entry.flow, entry.decision, entry.clientRequestId,
      JSON.stringify(entry.checks), JSON.stringify(entry.evidenceSha256), prevHash, hash, mac === 'none' ? null : randomBytes(32).toString('hex'));
    return { seq, hash };
  } finally {
    db.close();
  }
}

/**
 * A database as an appliance left it before record MACs: migrated to version 2 only, with `entries` chained
 * into it (no mac column yet). Opening it with the store then runs migration 3, which keeps their cut-off.
 */
export function preMacDatabase(file: string, entries: AuditEntry[]): void {
  const db = new Database(file);
  try {
    migrate(db, migrations.slice(0, 2));
    let prevHash = GENESIS_HASH;
    entries.forEach((entry, i) => {
      const seq = i + 1;
      const hash = chainHash(prevHash, auditBody({ ...entry, seq }));
      db.prepare(`INSERT INTO audit_records (seq, at, session_id, tid, oid, upn, profile_id, flow, decision, client_request_id,
          checks_json, evidence_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        seq, entry.at, entry.sessionId, entry.tid, entry.oid, entry.upn, entry.profileId, entry.flow, entry.decision, entry.clientRequestId,
        JSON.stringify(entry.checks), JSON.stringify(entry.evidenceSha256), prevHash, hash);
      prevHash = hash;
    });
  } finally {
    db.close();
  }
}
