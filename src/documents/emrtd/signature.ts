// Signature verification for the algorithms eMRTD PKIs use: RSA PKCS#1 v1.5, RSASSA-PSS (with
// its parameters read from the AlgorithmIdentifier), ECDSA (DER) and BSI plain ECDSA (r||s).
import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { isContext, isUniversal, readOid, readSmallInt, sequenceOf, UniversalTag } from '../asn1/index.js';
import { HASH_OIDS, OID, SIGNATURE_OIDS, type HashName } from './oids.js';
import type { AlgorithmIdentifier } from './x509.js';

export type SignatureCheck =
  | { readonly ok: true; readonly algorithm: string }
  | { readonly ok: false; readonly unsupported: boolean; readonly reason: string; readonly algorithm: string };

interface Scheme {
  readonly scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ecdsa-plain';
  readonly hash: HashName;
  readonly saltLength?: number;
  readonly label: string;
}

/**
 * Verifies `signature` over `data`. `digestHint` is the CMS SignerInfo digestAlgorithm, needed when the
 * signature algorithm names only the key type (rsaEncryption, id-ecPublicKey).
 */
export function verifySignature(algorithm: AlgorithmIdentifier, key: KeyObject, data: Uint8Array, signature: Uint8Array, digestHint?: HashName): SignatureCheck {
  let scheme: Scheme;
  try {
    scheme = resolveScheme(algorithm, digestHint);
  } catch (e) {
    return { ok: false, unsupported: true, reason: (e as Error).message, algorithm: algorithm.oid };
  }
  const keyType = key.asymmetricKeyType;
  const wantsRsa = scheme.scheme === 'rsa-pkcs1' || scheme.scheme === 'rsa-pss';
  if (wantsRsa !== (keyType === 'rsa' || keyType === 'rsa-pss') || (!wantsRsa && keyType !== 'ec')) {
    return { ok: false, unsupported: false, reason: `${scheme.label} signature with a ${keyType} key`, algorithm: scheme.label };
  }
  try {
    const ok = cryptoVerify(scheme.hash, data, {
      key,
      ...(scheme.scheme === 'rsa-pkcs1' ? { padding: constants.RSA_PKCS1_PADDING } : {}),
      ...(scheme.scheme === 'rsa-pss' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength } : {}),
      ...(scheme.scheme === 'ecdsa-plain' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    }, signature);
    return ok ? { ok: true, algorithm: scheme.label } : { ok: false, unsupported: false, reason: `${scheme.label} signature does not verify`, algorithm: scheme.label };
  } catch (e) {
    return { ok: false, unsupported: false, reason: `${scheme.label} signature malformed: ${(e as Error).message}`, algorithm: scheme.label };
  }
}

function resolveScheme(alg: AlgorithmIdentifier, digestHint?: HashName): Scheme {
  const named = SIGNATURE_OIDS[alg.oid];
  if (named) return { ...named, label: `${named.scheme}-${named.hash}` };
  if (alg.oid === OID.rsassaPss) return pssScheme(alg);
  if (alg.oid === OID.rsaEncryption || alg.oid === OID.ecPublicKey) {
    if (!digestHint) throw new Error(`signature algorithm ${alg.oid} needs a digest algorithm`);
    const scheme = alg.oid === OID.rsaEncryption ? 'rsa-pkcs1' : 'ecdsa';
    return { scheme, hash: digestHint, label: `${scheme}-${digestHint}` };
  }
  throw new Error(`unsupported signature algorithm ${alg.oid}`);
}

/** RSASSA-PSS-params { [0] hashAlgorithm DEFAULT sha1, [1] maskGenAlgorithm DEFAULT mgf1SHA1, [2] saltLength DEFAULT 20, [3] trailerField DEFAULT 1 }. */
function pssScheme(alg: AlgorithmIdentifier): Scheme {
  let hash: HashName = 'sha1';
  let mgfHash: HashName = 'sha1';
  let saltLength = 20;
  if (alg.params && !isUniversal(alg.params, UniversalTag.null)) {
    for (const field of sequenceOf(alg.params, 'RSASSA-PSS-params')) {
      const inner = field.children[0];
      if (isContext(field, 0)) hash = hashFromAlgorithm(inner);
      else if (isContext(field, 1)) {
        const [mgfOid, mgfParams] = sequenceOf(inner, 'maskGenAlgorithm', 2);
        if (readOid(mgfOid, 'mask generation function') !== OID.mgf1) throw new Error('RSASSA-PSS with a mask generation function other than MGF1');
        mgfHash = hashFromAlgorithm(mgfParams);
      } else if (isContext(field, 2)) saltLength = readSmallInt(inner, 'PSS saltLength', 1024);
      else if (isContext(field, 3) && readSmallInt(inner, 'PSS trailerField', 10) !== 1) throw new Error('RSASSA-PSS trailerField other than 1');
    }
  }
  // node's crypto uses the message hash for MGF1; a different MGF1 hash cannot be verified honestly.
  if (mgfHash !== hash) throw new Error(`RSASSA-PSS with MGF1-${mgfHash} but ${hash} message hash is not supported`);
  return { scheme: 'rsa-pss', hash, saltLength, label: `rsa-pss-${hash}` };
}

export function hashFromAlgorithm(node: import('../asn1/index.js').Asn1Node | undefined): HashName {
  const oid = readOid(sequenceOf(node, 'digest algorithm', 1)[0], 'digest algorithm');
  const hash = HASH_OIDS[oid];
  if (!hash) throw new Error(`unsupported digest algorithm ${oid}`);
  return hash;
}
