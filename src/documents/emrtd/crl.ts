// X.509 CRL reading: issuer, update times, revoked serial numbers, and the signed bytes.
import { isContext, isUniversal, parseDer, readBitString, readInteger, readTime, sequenceOf, UniversalTag } from '../asn1/index.js';
import { readName, type DistinguishedName } from './names.js';
import { readAlgorithm, type AlgorithmIdentifier } from './x509.js';

export interface Crl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly revokedSerials: ReadonlySet<bigint>;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
}

export function parseCrl(der: Uint8Array): Crl {
  const root = parseDer(der, { maxNodes: 2_000_000 });
  const [tbsNode, algNode, sigNode] = sequenceOf(root, 'CertificateList', 3);
  const tbs = sequenceOf(tbsNode, 'tbsCertList', 3);
  let i = isUniversal(tbs[0], UniversalTag.integer) ? 1 : 0;
  i++; // inner signature algorithm (must equal the outer; the outer is the one verified)
  const issuer = readName(tbs[i++], 'CRL issuer');
  const thisUpdate = readTime(tbs[i++], 'thisUpdate');
  let nextUpdate: Date | null = null;
  if (tbs[i] && (isUniversal(tbs[i], UniversalTag.utcTime) || isUniversal(tbs[i], UniversalTag.generalizedTime))) nextUpdate = readTime(tbs[i++], 'nextUpdate');
  const revokedSerials = new Set<bigint>();
  if (tbs[i] && isUniversal(tbs[i], UniversalTag.sequence)) {
    for (const entry of sequenceOf(tbs[i++], 'revokedCertificates')) revokedSerials.add(readInteger(sequenceOf(entry, 'revoked entry', 2)[0], 'revoked serial'));
  }
  if (tbs[i] && !isContext(tbs[i], 0)) throw new Error('unexpected element in tbsCertList');
  return {
    der: root.tlv, tbs: tbsNode.tlv, issuer, thisUpdate, nextUpdate, revokedSerials,
    signatureAlgorithm: readAlgorithm(algNode, 'CRL signature algorithm'),
    signature: readBitString(sigNode, 'CRL signature').bytes,
  };
}
