// PACE with the generic mapping on elliptic curves (ICAO 9303-11 section 4.4; BSI TR-03110 part 3):
//  1. MSE:Set AT names the protocol, the password (MRZ or CAN) and the curve;
//  2. the chip's nonce s arrives encrypted with K_pi (from the password), so only a terminal that
//     knows the password learns it;
//  3. a first ECDH gives H; the mapped generator is G~ = s * G + H;
//  4. a second ECDH on G~ gives the shared secret K, and the session keys KS_enc / KS_mac;
//  5. both sides prove they hold the keys with a MAC over the other's ephemeral public key.
// A wrong password makes step 5 fail on the chip (it answers 6300), which is 'access-denied'.
import { createCipheriv, createDecipheriv, createECDH, randomBytes, timingSafeEqual } from 'node:crypto';
import { derOid } from '../../asn1/index.js';
import { publicKeyDataObject } from '../ca-verify.js';
import type { SessionCipher } from '../ca-select.js';
import { deriveSessionKeys, icaoKdf } from '../chip-auth.js';
import { sessionMac } from '../sm-mac.js';
import { SW_OK, type CommandApdu } from './apdu.js';
import { pacePassword, type ChipAccessKey } from './access-key.js';
import type { ChipChannel } from './channel.js';
import { ChipAccessError, hexSw } from './chip-access-error.js';
import { add, curveByName, decodePoint, encodePoint, multiply, type Curve, type Point } from './ec-point.js';
import { SecureMessaging } from './secure-messaging.js';
import { readTlv, tlv } from './tlv.js';

export interface PaceOffer {
  readonly protocol: string;
  readonly parameterId: number | null;
  readonly cipher: SessionCipher;
  readonly curve: string;
}

/** KDF(π, 3) of 9303-11 section 9.7.3: the key that encrypts the chip's nonce. */
export function paceKey(password: Uint8Array, cipher: SessionCipher): Buffer {
  return icaoKdf(password, cipher, 3);
}

/** Decrypts (or, with `encrypt`, encrypts) the nonce with K_pi: CBC, zero IV, no padding. */
export function cryptNonce(cipher: SessionCipher, kPi: Uint8Array, data: Uint8Array, encrypt = false): Buffer {
  const algorithm = cipher === '3DES' ? 'des-ede-cbc' : `aes-${cipher.slice(4)}-cbc`;
  const iv = Buffer.alloc(cipher === '3DES' ? 8 : 16);
  const c = encrypt ? createCipheriv(algorithm, kPi, iv) : createDecipheriv(algorithm, kPi, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** A fresh scalar in [1, n-1] and its public point on `generator`. */
export function ephemeralKey(c: Curve, generator: Point): { secret: bigint; publicPoint: Point } {
  for (;;) {
    const secret = BigInt(`0x${randomBytes(c.bytes + 8).toString('hex')}`) % c.n;
    if (secret !== 0n) return { secret, publicPoint: multiply(c, secret, generator) };
  }
}

/** The mapped generator G~ = s * G + H. */
export const mapGenerator = (c: Curve, nonce: Uint8Array, h: Point): Point => add(c, multiply(c, BigInt(`0x${Buffer.from(nonce).toString('hex')}`), c.g), h);

const xBytes = (c: Curve, q: Point) => Buffer.from(q.x.toString(16).padStart(c.bytes * 2, '0'), 'hex');

async function generalAuthenticate(channel: ChipChannel, last: boolean, tag: number, value: Uint8Array, step: string, denyOnError: boolean): Promise<Buffer> {
  const command: CommandApdu = { cla: last ? 0x00 : 0x10, ins: 0x86, p1: 0, p2: 0, data: tlv(0x7c, tag === 0 ? Buffer.alloc(0) : tlv(tag, value)), ne: 256 };
  const { data, sw } = await channel.exchange(command);
  if (sw !== SW_OK) {
    throw new ChipAccessError(denyOnError ? 'access-denied' : 'status', `PACE ${step} refused (${hexSw(sw)})${denyOnError ? ': the MRZ data or CAN does not open this chip' : ''}`, sw);
  }
  const outer = readTlv(data, 0, `PACE ${step} answer`);
  if (outer.tag !== 0x7c) throw new ChipAccessError('malformed', `PACE ${step}: the answer is not a dynamic authentication data object`);
  return outer.value;
}

function expect(objects: Buffer, tag: number, step: string): Buffer {
  const o = readTlv(objects, 0, `PACE ${step}`);
  if (o.tag !== tag) throw new ChipAccessError('malformed', `PACE ${step}: expected data object ${tag.toString(16)}`);
  return o.value;
}

/** Runs PACE-ECDH-GM and turns secure messaging on in `channel`. */
export async function performPace(channel: ChipChannel, key: ChipAccessKey, offer: PaceOffer): Promise<SecureMessaging> {
  const { password, reference } = pacePassword(key);
  const c = curveByName(offer.curve);
  const setAt = [tlv(0x80, derOid(offer.protocol).subarray(2)), tlv(0x83, Buffer.from([reference]))];
  if (offer.parameterId !== null) setAt.push(tlv(0x84, Buffer.from([offer.parameterId])));
  await channel.send({ cla: 0x00, ins: 0x22, p1: 0xc1, p2: 0xa4, data: Buffer.concat(setAt) }, 'MSE:Set AT (PACE)');

  const encryptedNonce = expect(await generalAuthenticate(channel, false, 0, Buffer.alloc(0), 'nonce', false), 0x80, 'nonce');
  if (encryptedNonce.length === 0 || encryptedNonce.length % (offer.cipher === '3DES' ? 8 : 16) !== 0) throw new ChipAccessError('malformed', 'the encrypted PACE nonce has a bad length');
  const nonce = cryptNonce(offer.cipher, paceKey(password, offer.cipher), encryptedNonce);

  const mapping = createECDH(offer.curve);
  mapping.generateKeys();
  const chipMapping = decodePoint(c, expect(await generalAuthenticate(channel, false, 0x81, mapping.getPublicKey(), 'mapping', false), 0x82, 'mapping'), "the chip's mapping key");
  const h = multiply(c, BigInt(`0x${mapping.getPrivateKey('hex')}`), chipMapping);
  const generator = mapGenerator(c, nonce, h);

  const ephemeral = ephemeralKey(c, generator);
  const ownPublic = encodePoint(c, ephemeral.publicPoint);
  const chipPublicBytes = expect(await generalAuthenticate(channel, false, 0x83, ownPublic, 'key agreement', false), 0x84, 'key agreement');
  const chipPublic = decodePoint(c, chipPublicBytes, "the chip's ephemeral key");
  if (chipPublic.x === ephemeral.publicPoint.x) throw new ChipAccessError('access-denied', "the chip's ephemeral key equals the terminal's");
  const secret = xBytes(c, multiply(c, ephemeral.secret, chipPublic));
  const keys = deriveSessionKeys(secret, offer.cipher);

  const token = sessionMac(offer.cipher, keys.kMac, publicKeyDataObject(offer.protocol, 'ECDH', chipPublicBytes), false);
  const chipToken = expect(await generalAuthenticate(channel, true, 0x85, token, 'mutual authentication', true), 0x86, 'mutual authentication');
  const expected = sessionMac(offer.cipher, keys.kMac, publicKeyDataObject(offer.protocol, 'ECDH', ownPublic), false);
  if (chipToken.length !== 8 || !timingSafeEqual(expected, chipToken)) throw new ChipAccessError('access-denied', "the chip's PACE authentication token does not verify");
  const sm = new SecureMessaging({ cipher: offer.cipher, ...keys });
  channel.protect(sm);
  return sm;
}
