// A small eMRTD PKI built with node's crypto and proofgate's DER writer: keys, certificates,
// EF.SOD, CSCA master lists, CRLs and DG1. Every fixture of the passive-authentication tests
// comes from here; nothing is copied from real documents.
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  derApplication, derBitString, derBoolean, derContext, derInteger, derNull, derOctetString, derOid, derPrintable,
  derSequence, derSetOf, derTime, derTlv, derUtf8,
} from '../../../src/documents/asn1/index.js';
import { toExplicitSpki } from '../../../src/documents/emrtd/index.js';

export type KeyKind = 'rsa' | 'rsa-pss' | 'p256' | 'brainpool256-explicit' | 'brainpool384-explicit';

export interface TestKey {
  readonly kind: KeyKind;
  readonly privateKey: KeyObject;
  /** SubjectPublicKeyInfo as it appears in certificates (explicit curve parameters where the kind says so). */
  readonly spki: Buffer;
  /** AlgorithmIdentifier of signatures made with this key. */
  readonly signatureAlgorithm: Buffer;
  readonly hash: 'sha256' | 'sha384';
}

const OIDS = {
  sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2',
  sha256WithRsa: '1.2.840.113549.1.1.11', rsassaPss: '1.2.840.113549.1.1.10', mgf1: '1.2.840.113549.1.1.8',
  ecdsaSha256: '1.2.840.10045.4.3.2', ecdsaSha384: '1.2.840.10045.4.3.3',
  signedData: '1.2.840.113549.1.7.2', lds: '2.23.136.1.1.1', masterList: '2.23.136.1.1.2',
  contentType: '1.2.840.113549.1.9.3', messageDigest: '1.2.840.113549.1.9.4',
  ski: '2.5.29.14', aki: '2.5.29.35', keyUsage: '2.5.29.15', basicConstraints: '2.5.29.19',
  C: '2.5.4.6', O: '2.5.4.10', CN: '2.5.4.3',
};

const hashAlg = (h: 'sha256' | 'sha384') => derSequence(derOid(OIDS[h]), derNull());
const cache = new Map<KeyKind, TestKey>();

/** One key per kind per test process (RSA generation is slow). `fresh` forces a new one. */
export function makeKey(kind: KeyKind, fresh = false): TestKey {
  const cached = cache.get(kind);
  if (cached && !fresh) return cached;
  let key: TestKey;
  if (kind === 'rsa' || kind === 'rsa-pss') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pssParams = derSequence(
      derContext(0, hashAlg('sha256')),
      derContext(1, derSequence(derOid(OIDS.mgf1), hashAlg('sha256'))),
      derContext(2, derInteger(32)),
    );
    key = {
      kind, privateKey, hash: 'sha256',
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      signatureAlgorithm: kind === 'rsa' ? derSequence(derOid(OIDS.sha256WithRsa), derNull()) : derSequence(derOid(OIDS.rsassaPss), pssParams),
    };
  } else {
    const curve = kind === 'p256' ? 'prime256v1' : kind === 'brainpool256-explicit' ? 'brainpoolP256r1' : 'brainpoolP384r1';
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const named = publicKey.export({ type: 'spki', format: 'der' });
    const hash = kind === 'brainpool384-explicit' ? 'sha384' : 'sha256';
    key = {
      kind, privateKey, hash,
      spki: kind === 'p256' ? named : Buffer.from(toExplicitSpki(named, curve)),
      signatureAlgorithm: derSequence(derOid(hash === 'sha384' ? OIDS.ecdsaSha384 : OIDS.ecdsaSha256)),
    };
  }
  if (!fresh) cache.set(kind, key);
  return key;
}

export function signWith(key: TestKey, data: Uint8Array): Buffer {
  if (key.kind === 'rsa') return sign(key.hash, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING });
  if (key.kind === 'rsa-pss') return sign(key.hash, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return sign(key.hash, data, key.privateKey);
}

