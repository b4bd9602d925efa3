// Typed view of one decoded TLV. Nodes are views into the caller's buffer (no copies), so a
// signature can be checked over the exact bytes that were received.
import { ProofgateError, type Asn1ErrorCode } from '../../core/errors.js';
export type TagClass = 'universal' | 'application' | 'context' | 'private';

export interface Asn1Node {
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Offset of the first identifier octet in the parsed buffer. */
  readonly offset: number;
  readonly headerLength: number;
  /** Whether the length was BER indefinite (only ever true in 'ber' mode). */
  readonly indefinite: boolean;
  /** The whole TLV as received (identifier, length, content and, for indefinite length, the end-of-contents octets). */
  readonly tlv: Uint8Array;
  /** Content octets; for an indefinite-length node, everything between the header and the end-of-contents octets. */
  readonly content: Uint8Array;
  /** Children of a constructed node, in order; empty for primitives. */
  readonly children: readonly Asn1Node[];
}

/** Universal tag numbers used by proofgate's decoders. */
export const UniversalTag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  t61String: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  visibleString: 26,
  bmpString: 30,
} as const;

export type { Asn1ErrorCode };

/** Every decoding failure: a stable code, the byte offset where it was noticed, and a readable message. */
export class Asn1Error extends ProofgateError {
  declare readonly code: Asn1ErrorCode;

  constructor(code: Asn1ErrorCode, message: string, readonly offset: number) {
    super(code, `${message} (at byte ${offset})`);
    this.name = 'Asn1Error';
  }
}

export function describeTag(node: Pick<Asn1Node, 'tagClass' | 'tagNumber' | 'constructed'>): string {
  if (node.tagClass === 'universal') return `universal ${node.tagNumber}`;
  return `${node.tagClass} [${node.tagNumber}]${node.constructed ? ' constructed' : ''}`;
}
