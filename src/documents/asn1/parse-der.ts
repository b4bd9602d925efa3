// Strict, bounded ASN.1 decoder. 'der' mode (the default) accepts only DER length rules; 'ber'
// mode additionally accepts indefinite lengths on constructed values and non-minimal lengths,
// because real EF.SOD files (e.g. New Zealand passports) are BER-encoded CMS. Every length is
// checked against the bytes that remain in its parent, depth and node count are capped, and
// recursion is bounded by maxDepth, so hostile input ends in an Asn1Error, never a crash or hang.
import { Asn1Error, type Asn1Node, type TagClass } from './asn1-node.js';

export interface ParseOptions {
  /** 'der' rejects indefinite and non-minimal lengths; 'ber' accepts them. */
  mode?: 'der' | 'ber';
  /** Deepest nesting accepted (the outermost node is depth 0). */
  maxDepth?: number;
  /** Most nodes accepted in one parse; bounds work on inputs full of tiny TLVs. */
  maxNodes?: number;
  /** Accept bytes after the first complete TLV (some chip files are padded). */
  allowTrailingData?: boolean;
  /** Accept two-octet tags for numbers below 31, which X.690 forbids but ICAO LDS files use (5F01, 5F36, 5F0E). */
  ldsTags?: boolean;
}

const DEFAULTS = { mode: 'der' as const, maxDepth: 40, maxNodes: 250_000, allowTrailingData: false, ldsTags: false };
const TAG_CLASSES: readonly TagClass[] = ['universal', 'application', 'context', 'private'];

interface State {
  readonly buf: Uint8Array;
  readonly ber: boolean;
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly ldsTags: boolean;
  nodes: number;
}

/** Decodes one TLV (and its whole subtree) from `input`. Throws Asn1Error on any violation. */
export function parseDer(input: Uint8Array, options: ParseOptions = {}): Asn1Node {
  const opts = { ...DEFAULTS, ...options };
  if (!(input instanceof Uint8Array)) throw new Asn1Error('ASN1_UNEXPECTED', 'input is not a byte array', 0);
  if (input.length === 0) throw new Asn1Error('ASN1_EMPTY', 'no bytes to decode', 0);
  const state: State = { buf: input, ber: opts.mode === 'ber', maxDepth: opts.maxDepth, maxNodes: opts.maxNodes, ldsTags: opts.ldsTags, nodes: 0 };
  const { node, next } = parseNode(state, 0, input.length, 0);
  if (!opts.allowTrailingData && next !== input.length) {
    throw new Asn1Error('ASN1_TRAILING_DATA', `${input.length - next} byte(s) after the end of the value`, next);
  }
  return node;
}

/** Like parseDer but returns the error instead of throwing; for callers that report rather than fail. */
export function tryParseDer(input: Uint8Array, options: ParseOptions = {}): { node: Asn1Node } | { error: Asn1Error } {
  try {
    return { node: parseDer(input, options) };
  } catch (e) {
    if (e instanceof Asn1Error) return { error: e };
    throw e;
  }
}

function parseNode(s: State, start: number, end: number, depth: number): { node: Asn1Node; next: number } {
  if (depth > s.maxDepth) throw new Asn1Error('ASN1_TOO_DEEP', `nesting deeper than ${s.maxDepth}`, start);
  if (++s.nodes > s.maxNodes) throw new Asn1Error('ASN1_TOO_MANY_NODES', `more than ${s.maxNodes} values`, start);
  const buf = s.buf;
  let pos = start;
  if (pos >= end) throw new Asn1Error('ASN1_TRUNCATED', 'identifier octet missing', pos);
  const first = buf[pos++];
  const tagClass = TAG_CLASSES[first >> 6];
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (pos >= end) throw new Asn1Error('ASN1_TRUNCATED', 'high tag number cut short', pos);
      const b = buf[pos++];
      if (i === 0 && b === 0x80) throw new Asn1Error('ASN1_BAD_TAG', 'high tag number with a leading zero group', pos - 1);
      if (i >= 3) throw new Asn1Error('ASN1_BAD_TAG', 'tag number too large', pos - 1);
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tagNumber < 0x1f && !s.ldsTags) throw new Asn1Error('ASN1_BAD_TAG', 'high-tag form used for a low tag number', start);
  }
  if (tagClass === 'universal' && tagNumber === 0) throw new Asn1Error('ASN1_BAD_TAG', 'end-of-contents where a value was expected', start);

  if (pos >= end) throw new Asn1Error('ASN1_TRUNCATED', 'length octet missing', pos);
  const lenByte = buf[pos++];
  let indefinite = false;
  let length = 0;
  if (lenByte < 0x80) {
    length = lenByte;
  } else if (lenByte === 0x80) {
    if (!s.ber) throw new Asn1Error('ASN1_INDEFINITE_LENGTH', 'indefinite length is not allowed in DER', pos - 1);
    if (!constructed) throw new Asn1Error('ASN1_INDEFINITE_PRIMITIVE', 'indefinite length on a primitive value', pos - 1);
    indefinite = true;
  } else {
    const count = lenByte & 0x7f;
    if (count === 0x7f) throw new Asn1Error('ASN1_BAD_VALUE', 'reserved length octet 0xFF', pos - 1);
    if (count > 4) throw new Asn1Error('ASN1_LENGTH_TOO_LARGE', `length in ${count} octets`, pos - 1);
    if (pos + count > end) throw new Asn1Error('ASN1_TRUNCATED', 'length octets cut short', pos);
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos + i];
    if (!s.ber && (buf[pos] === 0 || length < 0x80)) {
      throw new Asn1Error('ASN1_NON_MINIMAL_LENGTH', 'length not in its shortest form', pos - 1);
    }
    pos += count;
  }
  const headerLength = pos - start;

  if (!indefinite) {
    if (length > end - pos) {
      throw new Asn1Error('ASN1_LENGTH_EXCEEDS_INPUT', `length ${length} but only ${end - pos} byte(s) remain`, start);
    }
    const contentEnd = pos + length;
    const children: Asn1Node[] = [];
    if (constructed) {
      let p = pos;
      while (p < contentEnd) {
        const r = parseNode(s, p, contentEnd, depth + 1);
        children.push(r.node);
        p = r.next;
      }
    }
    return {
      node: {
        tagClass, constructed, tagNumber, offset: start, headerLength, indefinite: false,
        tlv: buf.subarray(start, contentEnd), content: buf.subarray(pos, contentEnd), children,
      },
      next: contentEnd,
    };
  }

  // Indefinite length: children until the end-of-contents octets 00 00.
  const children: Asn1Node[] = [];
  let p = pos;
  for (;;) {
    if (p + 2 > end) throw new Asn1Error('ASN1_MISSING_END_OF_CONTENTS', 'indefinite-length value has no end-of-contents', p);
    if (buf[p] === 0 && buf[p + 1] === 0) break;
    const r = parseNode(s, p, end, depth + 1);
    children.push(r.node);
    p = r.next;
  }
  return {
    node: {
      tagClass, constructed, tagNumber, offset: start, headerLength, indefinite: true,
      tlv: buf.subarray(start, p + 2), content: buf.subarray(pos, p), children,
    },
    next: p + 2,
  };
}
