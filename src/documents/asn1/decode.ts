// Typed readers over Asn1Node. Each one checks the tag it expects and the value's own encoding
// rules, and throws Asn1Error('ASN1_UNEXPECTED' | 'ASN1_BAD_VALUE') naming `what` it was reading.
import { Asn1Error, UniversalTag, describeTag, type Asn1Node } from './asn1-node.js';

export function isUniversal(node: Asn1Node | undefined, tag: number): boolean {
  return node !== undefined && node.tagClass === 'universal' && node.tagNumber === tag;
}

export function isContext(node: Asn1Node | undefined, tag: number): boolean {
  return node !== undefined && node.tagClass === 'context' && node.tagNumber === tag;
}

export function expectUniversal(node: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  if (!node) throw new Asn1Error('ASN1_UNEXPECTED', `${what}: missing`, 0);
  if (node.tagClass !== 'universal' || node.tagNumber !== tag) throw new Asn1Error('ASN1_UNEXPECTED', `${what}: expected universal ${tag}, found ${describeTag(node)}`, node.offset);
  const mustBeConstructed = tag === UniversalTag.sequence || tag === UniversalTag.set;
  if (mustBeConstructed && !node.constructed) throw new Asn1Error('ASN1_UNEXPECTED', `${what}: SEQUENCE/SET must be constructed`, node.offset);
  return node;
}

/** Children of a SEQUENCE, with a minimum count. */
export function sequenceOf(node: Asn1Node | undefined, what: string, minChildren = 0): readonly Asn1Node[] {
  const n = expectUniversal(node, UniversalTag.sequence, what);
  if (n.children.length < minChildren) throw new Asn1Error('ASN1_UNEXPECTED', `${what}: expected at least ${minChildren} elements, found ${n.children.length}`, n.offset);
  return n.children;
}

export function setOf(node: Asn1Node | undefined, what: string): readonly Asn1Node[] {
  return expectUniversal(node, UniversalTag.set, what).children;
}

function primitive(node: Asn1Node, what: string): Uint8Array {
  if (node.constructed) throw new Asn1Error('ASN1_UNEXPECTED', `${what}: expected a primitive value`, node.offset);
  return node.content;
}

export function readOid(node: Asn1Node | undefined, what: string): string {
  const bytes = primitive(expectUniversal(node, UniversalTag.oid, what), what);
  if (bytes.length === 0) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: empty OBJECT IDENTIFIER`, node!.offset);
  const arcs: number[] = [];
  let value = 0;
  let started = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (!started && b === 0x80) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: OID arc with a leading zero group`, node!.offset);
    started = true;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: OID arc too large`, node!.offset);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const firstArc = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(firstArc, value - firstArc * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
      started = false;
    }
  }
  if (started) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: OID ends inside an arc`, node!.offset);
  return arcs.join('.');
}

/** INTEGER as a bigint (two's complement), with DER's minimal-encoding rule. */
export function readInteger(node: Asn1Node | undefined, what: string): bigint {
  const bytes = primitive(expectUniversal(node, UniversalTag.integer, what), what);
  if (bytes.length === 0) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: empty INTEGER`, node!.offset);
  if (bytes.length > 1 && ((bytes[0] === 0 && (bytes[1] & 0x80) === 0) || (bytes[0] === 0xff && (bytes[1] & 0x80) !== 0))) {
    throw new Asn1Error('ASN1_BAD_VALUE', `${what}: INTEGER not minimally encoded`, node!.offset);
  }
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes[0] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

/** INTEGER that must fit a small non-negative number (versions, counts). */
export function readSmallInt(node: Asn1Node | undefined, what: string, max = 1_000_000): number {
  const v = readInteger(node, what);
  if (v < 0n || v > BigInt(max)) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: ${v} outside 0..${max}`, node!.offset);
  return Number(v);
}

