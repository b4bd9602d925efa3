// EF.CardAccess (ICAO 9303-11 section 9.2): the PACEInfos a chip offers before any access control.
// Only PACE-ECDH with the generic mapping is run here; the rest is listed so the reader can say why
// it fell back to BAC.
import { isUniversal, parseDer, readOid, readSmallInt, setOf, sequenceOf, UniversalTag } from '../../asn1/index.js';
import type { SessionCipher } from '../ca-select.js';
import { ChipAccessError } from './chip-access-error.js';

export const PACE_ECDH_GM: Readonly<Record<string, SessionCipher>> = {
  '0.4.0.127.0.7.2.2.4.2.1': '3DES',
  '0.4.0.127.0.7.2.2.4.2.2': 'AES-128',
  '0.4.0.127.0.7.2.2.4.2.3': 'AES-192',
  '0.4.0.127.0.7.2.2.4.2.4': 'AES-256',
};

/** Standardized domain parameters (9303-11 section 9.5.1) this reader maps: node curve names. */
export const PACE_CURVES: Readonly<Record<number, string>> = { 12: 'prime256v1', 13: 'brainpoolP256r1', 15: 'secp384r1', 16: 'brainpoolP384r1' };

export interface PaceInfo {
  readonly protocol: string;
  readonly version: number;
  readonly parameterId: number | null;
}

export function parseCardAccess(bytes: Uint8Array): PaceInfo[] {
  let root;
  try {
    root = parseDer(bytes, { maxDepth: 8, maxNodes: 500 });
  } catch (e) {
    throw new ChipAccessError('malformed', `EF.CardAccess is not DER: ${(e as Error).message}`);
  }
  const out: PaceInfo[] = [];
  for (const info of setOf(root, 'SecurityInfos')) {
    const [oidNode, versionNode, paramNode] = sequenceOf(info, 'SecurityInfo', 1);
    const protocol = readOid(oidNode, 'protocol');
    if (!protocol.startsWith('0.4.0.127.0.7.2.2.4.')) continue;
    out.push({
      protocol,
      version: readSmallInt(versionNode, 'version', 255),
      parameterId: paramNode && isUniversal(paramNode, UniversalTag.integer) ? readSmallInt(paramNode, 'parameterId', 255) : null,
    });
  }
  return out;
}

/** The first offer this reader can run: PACE-ECDH-GM, version 2, on a curve it knows. */
export function choosePace(infos: readonly PaceInfo[]): (PaceInfo & { cipher: SessionCipher; curve: string }) | null {
  for (const info of infos) {
    const cipher = PACE_ECDH_GM[info.protocol];
    const curve = info.parameterId === null ? undefined : PACE_CURVES[info.parameterId];
    if (cipher && curve && info.version === 2) return { ...info, cipher, curve };
  }
  return null;
}
