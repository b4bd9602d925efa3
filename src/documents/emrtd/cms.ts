// CMS SignedData (RFC 5652) as EF.SOD and CSCA master lists use it: one encapsulated content,
// embedded certificates, signer infos with signed attributes. BER input is accepted (some
// passports encode the SOD with indefinite lengths) within the ASN.1 reader's bounds.
import {
  Asn1Error, derTlv, isContext, isUniversal, readInteger, readOctetString, readOid, readSmallInt, sequenceOf, setOf,
  UniversalTag, type Asn1Node,
} from '../asn1/index.js';
import { OID, type HashName } from './oids.js';
import { hashFromAlgorithm } from './signature.js';
import { byNameMatch, readName, type DistinguishedName, type NameMatch } from './names.js';
import { parseCertificate, readAlgorithm, type AlgorithmIdentifier, type Certificate } from './x509.js';

export interface SignerInfo {
  readonly version: number;
  readonly sid: { readonly issuer: DistinguishedName; readonly serial: bigint } | { readonly subjectKeyId: string };
  readonly digestAlgorithm: HashName;
  /** The DER SET OF the signed attributes: the bytes the signature covers. */
  readonly signedAttributesDer: Uint8Array | null;
  readonly attributes: ReadonlyMap<string, readonly Asn1Node[]>;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
}

export interface SignedData {
  readonly version: number;
  readonly eContentType: string;
  readonly eContent: Uint8Array;
  readonly certificates: readonly Certificate[];
  /** Certificates in the SignedData that could not be parsed (reported, not fatal). */
  readonly unparsedCertificates: number;
  readonly signerInfos: readonly SignerInfo[];
}

/** ContentInfo { contentType signedData, [0] EXPLICIT SignedData } -> SignedData. Throws Asn1Error or Error. */
export function parseSignedData(contentInfo: Asn1Node): SignedData {
  const [typeNode, wrapped] = sequenceOf(contentInfo, 'ContentInfo', 2);
  const type = readOid(typeNode, 'ContentInfo contentType');
  if (type !== OID.signedData) throw new Asn1Error('ASN1_UNEXPECTED', `ContentInfo holds ${type}, not signedData`, typeNode.offset);
  if (!isContext(wrapped, 0) || wrapped.children.length !== 1) throw new Asn1Error('ASN1_UNEXPECTED', 'ContentInfo content is not [0] EXPLICIT', wrapped.offset);
  const sd = sequenceOf(wrapped.children[0], 'SignedData', 4);
  const version = readSmallInt(sd[0], 'SignedData version', 5);
  setOf(sd[1], 'digestAlgorithms');
  const encap = sequenceOf(sd[2], 'encapContentInfo', 1);
  const eContentType = readOid(encap[0], 'eContentType');
  if (!isContext(encap[1], 0) || encap[1].children.length !== 1) throw new Asn1Error('ASN1_UNEXPECTED', 'SignedData has no encapsulated content', sd[2].offset);
  const eContent = readOctetString(encap[1].children[0], 'eContent');

  let i = 3;
  const certificates: Certificate[] = [];
  let unparsedCertificates = 0;
  if (isContext(sd[i], 0)) {
    for (const c of sd[i].children) {
      try {
        certificates.push(parseCertificate(c));
      } catch {
        unparsedCertificates++;
      }
    }
    i++;
  }
  if (isContext(sd[i], 1)) i++;
  const signerInfos = setOf(sd[i], 'signerInfos').map(parseSignerInfo);
  if (i !== sd.length - 1) throw new Asn1Error('ASN1_UNEXPECTED', 'unexpected elements after signerInfos', sd[i + 1]?.offset ?? 0);
  return { version, eContentType, eContent, certificates, unparsedCertificates, signerInfos };
}

function parseSignerInfo(node: Asn1Node): SignerInfo {
  const parts = sequenceOf(node, 'SignerInfo', 5);
  const version = readSmallInt(parts[0], 'SignerInfo version', 5);
  let sid: SignerInfo['sid'];
  if (isContext(parts[1], 0)) sid = { subjectKeyId: Buffer.from(parts[1].content).toString('hex') };
  else {
    const [issuer, serial] = sequenceOf(parts[1], 'IssuerAndSerialNumber', 2);
    sid = { issuer: readName(issuer, 'signer issuer'), serial: readInteger(serial, 'signer serial') };
  }
  const digestAlgorithm = hashFromAlgorithm(parts[2]);
  let i = 3;
  let signedAttributesDer: Uint8Array | null = null;
  const attributes = new Map<string, Asn1Node[]>();
  if (isContext(parts[i], 0)) {
    const attrs = parts[i];
    // The signature covers the attributes re-tagged as a universal SET (RFC 5652 section 5.4).
    signedAttributesDer = derTlv(0x31, attrs.indefinite ? Buffer.concat(attrs.children.map((c) => c.tlv)) : attrs.content);
    for (const attr of attrs.children) {
      const [oidNode, values] = sequenceOf(attr, 'attribute', 2);
      const oid = readOid(oidNode, 'attribute type');
      if (attributes.has(oid)) throw new Asn1Error('ASN1_UNEXPECTED', `signed attribute ${oid} appears twice`, attr.offset);
      attributes.set(oid, [...setOf(values, 'attribute values')]);
    }
    i++;
  }
  const signatureAlgorithm = readAlgorithm(parts[i], 'SignerInfo signatureAlgorithm');
  const sigNode = parts[i + 1];
  if (!isUniversal(sigNode, UniversalTag.octetString)) throw new Asn1Error('ASN1_UNEXPECTED', 'SignerInfo signature missing', node.offset);
  return { version, sid, digestAlgorithm, signedAttributesDer, attributes, signatureAlgorithm, signature: readOctetString(sigNode, 'signature') };
}

export interface SignerCertificate {
  readonly certificate: Certificate;
  /** How the sid named it: by subject key identifier, or issuer and serial with the issuer matching exactly or reordered (names.ts). */
  readonly match: NameMatch | 'subject-key-id';
}

/**
 * The certificate a SignerInfo names, from the given pool: equal serial number and an issuer name
 * that matches (an exact match preferred), or an equal subject key identifier. The match only picks
 * the key: the caller verifies the signature with it.
 */
export function findSignerCertificate(signer: SignerInfo, pool: readonly Certificate[]): SignerCertificate | undefined {
  const sid = signer.sid;
  if ('subjectKeyId' in sid) {
    const certificate = pool.find((c) => c.subjectKeyId === sid.subjectKeyId);
    return certificate && { certificate, match: 'subject-key-id' };
  }
  const [first] = byNameMatch(pool.filter((c) => c.serial === sid.serial), (c) => c.issuer, sid.issuer);
  return first && { certificate: first.item, match: first.match };
}