/** Magnitude bytes of a non-negative INTEGER, leading zero octets removed (curve parameters, serials). */
export function readUnsignedBytes(node: Asn1Node | undefined, what: string): Uint8Array {
  const bytes = primitive(expectUniversal(node, UniversalTag.integer, what), what);
  if (bytes.length === 0) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: empty INTEGER`, node!.offset);
  if (bytes[0] & 0x80) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: negative where a non-negative INTEGER is required`, node!.offset);
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** OCTET STRING contents; a BER constructed OCTET STRING is reassembled from its segments. */
export function readOctetString(node: Asn1Node | undefined, what: string): Uint8Array {
  const n = expectUniversal(node, UniversalTag.octetString, what);
  if (!n.constructed) return n.content;
  const parts: Uint8Array[] = [];
  for (const c of n.children) parts.push(readOctetString(c, `${what} segment`));
  return Buffer.concat(parts);
}

export function readBitString(node: Asn1Node | undefined, what: string): { unusedBits: number; bytes: Uint8Array } {
  const bytes = primitive(expectUniversal(node, UniversalTag.bitString, what), what);
  if (bytes.length === 0) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: empty BIT STRING`, node!.offset);
  const unusedBits = bytes[0];
  if (unusedBits > 7 || (bytes.length === 1 && unusedBits !== 0)) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: bad unused-bits count`, node!.offset);
  return { unusedBits, bytes: bytes.subarray(1) };
}

export function readBoolean(node: Asn1Node | undefined, what: string): boolean {
  const bytes = primitive(expectUniversal(node, UniversalTag.boolean, what), what);
  if (bytes.length !== 1) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: BOOLEAN must be one octet`, node!.offset);
  return bytes[0] !== 0;
}

const TEXT_TAGS = new Set<number>([
  UniversalTag.utf8String, UniversalTag.printableString, UniversalTag.t61String, UniversalTag.ia5String,
  UniversalTag.visibleString, UniversalTag.bmpString,
]);

/** Any of the directory string types, decoded to a JS string. */
export function readText(node: Asn1Node | undefined, what: string): string {
  if (!node || node.tagClass !== 'universal' || !TEXT_TAGS.has(node.tagNumber)) {
    throw new Asn1Error('ASN1_UNEXPECTED', `${what}: expected a string type`, node?.offset ?? 0);
  }
  const bytes = primitive(node, what);
  if (node.tagNumber === UniversalTag.bmpString) {
    if (bytes.length % 2 !== 0) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: odd-length BMPString`, node.offset);
    let out = '';
    for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
    return out;
  }
  if (node.tagNumber === UniversalTag.t61String) return Buffer.from(bytes).toString('latin1');
  return Buffer.from(bytes).toString('utf8');
}

/** UTCTime (RFC 5280 century rule: YY < 50 is 20YY) or GeneralizedTime, both in 'Z' form. */
export function readTime(node: Asn1Node | undefined, what: string): Date {
  if (!node || node.tagClass !== 'universal' || (node.tagNumber !== UniversalTag.utcTime && node.tagNumber !== UniversalTag.generalizedTime)) {
    throw new Asn1Error('ASN1_UNEXPECTED', `${what}: expected UTCTime or GeneralizedTime`, node?.offset ?? 0);
  }
  const s = Buffer.from(primitive(node, what)).toString('latin1');
  const m = node.tagNumber === UniversalTag.utcTime
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
  if (!m) throw new Asn1Error('ASN1_BAD_VALUE', `${what}: malformed time ${JSON.stringify(s.slice(0, 20))}`, node.offset);
  let year = Number(m[1]);
  if (node.tagNumber === UniversalTag.utcTime) year += year < 50 ? 2000 : 1900;
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const t = Date.UTC(year, mo - 1, d, h, mi, se);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    throw new Asn1Error('ASN1_BAD_VALUE', `${what}: impossible date ${s}`, node.offset);
  }
  return back;
}
