// EF.SOD: application tag 0x77 around a CMS SignedData whose content is the LDSSecurityObject
// { version, hashAlgorithm, dataGroupHashValues SEQUENCE OF { number, hash }, ldsVersionInfo? }.
import { Asn1Error, isUniversal, parseDer, readOctetString, readSmallInt, sequenceOf, UniversalTag } from '../asn1/index.js';
import { parseSignedData, type SignedData } from './cms.js';
import { OID, type HashName } from './oids.js';
import { hashFromAlgorithm } from './signature.js';

export interface LdsSecurityObject {
  readonly version: number;
  readonly hashAlgorithm: HashName;
  readonly dataGroupHashes: ReadonlyMap<number, Uint8Array>;
  readonly ldsVersion: string | null;
}

export interface Sod {
  readonly signedData: SignedData;
  readonly securityObject: LdsSecurityObject;
}

/** Bounds for EF.SOD: real ones are a few kilobytes and shallow. */
const SOD_LIMITS = { mode: 'ber' as const, maxDepth: 24, maxNodes: 20_000 };

export function parseSod(bytes: Uint8Array): Sod {
  if (bytes.length > 64 * 1024) throw new Asn1Error('ASN1_LENGTH_TOO_LARGE', `EF.SOD of ${bytes.length} bytes exceeds 64 KiB`, 0);
  const outer = parseDer(bytes, SOD_LIMITS);
  let contentInfo = outer;
  if (outer.tagClass === 'application' && outer.tagNumber === 23) {
    if (outer.children.length !== 1) throw new Asn1Error('ASN1_UNEXPECTED', 'EF.SOD wrapper must hold exactly one ContentInfo', outer.offset);
    contentInfo = outer.children[0];
  } else if (!isUniversal(outer, UniversalTag.sequence)) {
    throw new Asn1Error('ASN1_UNEXPECTED', 'EF.SOD must start with tag 0x77', 0);
  }
  const signedData = parseSignedData(contentInfo);
  if (signedData.eContentType !== OID.ldsSecurityObject) {
    throw new Asn1Error('ASN1_UNEXPECTED', `SOD content type ${signedData.eContentType} is not the LDSSecurityObject`, 0);
  }
  return { signedData, securityObject: parseLdsSecurityObject(signedData.eContent) };
}

export function parseLdsSecurityObject(bytes: Uint8Array): LdsSecurityObject {
  const parts = sequenceOf(parseDer(bytes, SOD_LIMITS), 'LDSSecurityObject', 3);
  const version = readSmallInt(parts[0], 'LDSSecurityObject version', 1);
  const hashAlgorithm = hashFromAlgorithm(parts[1]);
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of sequenceOf(parts[2], 'dataGroupHashValues')) {
    const [num, hash] = sequenceOf(entry, 'DataGroupHash', 2);
    const n = readSmallInt(num, 'dataGroupNumber', 16);
    if (n < 1) throw new Asn1Error('ASN1_BAD_VALUE', 'data group number 0', num.offset);
    if (dataGroupHashes.has(n)) throw new Asn1Error('ASN1_UNEXPECTED', `data group ${n} listed twice`, entry.offset);
    dataGroupHashes.set(n, readOctetString(hash, 'dataGroupHashValue'));
  }
  let ldsVersion: string | null = null;
  if (version === 1 && parts[3]) {
    const [lds, unicode] = sequenceOf(parts[3], 'ldsVersionInfo', 2);
    ldsVersion = `${Buffer.from(lds.content).toString('latin1')} / unicode ${Buffer.from(unicode.content).toString('latin1')}`;
  }
  return { version, hashAlgorithm, dataGroupHashes, ldsVersion };
}
