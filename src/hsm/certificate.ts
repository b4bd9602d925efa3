// The self-signed X.509 certificate published as `x5c`. Entra requires x5c and checks only that it
// carries the key; we still make it a correct v3 certificate signed by the key itself, so ordinary
// tools (openssl, node's X509Certificate) accept it. The signer is injected: the token signs in production.
import { randomBytes } from 'node:crypto';
import {
  type Der, derBitString, derBoolean, derContext, derInteger, derNull, derOctetString, derOid, derSequence, derSetOf, derTime, derUtf8,
} from '../asn1/der-writer.js';

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
export function rsaSubjectPublicKeyInfo(key: RsaPublicKey): Der {
  const rsaPublicKey = derSequence(derInteger(key.n), derInteger(key.e));
  return derSequence(derSequence(derOid(OID_RSA_ENCRYPTION), derNull()), derBitString(rsaPublicKey));
}

/** X.501 Name with a single CN (also the CKA_SUBJECT of the certificate object). */
export function name(commonName: string): Der {
  return derSequence(derSetOf(derSequence(derOid(OID_COMMON_NAME), derUtf8(commonName))));
}

function extension(id: string, critical: boolean, value: Der): Der {
  return derSequence(derOid(id), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

/** Builds the TBSCertificate, has it signed, and returns the certificate DER. */
export async function buildSelfSignedCertificate(req: SelfSignedCertificateRequest): Promise<Buffer> {
  if (!(req.notAfter > req.notBefore)) throw new RangeError('certificate notAfter must be after notBefore');
  const serial = Buffer.from(req.serial ?? randomBytes(16));
  serial[0] &= 0x7f; // keeps the INTEGER at 16 content bytes (no sign-padding byte)
  if (serial.every((b) => b === 0)) serial[serial.length - 1] = 1;
  const signatureAlgorithm = derSequence(derOid(OID_SHA256_WITH_RSA), derNull());
  const subject = name(req.commonName);
  // digitalSignature + keyCertSign (bits 0 and 5) = 0x84; DER drops trailing zero bits (bits 6, 7),
  // so the BIT STRING says 2 unused bits.
  const keyUsage = derBitString(Buffer.from([0x84]), 2);
  const extensions = [
    extension(OID_BASIC_CONSTRAINTS, true, derSequence()),
    extension(OID_KEY_USAGE, true, keyUsage),
    ...(req.subjectKeyId ? [extension(OID_SUBJECT_KEY_ID, false, derOctetString(req.subjectKeyId))] : []),
  ];
  const tbs = derSequence(
    derContext(0, derInteger(2)), // [0] EXPLICIT version: v3
    derInteger(serial),
    signatureAlgorithm,
    subject, // issuer = subject: self-signed
    derSequence(derTime(req.notBefore), derTime(req.notAfter)),
    subject,
    rsaSubjectPublicKeyInfo(req.publicKey),
    derContext(3, derSequence(...extensions)),
  );
  const signature = await req.sign(tbs);
  return derSequence(tbs, signatureAlgorithm, derBitString(signature));
}
