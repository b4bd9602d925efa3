// DG14 SecurityInfos (ICAO 9303-11 section 9.2, BSI TR-03110): which chip protocols the document
// supports, with the Chip Authentication public keys and the Active Authentication algorithm.
import { Asn1Error, isUniversal, parseDer, readOid, readSmallInt, setOf, sequenceOf, UniversalTag } from '../asn1/index.js';

export const SECURITY_INFO_OIDS = {
  pkDh: '0.4.0.127.0.7.2.2.1.1',
  pkEcdh: '0.4.0.127.0.7.2.2.1.2',
  terminalAuthentication: '0.4.0.127.0.7.2.2.2',
  activeAuthentication: '2.23.136.1.1.5',
} as const;

/** Chip Authentication protocols and the session cipher each one selects. */
export const CHIP_AUTHENTICATION_PROTOCOLS: Readonly<Record<string, { agreement: 'DH' | 'ECDH'; cipher: '3DES' | 'AES-128' | 'AES-192' | 'AES-256' }>> = {
  '0.4.0.127.0.7.2.2.3.1.1': { agreement: 'DH', cipher: '3DES' },
  '0.4.0.127.0.7.2.2.3.1.2': { agreement: 'DH', cipher: 'AES-128' },
  '0.4.0.127.0.7.2.2.3.1.3': { agreement: 'DH', cipher: 'AES-192' },
  '0.4.0.127.0.7.2.2.3.1.4': { agreement: 'DH', cipher: 'AES-256' },
  '0.4.0.127.0.7.2.2.3.2.1': { agreement: 'ECDH', cipher: '3DES' },
  '0.4.0.127.0.7.2.2.3.2.2': { agreement: 'ECDH', cipher: 'AES-128' },
  '0.4.0.127.0.7.2.2.3.2.3': { agreement: 'ECDH', cipher: 'AES-192' },
  '0.4.0.127.0.7.2.2.3.2.4': { agreement: 'ECDH', cipher: 'AES-256' },
};

export interface Dg14 {
  readonly chipAuthenticationKeys: ReadonlyArray<{ readonly protocol: string; readonly spki: Uint8Array; readonly keyId: number | null }>;
  readonly chipAuthentication: ReadonlyArray<{ readonly protocol: string; readonly version: number; readonly keyId: number | null }>;
  readonly paceProtocols: readonly string[];
  readonly terminalAuthentication: boolean;
  /** Signature algorithm OID for ECDSA Active Authentication, when DG14 names one. */
  readonly activeAuthenticationAlgorithm: string | null;
  /** SecurityInfos proofgate does not interpret. */
  readonly otherProtocols: readonly string[];
}

const optionalKeyId = (n: import('../asn1/index.js').Asn1Node | undefined) =>
  n && isUniversal(n, UniversalTag.integer) ? readSmallInt(n, 'keyId', 2 ** 31) : null;

export function parseDg14(bytes: Uint8Array): Dg14 {
  const root = parseDer(bytes, { maxDepth: 16, maxNodes: 5_000, ldsTags: true });
  if (root.tagClass !== 'application' || root.tagNumber !== 14 || root.children.length !== 1) {
    throw new Asn1Error('ASN1_UNEXPECTED', 'DG14 must be tag 6E around one SET of SecurityInfo', 0);
  }
  const out = {
    chipAuthenticationKeys: [] as Array<Dg14['chipAuthenticationKeys'][number]>,
    chipAuthentication: [] as Array<Dg14['chipAuthentication'][number]>,
    paceProtocols: [] as string[],
    terminalAuthentication: false,
    activeAuthenticationAlgorithm: null as string | null,
    otherProtocols: [] as string[],
  };
  for (const info of setOf(root.children[0], 'SecurityInfos')) {
    const parts = sequenceOf(info, 'SecurityInfo', 2);
    const protocol = readOid(parts[0], 'SecurityInfo protocol');
    if (protocol === SECURITY_INFO_OIDS.pkEcdh || protocol === SECURITY_INFO_OIDS.pkDh) {
      sequenceOf(parts[1], 'chipAuthenticationPublicKey', 2);
      out.chipAuthenticationKeys.push({ protocol, spki: parts[1].tlv, keyId: optionalKeyId(parts[2]) });
    } else if (CHIP_AUTHENTICATION_PROTOCOLS[protocol]) {
      out.chipAuthentication.push({ protocol, version: readSmallInt(parts[1], 'ChipAuthenticationInfo version', 10), keyId: optionalKeyId(parts[2]) });
    } else if (protocol.startsWith('0.4.0.127.0.7.2.2.4.')) {
      out.paceProtocols.push(protocol);
    } else if (protocol === SECURITY_INFO_OIDS.terminalAuthentication) {
      out.terminalAuthentication = true;
    } else if (protocol === SECURITY_INFO_OIDS.activeAuthentication) {
      out.activeAuthenticationAlgorithm = parts[2] ? readOid(parts[2], 'ActiveAuthenticationInfo signatureAlgorithm') : null;
    } else {
      out.otherProtocols.push(protocol);
    }
  }
  return out;
}
