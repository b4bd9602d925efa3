// Recomputes the audit chain and checks every checkpoint, stopping at the first problem. Works on the
// live store or on an exported file (anything that yields records in seq order and the checkpoints).
// What it catches: a deleted row (seq gap), an edited row (hash mismatch), a row whose prevHash was
// rewired, a chain rewritten with recomputed hashes (a checkpoint no longer matches), a tail truncated
// after a checkpoint, and a checkpoint whose signature does not verify under a trusted key.
// With the HSM's audit MAC keys it also catches a row written with database access but without the HSM
// (a valid chain hash, a missing or wrong MAC).
// What it cannot catch: rows removed from the tail after the newest checkpoint (docs/store-and-audit.md).
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { AuditCheckpoint, AuditRecord } from '../core/domain.js';
import type { AuditMacKeys } from '../hsm/audit-mac-keys.js';
import { GENESIS_HASH, auditBody, chainHash, checkpointSigningInput, recordMacProblem } from './chain.js';

/** Where an incremental export starts: the record before its first one, as the exporting store held it. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface AuditSource {
  auditRecords(): Iterable<AuditRecord>;
  auditCheckpoints(): AuditCheckpoint[];
  /**
   * The last seq written before records carried MACs (the store's migration-3 cut-off). A source without it
   * (an export file) exempts only the records before the first one that has a MAC.
   */
  auditPreMacThrough?(): number;
  /**
   * An incremental export's anchor (export.ts): the chain is checked from anchor.seq + 1, linked to
   * anchor.hash. Trust in the anchor itself comes from the previous export, which must end with that record.
   */
  auditAnchor?(): AuditAnchor;
}

export type AuditProblemKind =
  | 'missing-record'
  | 'duplicate-record'
  | 'record-edited'
  | 'record-mac'
  | 'broken-link'
  | 'checkpoint-mismatch'
  | 'checkpoint-signature'
  | 'checkpoint-unknown-key'
  | 'truncated'
  | 'witness-signature'
  | 'witness-mismatch'
  | 'witness-truncated';

export interface AuditProblem {
  /** The first seq at which the trail stops being trustworthy. */
  seq: number;
  kind: AuditProblemKind;
  reason: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Records read and checked (up to the problem, if any). */
  records: number;
  lastSeq: number;
  checkpoints: number;
  /** Highest seq covered by a checkpoint whose signature verified. */
  sealedThrough: number;
  /** Records after the newest checkpoint: chained but not yet sealed by a signature. */
  unsealedTail: number;
  problem: AuditProblem | null;
  /** Only when a witness was given: its lines, and the highest seq it attests that the trail matched. */
  witness?: { checkpoints: number; attestedThrough: number };
  /** Only when MAC keys were given: records whose MAC verified, and records from before MACs (null, all first). */
  macs?: { checked: number; preMac: number };
  /** Only for an anchored (incremental) source: the record it continues from. */
  anchor?: AuditAnchor;
}

export interface VerifyOptions {
  /** Checkpoints from the external witness file (readWitness in witness.ts), checked like stored ones. */
  witness?: AuditCheckpoint[];
  /** The HSM's position keys (Pkcs11AuditMacKeys): every record's MAC is checked; the result is then a Promise. */
  macKeys?: AuditMacKeys;
}

const short = (hash: string) => `${String(hash).slice(0, 12)}…`;

/** Public keys an examiner trusts, by kid. Accepts a JWKS object, a JWK array, or KeyObjects by kid. */
export type TrustedKeys = { keys: JWK[] } | JWK[] | Map<string, KeyObject>;

function keyMap(trusted: TrustedKeys): Map<string, KeyObject> {
  if (trusted instanceof Map) return trusted;
  const list = Array.isArray(trusted) ? trusted : trusted.keys;
  const out = new Map<string, KeyObject>();
  for (const jwk of list) {
    if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA') continue;
    const { kty, n, e } = jwk;
    out.set(jwk.kid, createPublicKey({ key: { kty, n, e } as import('node:crypto').JsonWebKey, format: 'jwk' }));
  }
  return out;
}

