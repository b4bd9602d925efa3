// The audit hash chain. Record n's hash is
//   hash_n = lowercase hex SHA-256( ascii(prevHash_n) || utf8(canonicalJson(body_n)) )
// where prevHash_n is hash_{n-1} as 64 lowercase hex characters ('0' x 64 for seq 1) and body_n is the
// record without its `prevHash`, `hash` and `mac` fields (so `seq` is hashed too). Checkpoints sign
// ascii(`${seq}.${hash}`) with RS256. Record n's MAC is
//   mac_n = lowercase hex HMAC-SHA256( K_n, ascii(`${n}.${hash_n}`) )
// where K_n is the position key the HSM derives for n (src/hsm/audit-mac-keys.ts). docs/store-and-audit.md
// states the same for examiners.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditEntry, AuditRecord } from '../core/domain.js';
import { canonicalJson } from './canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The hashed part of a record: the entry's fields plus its position. */
export type AuditBody = AuditEntry & { seq: number };

export function auditBody(record: AuditRecord | AuditBody): AuditBody {
  const { prevHash: _prev, hash: _hash, mac: _mac, ...body } = record as AuditRecord;
  return body;
}

export function chainHash(prevHash: string, body: AuditBody): string {
  return createHash('sha256').update(prevHash, 'ascii').update(canonicalJson(body), 'utf8').digest('hex');
}

/** The bytes a checkpoint signature covers. */
export function checkpointSigningInput(seq: number, hash: string): Buffer {
  return Buffer.from(`${seq}.${hash}`, 'ascii');
}

/** A record's MAC under its position key: binds the position and (through the hash) the content. */
export function recordMac(positionKey: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', positionKey).update(`${seq}.${hash}`, 'ascii').digest('hex');
}

/** Whether a stored MAC (anything a row may hold) is the one record `seq` with `hash` must carry. */
export function macMatches(positionKey: Buffer, seq: number, hash: string, stored: unknown): boolean {
  if (positionKey.length !== 32 || typeof stored !== 'string' || !/^[0-9a-f]{64}$/.test(stored)) return false;
  return timingSafeEqual(Buffer.from(recordMac(positionKey, seq, String(hash)), 'hex'), Buffer.from(stored, 'hex'));
}

/**
 * The one MAC rule, for the live trail before it seals and for audit-verify: a record carries the MAC of its
 * position, or has none and is from before record MACs existed (seq <= the cut-off migration 3 kept).
 * Returns why the record fails, or null.
 */
export function recordMacProblem(record: Pick<AuditRecord, 'seq' | 'hash' | 'mac'>, preMacThrough: number, positionKey: Buffer): string | null {
  if (record.mac == null) {
    return record.seq <= preMacThrough ? null
      : `record ${record.seq} has no MAC, but records after seq ${preMacThrough} must carry one (the row was written without the HSM)`;
  }
  return macMatches(positionKey, record.seq, record.hash, record.mac) ? null
    : `record ${record.seq}: its MAC does not verify under the HSM's key for position ${record.seq} (the row was written without the HSM)`;
}
