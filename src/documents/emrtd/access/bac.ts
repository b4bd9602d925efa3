// Basic Access Control (ICAO 9303-11 section 4.3): GET CHALLENGE, then MUTUAL AUTHENTICATE with
// E_IFD = 3DES(K_enc, RND.IFD || RND.IC || K.IFD) and its retail MAC; the chip proves it knows the
// same MRZ-derived keys by answering with RND.IC || RND.IFD || K.IC. The session keys come from
// K.IFD xor K.IC and the counter from the two nonces' low halves.
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveBacKeys } from '../bac-keys.js';
import { deriveSessionKeys } from '../chip-auth.js';
import { padIso7816, retailMac } from '../sm-mac.js';
import { ChipAccessError, hexSw } from './chip-access-error.js';
import type { ChipChannel } from './channel.js';
import { SecureMessaging } from './secure-messaging.js';
import { SW_OK } from './apdu.js';

const des3 = (decrypt: boolean, key: Uint8Array, data: Uint8Array): Buffer => {
  const c = decrypt ? createDecipheriv('des-ede-cbc', key, Buffer.alloc(8)) : createCipheriv('des-ede-cbc', key, Buffer.alloc(8));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
};

/**
 * Runs BAC with the keys from `mrzInformation` (document number, birth date, expiry date, each with
 * its check digit) and turns secure messaging on in `channel`. A wrong key is 'access-denied'.
 */
export async function performBac(channel: ChipChannel, mrzInformation: string): Promise<SecureMessaging> {
  const { kenc, kmac } = deriveBacKeys(mrzInformation);
  const rndIc = await channel.send({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, ne: 8 }, 'GET CHALLENGE');
  if (rndIc.length !== 8) throw new ChipAccessError('malformed', `GET CHALLENGE returned ${rndIc.length} bytes, not 8`);
  const rndIfd = randomBytes(8);
  const kIfd = randomBytes(16);
  const eIfd = des3(false, kenc, Buffer.concat([rndIfd, rndIc, kIfd]));
  const mIfd = retailMac(kmac, padIso7816(eIfd, 8));
  const { data, sw } = await channel.exchange({ cla: 0x00, ins: 0x82, p1: 0, p2: 0, data: Buffer.concat([eIfd, mIfd]), ne: 40 });
  // 6300 / 6982 / 6988: the chip could not verify our cryptogram, i.e. the MRZ data is not this chip's.
  if (sw !== SW_OK) throw new ChipAccessError('access-denied', `BAC MUTUAL AUTHENTICATE refused (${hexSw(sw)}): the MRZ data does not open this chip`, sw);
  if (data.length !== 40) throw new ChipAccessError('malformed', `MUTUAL AUTHENTICATE returned ${data.length} bytes, not 40`);
  const eIc = data.subarray(0, 32);
  if (!timingSafeEqual(retailMac(kmac, padIso7816(eIc, 8)), data.subarray(32))) throw new ChipAccessError('access-denied', "the chip's BAC cryptogram does not verify");
  const plain = des3(true, kenc, eIc);
  if (!plain.subarray(0, 8).equals(rndIc) || !plain.subarray(8, 16).equals(rndIfd)) throw new ChipAccessError('access-denied', "the chip's BAC answer does not echo the nonces");
  const kIc = plain.subarray(16, 32);
  const seed = Buffer.from(kIfd.map((b, i) => b ^ kIc[i]));
  const sm = new SecureMessaging({ cipher: '3DES', ...deriveSessionKeys(seed, '3DES') }, Buffer.concat([rndIc.subarray(4), rndIfd.subarray(4)]));
  channel.protect(sm);
  return sm;
}