function signatureProblem(cp: AuditCheckpoint, keys: Map<string, KeyObject>): AuditProblem | null {
  const key = keys.get(cp.kid);
  if (!key) {
    return { seq: cp.seq, kind: 'checkpoint-unknown-key', reason: `checkpoint at seq ${cp.seq} is signed by kid ${cp.kid}, which is not among the trusted keys` };
  }
  const good = typeof cp.signature === 'string' && /^[A-Za-z0-9_-]+$/.test(cp.signature)
    && verifySignature('sha256', checkpointSigningInput(cp.seq, cp.hash), key, Buffer.from(cp.signature, 'base64url'));
  return good ? null : { seq: cp.seq, kind: 'checkpoint-signature', reason: `checkpoint at seq ${cp.seq}: signature does not verify under kid ${cp.kid} (forged or altered checkpoint)` };
}

/** Position keys derived ahead for the synchronous pass, by seq. */
type PositionKeys = Map<number, Buffer>;

export function verifyAuditChain(source: AuditSource, trusted: TrustedKeys, opts: VerifyOptions & { macKeys: AuditMacKeys }): Promise<AuditVerification>;
export function verifyAuditChain(source: AuditSource, trusted: TrustedKeys, opts?: Omit<VerifyOptions, 'macKeys'>): AuditVerification;
export function verifyAuditChain(source: AuditSource, trusted: TrustedKeys, opts: VerifyOptions = {}): AuditVerification | Promise<AuditVerification> {
  const macKeys = opts.macKeys;
  if (!macKeys) return verifyChain(source, trusted, opts, null);
  return (async () => {
    // The HSM is asked first, for each record that carries a MAC; the chain pass itself stays synchronous.
    const records = [...source.auditRecords()];
    const positions = [...new Set(records.filter((r) => r.mac != null && Number.isSafeInteger(r.seq) && r.seq >= 1).map((r) => r.seq))];
    const derived: PositionKeys = new Map();
    for (let i = 0; i < positions.length; i += 64) {
      const batch = positions.slice(i, i + 64);
      const keys = await Promise.all(batch.map((seq) => macKeys.positionKey(seq)));
      batch.forEach((seq, j) => derived.set(seq, keys[j]));
    }
    const preMacThrough = source.auditPreMacThrough?.();
    const anchor = source.auditAnchor?.();
    return verifyChain({
      auditRecords: () => records, auditCheckpoints: () => source.auditCheckpoints(),
      ...(preMacThrough === undefined ? {} : { auditPreMacThrough: () => preMacThrough }),
      ...(anchor === undefined ? {} : { auditAnchor: () => anchor }),
    }, trusted, opts, derived);
  })();
}

