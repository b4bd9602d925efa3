// The one DER encoder in proofgate. The HSM writes its self-signed x5c certificate with it; the eMRTD
// checks re-encode a few structures (a named-curve SubjectPublicKeyInfo, a signed-attributes SET); the
// tests build certificates, SODs, master lists and CRLs with it and node's crypto, so no fixture is
// ever copied from elsewhere. Writing only: the parser is src/documents/asn1/parse-der.ts.

/** One encoded TLV, ready to be nested. */
export type Der = Buffer;

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with a single identifier octet (tag numbers < 31 are all proofgate needs, plus 0x77/0x61 wrappers). */
export function derTlv(identifier: number, content: Uint8Array): Der {
  return Buffer.concat([Buffer.from([identifier]), encodeLength(content.length), content]);
}

export const derSequence = (...parts: Uint8Array[]): Der => derTlv(0x30, Buffer.concat(parts));

/** SET OF in DER order (elements sorted by their encodings), as X.690 requires. */
export const derSetOf = (...parts: Uint8Array[]): Der =>
  derTlv(0x31, Buffer.concat([...parts].map((p) => Buffer.from(p)).sort(Buffer.compare)));

export const derNull = (): Der => Buffer.from([0x05, 0x00]);
export const derBoolean = (v: boolean): Der => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const derOctetString = (bytes: Uint8Array): Der => derTlv(0x04, bytes);
export const derBitString = (bytes: Uint8Array, unusedBits = 0): Der => derTlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
export const derUtf8 = (s: string): Der => derTlv(0x0c, Buffer.from(s, 'utf8'));
export const derPrintable = (s: string): Der => derTlv(0x13, Buffer.from(s, 'latin1'));

/** Context-specific tag: constructed (EXPLICIT or IMPLICIT of a constructed type) by default. */
export const derContext = (n: number, content: Uint8Array, constructed = true): Der => derTlv((constructed ? 0xa0 : 0x80) | n, content);

/** Application-class constructed tag (0x77 EF.SOD wrapper, 0x61 DG1, ...). */
export const derApplication = (n: number, content: Uint8Array): Der => derTlv(0x60 | n, content);

/** INTEGER from a number, bigint (two's complement) or unsigned magnitude bytes. */
export function derInteger(value: number | bigint | Uint8Array): Der {
  if (value instanceof Uint8Array) {
    let i = 0;
    while (i < value.length - 1 && value[i] === 0) i++;
    const mag = Buffer.from(value.subarray(i));
    return derTlv(0x02, mag.length > 0 && mag[0] & 0x80 ? Buffer.concat([Buffer.from([0]), mag]) : mag.length ? mag : Buffer.from([0]));
  }
  let v = BigInt(value);
  const bytes: number[] = [];
  if (v === 0n) bytes.push(0);
  const negative = v < 0n;
  while (negative ? v < -1n || bytes.length === 0 || (bytes[0] & 0x80) === 0 : v > 0n) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  if (!negative && bytes[0] & 0x80) bytes.unshift(0);
  return derTlv(0x02, Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted form; arcs may exceed 2^53 (UUID-based OIDs). */
export function derOid(dotted: string): Der {
  const parts = dotted.split('.');
  if (parts.length < 2) throw new RangeError(`OID needs two arcs: ${dotted}`);
  if (!parts.every((a) => /^(0|[1-9][0-9]*)$/.test(a))) throw new RangeError(`OID arcs must be non-negative integers: ${dotted}`);
  const arcs = parts.map((a) => BigInt(a));
  if (arcs[0] > 2n || (arcs[0] < 2n && arcs[1] > 39n)) throw new RangeError(`OID first arcs out of range: ${dotted}`);
  const values = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const out: number[] = [];
  for (const v of values) {
    const group: number[] = [Number(v & 0x7fn)];
    for (let r = v >> 7n; r > 0n; r >>= 7n) group.unshift(Number(r & 0x7fn) | 0x80);
    out.push(...group);
  }
  return derTlv(0x06, Buffer.from(out));
}

/** UTCTime for 1950..2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5); whole seconds, Zulu. */
export function derTime(date: Date): Der {
  const y = date.getUTCFullYear();
  // toISOString writes years past 9999 as '+010000', which no ASN.1 time type can hold.
  if (!(y >= 0 && y <= 9999)) throw new RangeError(`derTime: year ${y} outside 0000..9999`);
  const iso = date.toISOString();
  const body = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  if (y >= 1950 && y < 2050) return derTlv(0x17, Buffer.from(String(y).slice(2) + body, 'latin1'));
  return derTlv(0x18, Buffer.from(String(y).padStart(4, '0') + body, 'latin1'));
}
