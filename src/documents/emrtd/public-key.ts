// Imports a SubjectPublicKeyInfo into a node KeyObject. EC keys given with explicit domain
// parameters are matched against the named-curve table and re-encoded with the curve's OID,
// so verification runs on OpenSSL's named-curve code (and an unknown curve is refused, not trusted).
import { ProofgateError } from '../../core/errors.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  Asn1Error, derInteger, derOctetString, derOid, derSequence, isUniversal, type Asn1Node, parseDer, readOctetString, readOid, readUnsignedBytes,
  sequenceOf, UniversalTag,
} from '../asn1/index.js';
import { NAMED_CURVES, type NamedCurve } from './ec-curves.js';
import { OID } from './oids.js';
import { bigFromBytes } from './bigint-bytes.js';

export interface ImportedKey {
  readonly key: KeyObject;
  /** 'rsa', 'rsa-pss' or 'ec'. */
  readonly type: string;
  /** node curve name for EC keys. */
  readonly curve: string | null;
  /** The certificate gave explicit curve parameters that proofgate mapped to `curve`. */
  readonly explicitParameters: boolean;
}

export class KeyImportError extends ProofgateError {
  constructor(message: string) {
    super('ERR_KEY_IMPORT', message);
    this.name = 'KeyImportError';
  }
}

const big = (b: Uint8Array | string): bigint => (typeof b === 'string' ? BigInt(`0x${b}`) : bigFromBytes(b));

export function importPublicKey(spki: Uint8Array): ImportedKey {
  const node = parseDer(spki, { mode: 'der' });
  const [algNode, keyBits] = sequenceOf(node, 'subjectPublicKeyInfo', 2);
  const alg = sequenceOf(algNode, 'public key algorithm', 1);
  const oid = readOid(alg[0], 'public key algorithm');
  let der: Uint8Array = spki;
  let curve: string | null = null;
  let explicitParameters = false;
  if (oid === OID.ecPublicKey) {
    const params = alg[1];
    if (isUniversal(params, UniversalTag.oid)) {
      const named = NAMED_CURVES.find((c) => c.oid === readOid(params, 'named curve'));
      if (!named) throw new KeyImportError(`EC key on an unsupported named curve ${readOid(params, 'named curve')}`);
      curve = named.name;
    } else if (isUniversal(params, UniversalTag.sequence)) {
      const named = matchExplicitCurve(params.children);
      curve = named.name;
      explicitParameters = true;
      der = derSequence(derSequence(derOid(OID.ecPublicKey), derOid(named.oid)), keyBits.tlv);
    } else {
      throw new KeyImportError('EC key without curve parameters (implicitlyCA) is not supported');
    }
  } else if (oid !== OID.rsaEncryption && oid !== OID.rsassaPss) {
    throw new KeyImportError(`unsupported public key algorithm ${oid}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (e) {
    throw new KeyImportError(`public key rejected by the crypto library: ${(e as Error).message}`);
  }
  return { key, type: key.asymmetricKeyType ?? 'unknown', curve, explicitParameters };
}

/** ECParameters { version, fieldID { prime-field, p }, curve { a, b, seed? }, base, order, cofactor? } -> named curve. */
function matchExplicitCurve(parts: readonly Asn1Node[]): NamedCurve {
  if (parts.length < 5) throw new Asn1Error('ASN1_UNEXPECTED', 'explicit EC parameters: too few elements', parts[0]?.offset ?? 0);
  const [fieldId, curveNode, baseNode, orderNode] = [parts[1], parts[2], parts[3], parts[4]];
  const field = sequenceOf(fieldId, 'fieldID', 2);
  if (readOid(field[0], 'field type') !== OID.primeField) throw new KeyImportError('explicit EC parameters over a non-prime field are not supported');
  const p = big(readUnsignedBytes(field[1], 'prime p'));
  const curveParts = sequenceOf(curveNode, 'curve', 2);
  const a = big(readOctetString(curveParts[0], 'curve a'));
  const b = big(readOctetString(curveParts[1], 'curve b'));
  const base = readOctetString(baseNode, 'base point');
  const n = big(readUnsignedBytes(orderNode, 'order n'));
  for (const c of NAMED_CURVES) {
    if (big(c.p) !== p || big(c.a) !== a || big(c.b) !== b || big(c.n) !== n) continue;
    if (!sameBasePoint(base, c.g)) continue;
    return c;
  }
  throw new KeyImportError('explicit EC parameters match no supported named curve');
}

function sameBasePoint(encoded: Uint8Array, uncompressedHex: string): boolean {
  const g = Buffer.from(uncompressedHex, 'hex');
  const size = (g.length - 1) / 2;
  if (encoded[0] === 0x04) return big(encoded.subarray(1, 1 + size)) === big(g.subarray(1, 1 + size))
    && big(encoded.subarray(1 + size)) === big(g.subarray(1 + size)) && encoded.length === g.length;
  if ((encoded[0] === 0x02 || encoded[0] === 0x03) && encoded.length === size + 1) {
    const yOdd = (g[g.length - 1] & 1) === 1;
    return big(encoded.subarray(1)) === big(g.subarray(1, 1 + size)) && yOdd === (encoded[0] === 0x03);
  }
  return false;
}

/** Re-encodes a named-curve EC key with explicit parameters (the form some passports use). Used by tests. */
export function explicitCurveParameters(curveName: string): Uint8Array {
  const c = NAMED_CURVES.find((x) => x.name === curveName);
  if (!c) throw new KeyImportError(`unknown curve ${curveName}`);
  const size = (Buffer.from(c.g, 'hex').length - 1) / 2;
  const fieldElement = (h: string) => derOctetString(Buffer.from(h.padStart(size * 2, '0'), 'hex'));
  const unsigned = (h: string) => derInteger(Buffer.from(h.length % 2 ? `0${h}` : h, 'hex'));
  return derSequence(
    derInteger(1),
    derSequence(derOid(OID.primeField), unsigned(c.p)),
    derSequence(fieldElement(c.a), fieldElement(c.b)),
    derOctetString(Buffer.from(c.g, 'hex')),
    unsigned(c.n),
    unsigned(c.h),
  );
}

/** SPKI with explicit curve parameters for an EC public key: what German passports carry. */
export function toExplicitSpki(namedSpki: Uint8Array, curveName: string): Uint8Array {
  const [, keyBits] = sequenceOf(parseDer(namedSpki), 'subjectPublicKeyInfo', 2);
  return derSequence(derSequence(derOid(OID.ecPublicKey), explicitCurveParameters(curveName)), keyBits.tlv);
}

