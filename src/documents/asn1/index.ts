// Public surface of the ASN.1 module.
export { Asn1Error, UniversalTag, describeTag, type Asn1Node, type Asn1ErrorCode, type TagClass } from './asn1-node.js';
export { parseDer, tryParseDer, type ParseOptions } from './parse-der.js';
export * from './decode.js';
export * from '../../asn1/der-writer.js';
