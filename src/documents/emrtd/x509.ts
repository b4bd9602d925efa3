// X.509 certificate and distinguished-name reading, only as far as passive authentication needs:
// the signed TBS bytes, names, validity, key, and the extensions that steer chain building.
import {
  Asn1Error, parseDer, readBitString, readBoolean, readInteger, readOctetString, readOid, readSmallInt, readTime,
  sequenceOf, isContext, isUniversal, UniversalTag, type Asn1Node,
} from '../asn1/index.js';
import { readName, type DistinguishedName } from './names.js';
import { OID } from './oids.js';

export type { DistinguishedName } from './names.js';

export interface AlgorithmIdentifier {
  readonly oid: string;
  /** Parameters as received (absent, NULL, or a structure such as RSASSA-PSS-params). */
  readonly params: Asn1Node | undefined;
}

export interface Certificate {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly serial: bigint;
  readonly serialHex: string;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  readonly signature: Uint8Array;
  readonly subjectKeyId: string | null;
  readonly authorityKeyId: string | null;
  /** Key-usage bit names, or null when the extension is absent. */
  readonly keyUsage: ReadonlySet<KeyUsage> | null;
  /** basicConstraints cA, or null when the extension is absent. */
  readonly isCa: boolean | null;
}

export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
const KEY_USAGE_BITS: readonly KeyUsage[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function readAlgorithm(node: Asn1Node | undefined, what: string): AlgorithmIdentifier {
  const parts = sequenceOf(node, what, 1);
  return { oid: readOid(parts[0], `${what} algorithm`), params: parts[1] };
}

/** Parses one DER certificate (bytes or an already-decoded node). Throws Asn1Error when malformed. */
export function parseCertificate(input: Uint8Array | Asn1Node): Certificate {
  const node = input instanceof Uint8Array ? parseDer(input) : input;
  const [tbsNode, sigAlgNode, sigNode] = sequenceOf(node, 'certificate', 3);
  const tbs = sequenceOf(tbsNode, 'tbsCertificate', 6);
  let i = 0;
  let version = 1;
  if (isContext(tbs[0], 0)) {
    version = readSmallInt(tbs[0].children[0], 'certificate version', 2) + 1;
    i = 1;
  }
  const serial = readInteger(tbs[i], 'certificate serial number');
  const signatureAlgorithm = readAlgorithm(sigAlgNode, 'certificate signature algorithm');
  const issuer = readName(tbs[i + 2], 'issuer');
  const [nb, na] = sequenceOf(tbs[i + 3], 'validity', 2);
  const subject = readName(tbs[i + 4], 'subject');
  const spkiNode = tbs[i + 5];
  sequenceOf(spkiNode, 'subjectPublicKeyInfo', 2);
  let subjectKeyId: string | null = null;
  let authorityKeyId: string | null = null;
  let keyUsage: Set<KeyUsage> | null = null;
  let isCa: boolean | null = null;
  const extNode = tbs.slice(i + 6).find((n) => isContext(n, 3));
  if (extNode) {
    for (const ext of sequenceOf(extNode.children[0], 'extensions')) {
      const parts = sequenceOf(ext, 'extension', 2);
      const oid = readOid(parts[0], 'extension id');
      const value = readOctetString(parts[parts.length - 1], 'extension value');
      if (oid === OID.subjectKeyIdentifier) subjectKeyId = hex(readOctetString(parseDer(value), 'subjectKeyIdentifier'));
      else if (oid === OID.authorityKeyIdentifier) {
        const keyId = sequenceOf(parseDer(value), 'authorityKeyIdentifier').find((n) => isContext(n, 0));
        if (keyId) authorityKeyId = hex(keyId.content);
      } else if (oid === OID.keyUsage) {
        const { bytes } = readBitString(parseDer(value), 'keyUsage');
        keyUsage = new Set(KEY_USAGE_BITS.filter((_, bit) => bit < bytes.length * 8 && (bytes[bit >> 3] & (0x80 >> (bit & 7))) !== 0));
      } else if (oid === OID.basicConstraints) {
        const bc = sequenceOf(parseDer(value), 'basicConstraints');
        isCa = isUniversal(bc[0], UniversalTag.boolean) ? readBoolean(bc[0], 'cA') : false;
      }
    }
  }
  const sig = readBitString(sigNode, 'certificate signature');
  if (sig.unusedBits !== 0) throw new Asn1Error('ASN1_BAD_VALUE', 'certificate signature has unused bits', sigNode.offset);
  return {
    der: node.tlv,
    tbs: tbsNode.tlv,
    version,
    serial,
    serialHex: serial.toString(16),
    signatureAlgorithm,
    issuer,
    subject,
    notBefore: readTime(nb, 'notBefore'),
    notAfter: readTime(na, 'notAfter'),
    spki: spkiNode.tlv,
    signature: sig.bytes,
    subjectKeyId,
    authorityKeyId,
    keyUsage,
    isCa,
  };
}

/** Short description for reports. */
export function describeCertificate(c: Certificate) {
  return {
    subject: c.subject.text,
    issuer: c.issuer.text,
    serial: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
  };
}
