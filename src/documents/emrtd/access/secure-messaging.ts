// Secure messaging (ICAO 9303-11 section 9.8): every command after BAC, PACE or Chip Authentication
// is wrapped with its data encrypted in DO'87', its Le in DO'97' and a MAC in DO'8E' over the send
// sequence counter, and every response must carry a DO'8E' that verifies before any of its data is
// used. 3DES sessions (BAC, CA 3DES) encrypt with 2-key 3DES-CBC and a zero IV and MAC with the
// retail MAC; AES sessions (PACE-AES, CA-AES) encrypt with AES-CBC under IV = E(K_enc, SSC) and MAC
// with AES-CMAC. The counter is incremented before each command and before each response.
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import type { SessionCipher } from '../ca-select.js';
import { blockSizeOf, padIso7816, sessionMac } from '../sm-mac.js';
import { encodeCommand, encodeLe, isExtended, parseResponse, type CommandApdu, type ResponseApdu } from './apdu.js';
import { ChipAccessError, hexSw } from './chip-access-error.js';
import { readTlvs, tlv } from './tlv.js';

const cipherName = (cipher: SessionCipher, mode: 'cbc' | 'ecb'): string => (cipher === '3DES' ? `des-ede-${mode}` : `aes-${cipher.slice(4)}-${mode}`);

function crypt(decrypt: boolean, algorithm: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Buffer {
  const c = decrypt ? createDecipheriv(algorithm, key, iv) : createCipheriv(algorithm, key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Removes ISO 7816-4 padding: trailing zeros then one 0x80. */
export function unpadIso7816(data: Buffer): Buffer {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80) throw new ChipAccessError('secure-messaging', 'encrypted data is not ISO 7816-4 padded');
  return data.subarray(0, i);
}

export interface SessionKeys {
  readonly cipher: SessionCipher;
  readonly kEnc: Buffer;
  readonly kMac: Buffer;
}

export class SecureMessaging {
  readonly cipher: SessionCipher;
  readonly #kEnc: Buffer;
  readonly #kMac: Buffer;
  readonly #ssc: Buffer;
  readonly #block: number;

  /** `ssc`: the starting counter (BAC: from the nonces; PACE and CA: zero). */
  constructor(keys: SessionKeys, ssc: Uint8Array = Buffer.alloc(blockSizeOf(keys.cipher))) {
    this.cipher = keys.cipher;
    this.#kEnc = Buffer.from(keys.kEnc);
    this.#kMac = Buffer.from(keys.kMac);
    this.#block = blockSizeOf(keys.cipher);
    if (ssc.length !== this.#block) throw new RangeError(`the send sequence counter must be ${this.#block} bytes`);
    this.#ssc = Buffer.from(ssc);
  }

  /** The counter's current value (the last one used). */
  get sendSequenceCounter(): bigint { return BigInt(`0x${this.#ssc.toString('hex')}`); }

  #increment(): void {
    for (let i = this.#ssc.length - 1; i >= 0; i--) {
      this.#ssc[i] = (this.#ssc[i] + 1) & 0xff;
      if (this.#ssc[i] !== 0) break;
    }
  }

  #iv(): Buffer {
    return this.cipher === '3DES' ? Buffer.alloc(8) : crypt(false, cipherName(this.cipher, 'ecb'), this.#kEnc, null, this.#ssc);
  }

  /** The protected form of `command`; advances the counter. */
  wrap(command: CommandApdu): Buffer {
    if (command.cla & 0x0c) throw new RangeError('the command is already secure-messaging protected');
    if (command.ins & 1) throw new RangeError('odd INS (DO85) is not used by this reader');
    this.#increment();
    const cla = command.cla | 0x0c;
    const header = padIso7816(Buffer.from([cla, command.ins, command.p1, command.p2]), this.#block);
    const objects: Buffer[] = [];
    if (command.data && command.data.length > 0) {
      const encrypted = crypt(false, cipherName(this.cipher, 'cbc'), this.#kEnc, this.#iv(), padIso7816(command.data, this.#block));
      objects.push(tlv(0x87, Buffer.concat([Buffer.from([0x01]), encrypted])));
    }
    const extended = isExtended(command);
    if (command.ne !== undefined) objects.push(tlv(0x97, encodeLe(command.ne, extended, true)));
    const mac = sessionMac(this.cipher, this.#kMac, Buffer.concat([this.#ssc, header, ...objects]), true);
    const body = Buffer.concat([...objects, tlv(0x8e, mac)]);
    const outerExtended = extended || body.length > 255;
    return encodeCommand({ cla, ins: command.ins, p1: command.p1, p2: command.p2, data: body, ne: outerExtended ? 65536 : 256 });
  }

  /**
   * Verifies and opens a protected response; advances the counter. A response with no data objects
   * (the chip answering an error in plain) yields its status word and no data; anything carrying
   * data must carry a MAC that verifies, or the session is over.
   */
  unwrap(bytes: Uint8Array): ResponseApdu {
    this.#increment();
    const { data, sw } = parseResponse(bytes);
    if (data.length === 0) {
      // 6987 / 6988: the chip could not verify our command, so its keys are not ours (after CA: a clone).
      if (sw === 0x6987 || sw === 0x6988) throw new ChipAccessError('secure-messaging', `the chip refused the secure-messaging objects (${hexSw(sw)}): its session keys differ from the reader's`, sw);
      if (sw === 0x9000) throw new ChipAccessError('secure-messaging', 'a protected response came without its MAC', sw);
      return { data, sw };
    }
    const objects = readTlvs(data, 'protected response');
    const macObject = objects[objects.length - 1];
    if (!macObject || macObject.tag !== 0x8e || macObject.value.length !== 8) throw new ChipAccessError('secure-messaging', "a protected response must end with DO'8E'", sw);
    const covered = objects.slice(0, -1);
    const expected = sessionMac(this.cipher, this.#kMac, Buffer.concat([this.#ssc, ...covered.map((o) => o.raw)]), true);
    if (!timingSafeEqual(expected, macObject.value)) throw new ChipAccessError('secure-messaging', "the response's MAC does not verify", sw);
    let plain: Buffer = Buffer.alloc(0);
    let status: number | null = null;
    for (const o of covered) {
      if (o.tag === 0x87) {
        if (o.value.length < 1 + this.#block || o.value[0] !== 0x01 || (o.value.length - 1) % this.#block !== 0) throw new ChipAccessError('secure-messaging', "DO'87' is malformed", sw);
        plain = unpadIso7816(crypt(true, cipherName(this.cipher, 'cbc'), this.#kEnc, this.#iv(), o.value.subarray(1)));
      } else if (o.tag === 0x99) {
        if (o.value.length !== 2) throw new ChipAccessError('secure-messaging', "DO'99' must hold two bytes", sw);
        status = o.value.readUInt16BE(0);
      } else if (o.tag !== 0x85) {
        throw new ChipAccessError('secure-messaging', `unexpected data object ${o.tag.toString(16)} in a protected response`, sw);
      }
    }
    // DO'99' is the status that counts: it is under the MAC, the plain SW1 SW2 is not.
    if (status === null) throw new ChipAccessError('secure-messaging', "a protected response must carry DO'99'", sw);
    return { data: plain, sw: status };
  }
}
