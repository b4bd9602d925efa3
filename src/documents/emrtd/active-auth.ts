// Active Authentication (ICAO 9303-11 section 6.1): the chip signs the terminal's 8-byte challenge
// with the private key whose public half is in DG15. RSA chips answer with an ISO/IEC 9796-2
// scheme 1 signature (message recovery); EC chips with a plain (r || s) ECDSA signature whose hash
// DG14's ActiveAuthenticationInfo names. Passing AA shows the chip is not a copy; PA (DG15's hash
// in the SOD) must be checked too, or a cloner could bring his own DG15.
import { createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { Asn1Error, parseDer } from '../asn1/index.js';
import { SIGNATURE_OIDS, type HashName } from './oids.js';
import { importPublicKey } from './public-key.js';
import { bigFromBytes, bytesFromBig, modPow } from './bigint-bytes.js';

export interface ActiveAuthInput {
  /** DG15 as read (tag 6F around the SubjectPublicKeyInfo). */
  readonly dg15: Uint8Array;
  /** The challenge the terminal sent (8 bytes in ICAO 9303). */
  readonly challenge: Uint8Array;
  /** The chip's INTERNAL AUTHENTICATE response. */
  readonly response: Uint8Array;
  /** EC chips: signature algorithm OID from DG14 ActiveAuthenticationInfo (default ecdsa-plain-SHA256). */
  readonly ecdsaSignatureAlgorithm?: string;
}

export interface ActiveAuthResult {
  readonly outcome: 'pass' | 'fail' | 'error';
  readonly reason: string;
  readonly algorithm: string | null;
}

const ISO9796_HASH_IDS: Record<number, HashName> = { 0x33: 'sha1', 0x34: 'sha256', 0x35: 'sha512', 0x36: 'sha384', 0x38: 'sha224' };
const HASH_BYTES: Record<HashName, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

export function verifyActiveAuthentication(input: ActiveAuthInput): ActiveAuthResult {
  let key: KeyObject;
  let type: string;
  try {
    const dg15 = parseDer(input.dg15, { maxDepth: 8 });
    if (dg15.tagClass !== 'application' || dg15.tagNumber !== 15 || dg15.children.length !== 1) {
      throw new Asn1Error('ASN1_UNEXPECTED', 'DG15 must be tag 6F around one SubjectPublicKeyInfo', 0);
    }
    ({ key, type } = importPublicKey(dg15.children[0].tlv));
  } catch (e) {
    return { outcome: 'error', reason: `DG15 unusable: ${(e as Error).message}`, algorithm: null };
  }
  if (input.challenge.length === 0 || input.challenge.length > 64) return { outcome: 'error', reason: 'challenge must be 1..64 bytes', algorithm: null };
  return type === 'ec' ? verifyEcdsa(key, input) : verifyIso9796(key, input);
}


/** ISO/IEC 9796-2 scheme 1 with partial message recovery: F = header || M1 || H || trailer. */
function verifyIso9796(key: KeyObject, input: ActiveAuthInput): ActiveAuthResult {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.n || !jwk.e) return { outcome: 'error', reason: 'DG15 RSA key without modulus', algorithm: null };
  const n = bigFromBytes(Buffer.from(jwk.n, 'base64url'));
  const e = bigFromBytes(Buffer.from(jwk.e, 'base64url'));
  const k = Math.ceil(n.toString(2).length / 8);
  const algorithm = 'rsa-iso9796-2';
  if (input.response.length !== k) return { outcome: 'fail', reason: `response is ${input.response.length} bytes, the key needs ${k}`, algorithm };
  const s = bigFromBytes(input.response);
  if (s >= n) return { outcome: 'fail', reason: 'response not below the modulus', algorithm };
  let j = modPow(s, e, n);
  // The signer may send n - s; the representative always ends in nibble C.
  if ((j & 0xfn) !== 0xcn) j = n - j;
  const f = bytesFromBig(j, k);
  if ((f[f.length - 1] & 0x0f) !== 0x0c) return { outcome: 'fail', reason: 'no ISO 9796-2 trailer', algorithm };
  let hash: HashName;
  let trailerLength: number;
  if (f[f.length - 1] === 0xbc) {
    hash = 'sha1';
    trailerLength = 1;
  } else if (f[f.length - 1] === 0xcc && ISO9796_HASH_IDS[f[f.length - 2]]) {
    hash = ISO9796_HASH_IDS[f[f.length - 2]];
    trailerLength = 2;
  } else return { outcome: 'fail', reason: `unknown ISO 9796-2 trailer ${f.subarray(-2).toString('hex')}`, algorithm };
  if ((f[0] & 0xc0) !== 0x40) return { outcome: 'fail', reason: 'ISO 9796-2 header bits are not 01', algorithm };
  const partial = (f[0] & 0x20) !== 0;
  // Header nibble A, possibly after padding nibbles B, marks where M1 starts.
  let start = -1;
  if ((f[0] & 0x0f) === 0x0a) start = 1;
  else if ((f[0] & 0x0f) === 0x0b) {
    let i = 1;
    while (i < f.length && f[i] === 0xbb) i++;
    if (f[i] === 0xba) start = i + 1;
  }
  const hLen = HASH_BYTES[hash];
  const hashStart = f.length - trailerLength - hLen;
  if (start < 0 || hashStart < start) return { outcome: 'fail', reason: 'ISO 9796-2 padding malformed', algorithm };
  const m1 = f.subarray(start, hashStart);
  const h = f.subarray(hashStart, f.length - trailerLength);
  const digest = createHash(hash).update(m1).update(partial ? input.challenge : Buffer.alloc(0)).digest();
  const label = `${algorithm}-${hash}`;
  if (!partial) return { outcome: 'fail', reason: 'total-recovery signature does not cover the challenge', algorithm: label };
  return digest.equals(h)
    ? { outcome: 'pass', reason: `chip signed the challenge (${label}, ${k * 8}-bit key)`, algorithm: label }
    : { outcome: 'fail', reason: `${label} hash does not match the challenge`, algorithm: label };
}

function verifyEcdsa(key: KeyObject, input: ActiveAuthInput): ActiveAuthResult {
  const oid = input.ecdsaSignatureAlgorithm ?? '0.4.0.127.0.7.1.1.4.1.3';
  const alg = SIGNATURE_OIDS[oid];
  if (!alg || (alg.scheme !== 'ecdsa' && alg.scheme !== 'ecdsa-plain')) return { outcome: 'error', reason: `unsupported AA signature algorithm ${oid}`, algorithm: null };
  const label = `${alg.scheme}-${alg.hash}`;
  try {
    const ok = cryptoVerify(alg.hash, input.challenge, { key, dsaEncoding: alg.scheme === 'ecdsa-plain' ? 'ieee-p1363' : 'der' }, input.response);
    return ok ? { outcome: 'pass', reason: `chip signed the challenge (${label})`, algorithm: label } : { outcome: 'fail', reason: `${label} signature does not verify`, algorithm: label };
  } catch (e) {
    return { outcome: 'fail', reason: `${label} signature malformed: ${(e as Error).message}`, algorithm: label };
  }
}
