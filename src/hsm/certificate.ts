// The self-signed X.509 certificate published as `x5c`. Entra requires x5c and checks only that it
// carries the key; we still make it a correct v3 certificate signed by the key itself, so ordinary
// tools (openssl, node's X509Certificate) accept it. The signer is injected: the token signs in production.
import { randomBytes } from 'node:crypto';
import * as der from './der.js';

const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_COMMON_NAME = '2.5.4.3';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const OID_SUBJECT_KEY_ID = '2.5.29.14';

/** RSA public key as the token reports it: big-endian modulus and public exponent. */
export interface RsaPublicKey {
  n: Buffer;
  e: Buffer;
}

export interface SelfSignedCertificateRequest {
  publicKey: RsaPublicKey;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /** RSASSA-PKCS1-v1_5 SHA-256 over the given TBSCertificate DER. */
  sign(tbs: Buffer): Promise<Buffer>;
  /** Optional fixed serial (positive, up to 20 bytes); random 16 bytes otherwise. */
  serial?: Buffer;
  /** Optional subjectKeyIdentifier; tokens use the key's CKA_ID. */
  subjectKeyId?: Buffer;
}

/** SubjectPublicKeyInfo for rsaEncryption (RFC 3279 §2.3.1). */
export function rsaSubjectPublicKeyInfo(key: RsaPublicKey): der.Der {
  const rsaPublicKey = der.sequence(der.unsignedInteger(key.n), der.unsignedInteger(key.e));
  return der.sequence(der.sequence(der.oid(OID_RSA_ENCRYPTION), der.nullValue()), der.bitString(rsaPublicKey));
}

/** X.501 Name with a single CN (also the CKA_SUBJECT of the certificate object). */
export function name(commonName: string): der.Der {
  return der.sequence(der.set(der.sequence(der.oid(OID_COMMON_NAME), der.utf8String(commonName))));
}

function extension(id: string, critical: boolean, value: der.Der): der.Der {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** Builds the TBSCertificate, has it signed, and returns the certificate DER. */
export async function buildSelfSignedCertificate(req: SelfSignedCertificateRequest): Promise<Buffer> {
  if (!(req.notAfter > req.notBefore)) throw new RangeError('certificate notAfter must be after notBefore');
  const serial = Buffer.from(req.serial ?? randomBytes(16));
  serial[0] &= 0x7f; // keeps the INTEGER at 16 content bytes (no sign-padding byte)
  if (serial.every((b) => b === 0)) serial[serial.length - 1] = 1;
  const signatureAlgorithm = der.sequence(der.oid(OID_SHA256_WITH_RSA), der.nullValue());
  const subject = name(req.commonName);
  // digitalSignature + keyCertSign (bits 0 and 5): a 1-byte BIT STRING with 1 unused bit would be
  // the minimal form; DER requires trailing zero bits to be dropped, so write unused=2 over 0x84.
  const keyUsage = der.tlv(0x03, Buffer.from([0x02, 0x84]));
  const extensions = [
    extension(OID_BASIC_CONSTRAINTS, true, der.sequence()),
    extension(OID_KEY_USAGE, true, keyUsage),
    ...(req.subjectKeyId ? [extension(OID_SUBJECT_KEY_ID, false, der.octetString(req.subjectKeyId))] : []),
  ];
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serial),
    signatureAlgorithm,
    subject, // issuer = subject: self-signed
    der.sequence(der.time(req.notBefore), der.time(req.notAfter)),
    subject,
    rsaSubjectPublicKeyInfo(req.publicKey),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = await req.sign(tbs);
  return der.sequence(tbs, signatureAlgorithm, der.bitString(signature));
}
