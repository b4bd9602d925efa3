// JSON Lines export of the audit trail, for examiners. One canonical-JSON object per line:
//   {"type":"record", ...AuditRecord}      every record, in seq order
//   {"type":"checkpoint", ...AuditCheckpoint}  then every checkpoint, in seq order
//   {"type":"key","jwk":{...}}             then the public keys that signed checkpoints (informational:
//                                          verify against keys pinned out of band, not these)
// readAuditExport parses it back into something verifyAuditChain accepts.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { JWK } from 'jose';
import { ProofgateError } from '../core/errors.js';
import type { AuditCheckpoint, AuditRecord } from '../core/domain.js';
import type { Repository } from '../store/repository.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditSource } from './verify-chain.js';

export interface AuditExportCounts {
  records: number;
  checkpoints: number;
  keys: number;
}

type ExportSource = Pick<Repository, 'auditRecords' | 'auditCheckpoints' | 'auditKeys'>;

export async function exportAudit(db: ExportSource, stream: Writable): Promise<AuditExportCounts> {
  const counts: AuditExportCounts = { records: 0, checkpoints: 0, keys: 0 };
  const line = async (value: object) => {
    if (!stream.write(`${canonicalJson(value)}\n`)) await once(stream, 'drain');
  };
  for (const record of db.auditRecords()) {
    await line({ type: 'record', ...record });
    counts.records += 1;
  }
  for (const checkpoint of db.auditCheckpoints()) {
    await line({ type: 'checkpoint', ...checkpoint });
    counts.checkpoints += 1;
  }
  for (const jwk of db.auditKeys()) {
    await line({ type: 'key', jwk });
    counts.keys += 1;
  }
  return counts;
}

export interface ParsedAuditExport extends AuditSource {
  records: AuditRecord[];
  checkpoints: AuditCheckpoint[];
  keys: JWK[];
}

function exportError(lineNo: number, message: string): ProofgateError {
  return new ProofgateError('ERR_AUDIT_EXPORT', `audit export line ${lineNo}: ${message}`, { status: 400 });
}

/** Parses an export. Records are taken as written: the chain check, not this parser, judges them. */
export function readAuditExport(text: string): ParsedAuditExport {
  const records: AuditRecord[] = [];
  const checkpoints: AuditCheckpoint[] = [];
  const keys: JWK[] = [];
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
    } else {
      throw exportError(i + 1, `unknown line type ${JSON.stringify(type)}`);
    }
  });
  records.sort((a, b) => a.seq - b.seq);
  checkpoints.sort((a, b) => a.seq - b.seq);
  return { records, checkpoints, keys, auditRecords: () => records, auditCheckpoints: () => checkpoints };
}
