// Reads and vets the public key an operator registers for a station (`proofgate station add --public-key`).
// Only two kinds are accepted, each with exactly one signature scheme (docs/kiosk.md): ECDSA on P-256
// (ES256) and RSA of 2048 to 4096 bits (RS256). Anything else is refused with a message that says what
// was found, before the store is touched. The upper RSA bound keeps one verification cheap per request.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import type { Station } from '../../store/repository.js';

export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 4096;
const MAX_PEM_CHARS = 16 * 1024;
const SPKI_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\r?\n?$/;

export interface StationPublicKey {
  /** SPKI DER, as stored. */
  publicKey: Buffer;
  algorithm: Station['algorithm'];
  /** Lowercase hex SHA-256 of the SPKI DER. */
  keySha256: string;
  /** In words, for the CLI and the audit: "ECDSA P-256" or "RSA 3072". */
  description: string;
}

function refused(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', message, { status: 400 });
}

/** The key's signature scheme and words, or a refusal naming what the key is. */
export function vetStationKey(key: KeyObject): Pick<StationPublicKey, 'algorithm' | 'description'> {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve !== 'prime256v1') {
      throw refused(`the station key is ECDSA on ${details.namedCurve ?? 'an unknown curve'}; only P-256 (prime256v1) is accepted`);
    }
    return { algorithm: 'ES256', description: 'ECDSA P-256' };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw refused(`the station key is RSA ${bits}; at least ${MIN_RSA_BITS} bits are required`);
    if (bits > MAX_RSA_BITS) throw refused(`the station key is RSA ${bits}; at most ${MAX_RSA_BITS} bits are accepted`);
    return { algorithm: 'RS256', description: `RSA ${bits}` };
  }
  throw refused(`the station key is ${key.asymmetricKeyType ?? 'of an unknown type'}; only ECDSA P-256 or RSA (${MIN_RSA_BITS}-${MAX_RSA_BITS} bits) is accepted`);
}

/** A station's public key from its SPKI PEM ("-----BEGIN PUBLIC KEY-----"), vetted. */
export function readStationPublicKey(pem: string): StationPublicKey {
  if (typeof pem !== 'string' || pem.length > MAX_PEM_CHARS || !SPKI_PEM.test(pem.trim() + '\n')) {
    throw refused('the station key must be one SPKI public key in PEM ("-----BEGIN PUBLIC KEY-----"), as `openssl pkey -pubout` writes it');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem', type: 'spki' });
  } catch (e) {
    throw refused(`the station key could not be read as an SPKI public key (${(e as Error).message})`);
  }
  const vetted = vetStationKey(key);
  const publicKey = key.export({ format: 'der', type: 'spki' });
  return { ...vetted, publicKey, keySha256: createHash('sha256').update(publicKey).digest('hex') };
}

/** The stored key as a KeyObject (the store holds only keys readStationPublicKey accepted). */
export function stationKeyObject(station: Pick<Station, 'publicKey'>): KeyObject {
  return createPublicKey({ key: station.publicKey, format: 'der', type: 'spki' });
}