function verifyChain(source: AuditSource, trusted: TrustedKeys, opts: VerifyOptions, positionKeys: PositionKeys | null): AuditVerification {
  const keys = keyMap(trusted);
  const checkpoints = source.auditCheckpoints();
  const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
  const witnessed = opts.witness ?? [];
  const witnessBySeq = new Map<number, AuditCheckpoint[]>();
  for (const w of witnessed) witnessBySeq.set(w.seq, [...(witnessBySeq.get(w.seq) ?? []), w]);
  const anchor = source.auditAnchor?.();
  let expected = (anchor?.seq ?? 0) + 1;
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let records = 0;
  let sealedThrough = 0;
  let attestedThrough = 0;
  let macsChecked = 0;
  let preMac = 0;
  let firstMac = 0;
  const storedPreMacThrough = source.auditPreMacThrough?.();
  const result = (problem: AuditProblem | null): AuditVerification => ({
    ok: problem === null, records, lastSeq: expected - 1, checkpoints: checkpoints.length, sealedThrough,
    unsealedTail: Math.max(0, expected - 1 - Math.max(sealedThrough, anchor?.seq ?? 0)), problem,
    ...(opts.witness ? { witness: { checkpoints: witnessed.length, attestedThrough } } : {}),
    ...(positionKeys ? { macs: { checked: macsChecked, preMac } } : {}),
    ...(anchor ? { anchor } : {}),
  });

  // The witness's own lines must be genuine before they can accuse (or clear) the database.
  for (const w of witnessed) {
    const bad = signatureProblem(w, keys);
    if (bad) return result({ ...bad, kind: 'witness-signature', reason: `witness line for ${bad.reason}` });
  }

  // A checkpoint at the anchor (an incremental export from a sealed seq) vouches for the anchor itself.
  const anchorCheckpoint = anchor ? bySeq.get(anchor.seq) : undefined;
  if (anchor && anchorCheckpoint) {
    if (anchorCheckpoint.hash !== anchor.hash) {
      return result({ seq: anchor.seq, kind: 'checkpoint-mismatch', reason: `checkpoint at seq ${anchor.seq} seals hash ${anchorCheckpoint.hash}, but the anchor says record ${anchor.seq} hashes to ${anchor.hash}` });
    }
    const bad = signatureProblem(anchorCheckpoint, keys);
    if (bad) return result(bad);
    sealedThrough = anchor.seq;
  }

  for (const record of source.auditRecords()) {
    if (record.seq < expected) {
      return result({ seq: record.seq, kind: 'duplicate-record', reason: `record ${record.seq} appears again after record ${expected - 1}` });
    }
    if (record.seq !== expected) {
      return result({ seq: expected, kind: 'missing-record', reason: `record ${expected} is missing (the next record is ${record.seq}): rows were deleted` });
    }
    if (record.prevHash !== prevHash) {
      return result({ seq: record.seq, kind: 'broken-link', reason: `record ${record.seq}: prevHash ${String(record.prevHash)} is not record ${record.seq - 1}'s hash ${prevHash}` });
    }
    let recomputed: string;
    try {
      recomputed = chainHash(prevHash, auditBody(record));
    } catch (e) {
      return result({ seq: record.seq, kind: 'record-edited', reason: `record ${record.seq}: cannot be hashed (${(e as Error).message})` });
    }
    if (recomputed !== record.hash) {
      return result({ seq: record.seq, kind: 'record-edited', reason: `record ${record.seq}: stored hash ${String(record.hash)} differs from the recomputed ${recomputed} (the record was edited)` });
    }
    if (positionKeys) {
      // Without the store's cut-off, only the records before the first MAC'd one are exempt.
      const preMacThrough = storedPreMacThrough ?? (firstMac > 0 ? firstMac - 1 : record.mac == null ? record.seq : record.seq - 1);
      if (record.mac != null) firstMac ||= record.seq;
      // Keys were derived for every MAC'd record with a valid seq; the chain checks above have vouched for the seq.
      const reason = recordMacProblem(record, preMacThrough, positionKeys.get(record.seq) ?? Buffer.alloc(0));
      if (reason) return result({ seq: record.seq, kind: 'record-mac', reason });
      if (record.mac == null) preMac += 1;
      else macsChecked += 1;
    }
    const cp = bySeq.get(record.seq);
    if (cp) {
      if (cp.hash !== record.hash) {
        return result({ seq: record.seq, kind: 'checkpoint-mismatch', reason: `checkpoint at seq ${cp.seq} seals hash ${cp.hash}, but record ${record.seq} now hashes to ${record.hash} (the chain was rewritten)` });
      }
      const bad = signatureProblem(cp, keys);
      if (bad) return result(bad);
      sealedThrough = cp.seq;
    }
    for (const w of witnessBySeq.get(record.seq) ?? []) {
      if (w.hash !== record.hash) {
        const since = attestedThrough > 0 ? `after witnessed seq ${attestedThrough}, which matches` : 'from the first record';
        return result({ seq: record.seq, kind: 'witness-mismatch', reason: `record ${record.seq} differs from what checkpoint ${w.seq} in the witness sealed: the witness attests hash ${short(w.hash)}, the database has ${short(record.hash)} (records ${attestedThrough + 1}..${record.seq}, ${since}, were rewritten or re-chained)` });
      }
      attestedThrough = record.seq;
    }
    prevHash = record.hash;
    records += 1;
    expected += 1;
  }

  const unmatched = witnessed.filter((w) => w.seq >= expected).sort((a, b) => b.seq - a.seq);
  if (unmatched.length > 0) {
    const w = unmatched[0];
    const has = records === 0 ? 'database has 0 records' : `database has ${records} record(s), through seq ${expected - 1}`;
    return result({ seq: expected, kind: 'witness-truncated', reason: `witness attests seq ${w.seq} hash ${short(w.hash)}, ${has}: records ${expected}..${w.seq} were removed` });
  }

  const beyond = checkpoints.filter((c) => c.seq >= expected);
  if (beyond.length > 0) {
    const cp = beyond[beyond.length - 1];
    const bad = signatureProblem(cp, keys);
    if (bad) return result(bad);
    return result({ seq: expected, kind: 'truncated', reason: `the trail ends at seq ${expected - 1} but a signed checkpoint covers seq ${cp.seq}: records ${expected}..${cp.seq} were removed` });
  }
  return result(null);
}
