// JSON Lines export of the audit trail, for examiners and for filling a SIEM's gaps. One canonical-JSON
// object per line:
//   {"type":"anchor","seq":N,"hash":H}      only in an incremental export (--since N): the record the
//                                          export continues from; its hash is the first record's prevHash
//   {"type":"record", ...AuditRecord}      every record (after the anchor), in seq order
//   {"type":"checkpoint", ...AuditCheckpoint}  then every checkpoint over those records (and one over the
//                                          anchor, when there is one: it seals the anchor), in seq order
//   {"type":"key","jwk":{...}}             then the public keys that signed those checkpoints (informational:
//                                          verify against keys pinned out of band, not these)
// Records are streamed page by page from the store (memory stays bounded however long the trail is).
// readAuditExport parses it back into something verifyAuditChain accepts; an anchored export verifies
// from the anchor on, and the examiner compares the anchor with the last record of the previous export.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { JWK } from 'jose';
import { ProofgateError } from '../core/errors.js';
import type { AuditCheckpoint, AuditRecord } from '../core/domain.js';
import type { Repository } from '../store/repository.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditAnchor, AuditSource } from './verify-chain.js';

export interface AuditExportCounts {
  records: number;
  checkpoints: number;
  keys: number;
}

export interface AuditExportOptions {
  /** Export only records with seq > since (0, the default: the whole trail, without an anchor line). */
  since?: number;
}

type ExportSource = Pick<Repository, 'auditRecords' | 'auditCheckpoints' | 'auditKeys'>;

function sinceError(message: string): ProofgateError {
  return new ProofgateError('ERR_AUDIT_EXPORT', message, { status: 400 });
}

/** The record an incremental export continues from; refused when the trail has no record `since`. */
function anchorOf(db: ExportSource, since: number): AuditAnchor {
  for (const r of db.auditRecords(since)) {
    if (r.seq === since) return { seq: r.seq, hash: r.hash };
    break;
  }
  throw sinceError(`audit export --since ${since}: the trail has no record ${since}`);
}

export async function exportAudit(db: ExportSource, stream: Writable, opts: AuditExportOptions = {}): Promise<AuditExportCounts> {
  const since = opts.since ?? 0;
  if (!Number.isSafeInteger(since) || since < 0) throw sinceError(`audit export --since: expected an integer >= 0, received ${String(since)}`);
  const anchor = since > 0 ? anchorOf(db, since) : null;
  const counts: AuditExportCounts = { records: 0, checkpoints: 0, keys: 0 };
  const line = async (value: object) => {
    if (!stream.write(`${canonicalJson(value)}\n`)) await once(stream, 'drain');
  };
  if (anchor) await line({ type: 'anchor', ...anchor });
  for (const record of db.auditRecords(since + 1)) {
    await line({ type: 'record', ...record });
    counts.records += 1;
  }
  // Checkpoints from the anchor on (one per checkpointEvery records: small beside the records). Those past
  // the last exported record stay in: they are how a verifier sees a tail that was cut off.
  const kids = new Set<string>();
  for (const checkpoint of db.auditCheckpoints()) {
    if (checkpoint.seq < since) continue;
    await line({ type: 'checkpoint', ...checkpoint });
    kids.add(checkpoint.kid);
    counts.checkpoints += 1;
  }
  for (const jwk of db.auditKeys()) {
    if (anchor && !kids.has(String(jwk.kid))) continue;
    await line({ type: 'key', jwk });
    counts.keys += 1;
  }
  return counts;
}

export interface ParsedAuditExport extends AuditSource {
  records: AuditRecord[];
  checkpoints: AuditCheckpoint[];
  keys: JWK[];
  /** The anchor line of an incremental export; null for a whole-trail export. */
  anchor: AuditAnchor | null;
}

function exportError(lineNo: number, message: string): ProofgateError {
  return new ProofgateError('ERR_AUDIT_EXPORT', `audit export line ${lineNo}: ${message}`, { status: 400 });
}

/** Parses an export. Records are taken as written: the chain check, not this parser, judges them. */
export function readAuditExport(text: string): ParsedAuditExport {
  const records: AuditRecord[] = [];
  const checkpoints: AuditCheckpoint[] = [];
  const keys: JWK[] = [];
  let anchor: AuditAnchor | null = null;
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw exportError(i + 1, 'not JSON');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw exportError(i + 1, 'not a JSON object');
    const { type, ...rest } = value as Record<string, unknown>;
    if (type === 'record') {
      if (!Number.isSafeInteger(rest.seq)) throw exportError(i + 1, 'record without an integer seq');
      records.push(rest as unknown as AuditRecord);
    } else if (type === 'checkpoint') {
      if (!Number.isSafeInteger(rest.seq) || typeof rest.kid !== 'string') throw exportError(i + 1, 'checkpoint without seq and kid');
      checkpoints.push(rest as unknown as AuditCheckpoint);
    } else if (type === 'key') {
      if (rest.jwk === null || typeof rest.jwk !== 'object') throw exportError(i + 1, 'key without a jwk object');
      keys.push(rest.jwk as JWK);
    } else if (type === 'anchor') {
      if (anchor || records.length > 0) throw exportError(i + 1, 'an anchor must be the first line, and only one');
      if (!Number.isSafeInteger(rest.seq) || (rest.seq as number) < 1 || typeof rest.hash !== 'string' || !/^[0-9a-f]{64}$/.test(rest.hash)) {
        throw exportError(i + 1, 'anchor without an integer seq >= 1 and a SHA-256 hash');
      }
      anchor = { seq: rest.seq as number, hash: rest.hash };
    } else {
      throw exportError(i + 1, `unknown line type ${JSON.stringify(type)}`);
    }
  });
  records.sort((a, b) => a.seq - b.seq);
  checkpoints.sort((a, b) => a.seq - b.seq);
  const found: AuditAnchor | null = anchor;
  return {
    records, checkpoints, keys, anchor: found,
    auditRecords: () => records, auditCheckpoints: () => checkpoints,
    ...(found ? { auditAnchor: () => found } : {}),
  };
}
