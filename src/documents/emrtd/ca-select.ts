// Which Chip Authentication the chip offers (DG14, ICAO 9303-11 section 9.2.5/9.2.6): the
// ChipAuthenticationInfo (protocol OID = agreement + cipher, version) and the
// ChipAuthenticationPublicKeyInfo it refers to by keyId. DG14 without a ChipAuthenticationInfo
// means id-CA-ECDH-3DES-CBC-CBC version 1 (9303-11 section 9.2.6).
import { ProofgateError } from '../../core/errors.js';
import { CHIP_AUTHENTICATION_PROTOCOLS, SECURITY_INFO_OIDS, type Dg14 } from './dg14.js';

/** The secure-messaging cipher a Chip Authentication protocol OID selects. */
export type SessionCipher = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

export const DEFAULT_CA_PROTOCOL = '0.4.0.127.0.7.2.2.3.2.1';

export interface ChipAuthenticationSelection {
  readonly protocol: string;
  readonly version: number;
  readonly agreement: 'ECDH' | 'DH';
  readonly cipher: SessionCipher;
  readonly keyId: number | null;
  readonly spki: Uint8Array;
}

export class ChipAuthenticationSelectionError extends ProofgateError {
  constructor(message: string) {
    super('ERR_CA_SELECTION', message);
    this.name = 'ChipAuthenticationSelectionError';
  }
}

/**
 * `keyId`: the key the reader used (required by 9303-11 when DG14 holds several keys).
 * `protocol`: the protocol OID the reader ran; it must be one DG14 offers for that key.
 */
export function selectChipAuthentication(dg14: Dg14, options: { keyId?: number; protocol?: string } = {}): ChipAuthenticationSelection {
  const keys = dg14.chipAuthenticationKeys;
  if (keys.length === 0) throw new ChipAuthenticationSelectionError('DG14 holds no Chip Authentication public key');
  const key = options.keyId === undefined ? keys[0] : keys.find((k) => k.keyId === options.keyId);
  if (!key) throw new ChipAuthenticationSelectionError(`DG14 holds no Chip Authentication key with keyId ${options.keyId}`);
  if (options.keyId === undefined && keys.length > 1) throw new ChipAuthenticationSelectionError(`DG14 holds ${keys.length} Chip Authentication keys: the reader must say which keyId it used`);
  const offered = dg14.chipAuthentication.filter((i) => i.keyId === null || key.keyId === null || i.keyId === key.keyId);
  const infos = offered.length > 0 ? offered : dg14.chipAuthentication.length === 0 ? [{ protocol: DEFAULT_CA_PROTOCOL, version: 1, keyId: null }] : [];
  if (infos.length === 0) throw new ChipAuthenticationSelectionError(`DG14 offers no Chip Authentication protocol for keyId ${key.keyId}`);
  const info = options.protocol === undefined ? infos[0] : infos.find((i) => i.protocol === options.protocol);
  if (!info) throw new ChipAuthenticationSelectionError(`the reader ran ${options.protocol}, which DG14 does not offer (offers ${infos.map((i) => i.protocol).join(', ')})`);
  const { agreement, cipher } = CHIP_AUTHENTICATION_PROTOCOLS[info.protocol];
  const keyAgreement = key.protocol === SECURITY_INFO_OIDS.pkDh ? 'DH' : 'ECDH';
  if (agreement !== keyAgreement) throw new ChipAuthenticationSelectionError(`DG14 names ${agreement} Chip Authentication (${info.protocol}) for an ${keyAgreement} key (${key.protocol})`);
  if (info.version !== 1 && info.version !== 2) throw new ChipAuthenticationSelectionError(`Chip Authentication version ${info.version} is not supported (1 and 2 are)`);
  return { protocol: info.protocol, version: info.version, agreement, cipher, keyId: key.keyId, spki: key.spki };
}
