// Verifies one CMS SignerInfo: the content-type and message-digest signed attributes against the
// encapsulated content, and the signature over the DER SET of signed attributes.
import { createHash } from 'node:crypto';
import { readOctetString, readOid } from '../asn1/index.js';
import type { SignedData, SignerInfo } from './cms.js';
import { OID } from './oids.js';
import { importPublicKey } from './public-key.js';
import { CheckList } from './report.js';
import { verifySignature } from './signature.js';
import type { Certificate } from './x509.js';

export function verifySignerInfo(checks: CheckList, prefix: string, sd: SignedData, signer: SignerInfo, cert: Certificate): void {
  if (!signer.signedAttributesDer) {
    // ICAO 9303-10 requires signed attributes in the SOD; without them the signature would cover the content directly.
    checks.add(`${prefix}.signed-attributes`, 'fail', 'SignerInfo has no signed attributes');
    return;
  }
  const contentType = signer.attributes.get(OID.attrContentType);
  let ct: string | null = null;
  try {
    ct = contentType?.length === 1 ? readOid(contentType[0], 'contentType attribute') : null;
  } catch { /* reported below */ }
  if (ct === sd.eContentType) checks.add(`${prefix}.content-type`, 'pass', `contentType attribute is ${ct}`);
  else checks.add(`${prefix}.content-type`, 'fail', `contentType attribute ${ct ?? 'missing or malformed'} differs from eContentType ${sd.eContentType}`);

  const md = signer.attributes.get(OID.attrMessageDigest);
  let digest: Uint8Array | null = null;
  try {
    digest = md?.length === 1 ? readOctetString(md[0], 'messageDigest attribute') : null;
  } catch { /* reported below */ }
  const actual = createHash(signer.digestAlgorithm).update(sd.eContent).digest();
  if (!digest) checks.add(`${prefix}.message-digest`, 'fail', 'messageDigest attribute missing or malformed');
  else if (actual.equals(digest)) checks.add(`${prefix}.message-digest`, 'pass', `${signer.digestAlgorithm} of the content equals messageDigest`);
  else checks.add(`${prefix}.message-digest`, 'fail', `${signer.digestAlgorithm} of the content differs from messageDigest`);

  let key;
  try {
    key = importPublicKey(cert.spki);
  } catch (e) {
    checks.add(`${prefix}.signature`, 'error', `signer public key unusable: ${(e as Error).message}`);
    return;
  }
  const result = verifySignature(signer.signatureAlgorithm, key.key, signer.signedAttributesDer, signer.signature, signer.digestAlgorithm);
  const curve = key.curve ? ` on ${key.curve}${key.explicitParameters ? ' (explicit parameters)' : ''}` : '';
  if (result.ok) checks.add(`${prefix}.signature`, 'pass', `${result.algorithm}${curve} signature verifies`);
  else checks.add(`${prefix}.signature`, result.unsupported ? 'error' : 'fail', `${result.reason}${curve}`);
}
