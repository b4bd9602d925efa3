// Basic Access Control key derivation (ICAO 9303-11 section 9.7.1 and Appendix D.1): the chip's
// access keys come from MRZ_information (document number, birth and expiry dates, each with its
// check digit), which parseMrz returns as `mrzInformation`.
import { createHash } from 'node:crypto';

export interface BacKeys {
  readonly kseed: Buffer;
  /** 2-key 3DES encryption key, DES parity adjusted. */
  readonly kenc: Buffer;
  /** 2-key 3DES MAC key, DES parity adjusted. */
  readonly kmac: Buffer;
}

/** Sets each byte's lowest bit so the byte has odd parity, as DES keys require. */
export function adjustDesParity(key: Uint8Array): Buffer {
  const out = Buffer.from(key);
  for (let i = 0; i < out.length; i++) {
    let ones = 0;
    for (let b = 1; b < 8; b++) ones += (out[i] >> b) & 1;
    out[i] = (out[i] & 0xfe) | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

function deriveKey(kseed: Buffer, counter: number): Buffer {
  const d = Buffer.concat([kseed, Buffer.from([0, 0, 0, counter])]);
  return adjustDesParity(createHash('sha1').update(d).digest().subarray(0, 16));
}

export function deriveBacKeys(mrzInformation: string): BacKeys {
  if (!/^[A-Z0-9<]+$/.test(mrzInformation)) throw new RangeError('MRZ_information must consist of MRZ characters');
  const kseed = createHash('sha1').update(mrzInformation, 'latin1').digest().subarray(0, 16);
  return { kseed, kenc: deriveKey(kseed, 1), kmac: deriveKey(kseed, 2) };
}