export function dn(fields: { C: string; O?: string; CN: string }): Buffer {
  const rdn = (oid: string, value: Buffer) => derSetOf(derSequence(derOid(oid), value));
  return derSequence(
    rdn(OIDS.C, derPrintable(fields.C)),
    ...(fields.O ? [rdn(OIDS.O, derUtf8(fields.O))] : []),
    rdn(OIDS.CN, derUtf8(fields.CN)),
  );
}

export type NameAttributeSpec = [type: 'C' | 'O' | 'OU' | 'CN' | 'serialNumber', value: string, stringType?: 'printable' | 'utf8' | 'bmp' | 'raw-utf8'];

const NAME_OIDS = { C: OIDS.C, O: OIDS.O, OU: '2.5.4.11', CN: OIDS.CN, serialNumber: '2.5.4.5' };

/**
 * A Name with full control over its encoding: the RDNs in the order given, each RDN's attributes in
 * the order given (not DER-sorted, as some issuers write them), each value in the string type given
 * (default UTF8String; 'raw-utf8' takes the value as latin1 bytes, for invalid UTF-8).
 */
export function name(rdns: ReadonlyArray<readonly NameAttributeSpec[]>): Buffer {
  const value = ([, text, type = 'utf8']: NameAttributeSpec): Buffer => {
    switch (type) {
      case 'printable': return derPrintable(text);
      case 'utf8': return derUtf8(text);
      case 'raw-utf8': return derTlv(0x0c, Buffer.from(text, 'latin1'));
      case 'bmp': return derTlv(0x1e, Buffer.from(text, 'utf16le').swap16());
    }
  };
  return derSequence(...rdns.map((rdn) => derTlv(0x31, Buffer.concat(rdn.map((a) => derSequence(derOid(NAME_OIDS[a[0]]), value(a)))))));
}

const keyId = (spki: Buffer) => createHash('sha1').update(spki).digest().subarray(0, 20);

export interface CertSpec {
  serial: number | bigint;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectKey: TestKey;
  issuerKey: TestKey;
  ca: boolean;
}

export function certificate(s: CertSpec): Buffer {
  const ext = (oid: string, value: Buffer, critical = false) =>
    derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
  const extensions = [
    ext(OIDS.ski, derOctetString(keyId(s.subjectKey.spki))),
    ext(OIDS.aki, derSequence(derContext(0, keyId(s.issuerKey.spki), false))),
    // digitalSignature for signers; keyCertSign + cRLSign for CAs.
    ext(OIDS.keyUsage, s.ca ? derBitString(Buffer.from([0x06]), 1) : derBitString(Buffer.from([0x80]), 7), true),
    ...(s.ca ? [ext(OIDS.basicConstraints, derSequence(derBoolean(true), derInteger(0)), true)] : []),
  ];
  const tbs = derSequence(
    derContext(0, derInteger(2)),
    derInteger(BigInt(s.serial)),
    s.issuerKey.signatureAlgorithm,
    s.issuer,
    derSequence(derTime(s.notBefore), derTime(s.notAfter)),
    s.subject,
    s.subjectKey.spki,
    derContext(3, derSequence(...extensions)),
  );
  return derSequence(tbs, s.issuerKey.signatureAlgorithm, derBitString(signWith(s.issuerKey, tbs)));
}

export function ldsSecurityObject(dataGroups: Record<number, Uint8Array>, hash: 'sha256' | 'sha384'): Buffer {
  const entries = Object.entries(dataGroups).map(([n, bytes]) =>
    derSequence(derInteger(Number(n)), derOctetString(createHash(hash).update(bytes).digest())));
  return derSequence(derInteger(0), hashAlg(hash), derSequence(...entries));
}

export interface SignedDataSpec {
  contentType: string;
  content: Buffer;
  signerCert: Buffer;
  signerKey: TestKey;
  signerIssuer: Buffer;
  signerSerial: number | bigint;
  extraCerts?: Buffer[];
  /** Signed-attribute overrides, to build broken SODs. */
  messageDigest?: Buffer;
  signedContentType?: string;
  corruptSignature?: boolean;
  /** Encode ContentInfo/SignedData/eContent with BER indefinite lengths (as some passports do). */
  ber?: boolean;
}

const indefinite = (identifier: number, ...parts: Buffer[]) => Buffer.concat([Buffer.from([identifier, 0x80]), ...parts, Buffer.from([0, 0])]);

export function signedData(s: SignedDataSpec): Buffer {
  const hash = s.signerKey.hash;
  const digest = s.messageDigest ?? createHash(hash).update(s.content).digest();
  const attrs = [
    derSequence(derOid(OIDS.contentType), derSetOf(derOid(s.signedContentType ?? s.contentType))),
    derSequence(derOid(OIDS.messageDigest), derSetOf(derOctetString(digest))),
  ];
  const sortedAttrs = Buffer.concat([...attrs].sort(Buffer.compare));
  const signedSet = derTlv(0x31, sortedAttrs);
  const signature = signWith(s.signerKey, signedSet);
  if (s.corruptSignature) signature[signature.length - 5] ^= 0x01;
  const signerInfo = derSequence(
    derInteger(1),
    derSequence(s.signerIssuer, derInteger(BigInt(s.signerSerial))),
    hashAlg(hash),
    derTlv(0xa0, sortedAttrs),
    s.signerKey.signatureAlgorithm,
    derOctetString(signature),
  );
  const certs = derContext(0, Buffer.concat([s.signerCert, ...(s.extraCerts ?? [])]));
  if (s.ber) {
    const encap = indefinite(0x30, derOid(s.contentType), indefinite(0xa0, derOctetString(s.content)));
    const sd = indefinite(0x30, derInteger(3), derSetOf(hashAlg(hash)), encap, certs, derSetOf(signerInfo));
    return indefinite(0x30, derOid(OIDS.signedData), indefinite(0xa0, sd));
  }
  const sd = derSequence(
    derInteger(3),
    derSetOf(hashAlg(hash)),
    derSequence(derOid(s.contentType), derContext(0, derOctetString(s.content))),
    certs,
    derSetOf(signerInfo),
  );
  return derSequence(derOid(OIDS.signedData), derContext(0, sd));
}

/** EF.SOD: 0x77 around the ContentInfo. */
export function sod(spec: Omit<SignedDataSpec, 'contentType' | 'content'> & { dataGroups: Record<number, Uint8Array>; securityObject?: Buffer }): Buffer {
  const content = spec.securityObject ?? ldsSecurityObject(spec.dataGroups, spec.signerKey.hash);
  const ci = signedData({ ...spec, contentType: OIDS.lds, content });
  return spec.ber ? indefinite(0x77, ci) : derApplication(23, ci);
}

export function masterList(spec: Omit<SignedDataSpec, 'contentType' | 'content'> & { cscas: Buffer[] }): Buffer {
  const content = derSequence(derInteger(0), derSetOf(...spec.cscas));
  return signedData({ ...spec, contentType: OIDS.masterList, content });
}

export function crl(spec: { issuer: Buffer; issuerKey: TestKey; revoked: Array<number | bigint>; thisUpdate: Date; nextUpdate: Date }): Buffer {
  const revoked = spec.revoked.map((serial) => derSequence(derInteger(BigInt(serial)), derTime(spec.thisUpdate)));
  const tbs = derSequence(
    derInteger(1),
    spec.issuerKey.signatureAlgorithm,
    spec.issuer,
    derTime(spec.thisUpdate),
    derTime(spec.nextUpdate),
    ...(revoked.length ? [derSequence(...revoked)] : []),
  );
  return derSequence(tbs, spec.issuerKey.signatureAlgorithm, derBitString(signWith(spec.issuerKey, tbs)));
}

/** DG1: 0x61 { 0x5F1F MRZ }. */
export function dg1(lines: readonly string[]): Buffer {
  const mrz = Buffer.from(lines.join(''), 'latin1');
  const inner = Buffer.concat([Buffer.from([0x5f, 0x1f]), mrz.length < 0x80 ? Buffer.from([mrz.length]) : Buffer.from([0x81, mrz.length]), mrz]);
  return derApplication(1, inner);
}

export const TEST_OIDS = OIDS;
