// The chip side of an eMRTD for tests, behind the same ChipTransport the PC/SC card offers:
// EF.CardAccess offering PACE-ECDH-GM-AES-128 on brainpoolP256r1, PACE with the MRZ or the CAN,
// AES secure messaging, READ BINARY, Active Authentication (INTERNAL AUTHENTICATE, ECDSA P-256) and
// Chip Authentication version 1 (MSE:Set AT + General Authenticate, then AES re-keying). The PACE
// arithmetic comes from the reader's own modules (ec-point.ts, pace.ts helpers): what is tested is the
// protocol flow, the keys each side derives from its own secrets, and secure messaging both ways.
// Faults for tests: a tampered response MAC, a chip whose CA key is not DG14's (a clone).
import { createCipheriv, createDecipheriv, createECDH, createHash, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { derInteger, derOid, derSequence, derSetOf } from '../../src/documents/asn1/index.js';
import { mrzInformation, type ChipAccessKey } from '../../src/documents/emrtd/access/access-key.js';
import { curveByName, decodePoint, encodePoint, multiply } from '../../src/documents/emrtd/access/ec-point.js';
import { cryptNonce, ephemeralKey, mapGenerator, paceKey } from '../../src/documents/emrtd/access/pace.js';
import { readTlv, readTlvs, tlv } from '../../src/documents/emrtd/access/tlv.js';
import { deriveSessionKeys, publicKeyDataObject, sessionMac, padIso7816 } from '../../src/documents/emrtd/index.js';
import { buildDg14, CA_OID, ecChipKey, type ChipKeyPair } from './documents/ca-chip.js';
import { dg15 as buildDg15, ecdsaPlainSign } from './documents/chip.js';
import { testPassport, type TestPassportFiles } from './virtual-epassport-document.js';

export const PACE_AES128_OID = '0.4.0.127.0.7.2.2.4.2.2';
const CURVE = 'brainpoolP256r1';
const PARAMETER_ID = 13;

export interface SimulatedChipOptions {
  readonly can?: string;
  /** Flip a bit in the MAC of the n-th protected response (1 = the first after PACE). */
  readonly tamperResponseMac?: number;
  /** Answer Chip Authentication with this key instead of DG14's (a copied chip without the private key). */
  readonly cloneCaKey?: ChipKeyPair;
  /** DG2's image size (default 12 000 bytes). */
  readonly imageBytes?: number;
}

export interface SimulatedPaceChip {
  readonly transport: (apdu: Uint8Array) => Promise<Buffer>;
  readonly files: TestPassportFiles & { cardAccess: Buffer; dg14: Buffer; dg15: Buffer };
  readonly key: ChipAccessKey;
  readonly can: string;
  /** Every command as the chip understood it after unwrapping (INS, P1 P2), for assertions on what was read. */
  readonly log: Array<{ ins: number; p1: number; p2: number; protected: boolean; keys: 'none' | 'pace' | 'ca' }>;
  readonly aaKey: KeyObject;
}

const SW = (sw: number) => Buffer.from([sw >> 8, sw & 0xff]);
const aes = (decrypt: boolean, mode: 'cbc' | 'ecb', key: Buffer, iv: Buffer | null, data: Buffer) => {
  const c = decrypt ? createDecipheriv(`aes-128-${mode}`, key, iv) : createCipheriv(`aes-128-${mode}`, key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
};

class ChipSession {
  ssc = Buffer.alloc(16);
  constructor(readonly kEnc: Buffer, readonly kMac: Buffer, readonly name: 'pace' | 'ca') {}
  #inc() { for (let i = 15; i >= 0; i--) { this.ssc[i] = (this.ssc[i] + 1) & 0xff; if (this.ssc[i]) break; } }
  #iv() { return aes(false, 'ecb', this.kEnc, null, this.ssc); }
  unwrap(cla: number, ins: number, p1: number, p2: number, data: Buffer): { data: Buffer; ne: number | undefined } | null {
    this.#inc();
    const objects = readTlvs(data, 'command');
    const mac = objects.find((o) => o.tag === 0x8e);
    const covered = objects.filter((o) => o.tag !== 0x8e).map((o) => o.raw);
    const header = padIso7816(Buffer.from([cla, ins, p1, p2]), 16);
    if (!mac || !timingSafeEqual(sessionMac('AES-128', this.kMac, Buffer.concat([this.ssc, header, ...covered]), true), mac.value)) return null;
    let plain = Buffer.alloc(0);
    let ne: number | undefined;
    for (const o of objects) {
      if (o.tag === 0x87) {
        const p = aes(true, 'cbc', this.kEnc, this.#iv(), o.value.subarray(1));
        let i = p.length - 1;
        while (p[i] === 0) i--;
        plain = p.subarray(0, i);
      } else if (o.tag === 0x97) ne = o.value.readUIntBE(0, o.value.length) || (o.value.length === 1 ? 256 : 65536);
    }
    return { data: plain, ne };
  }
  wrap(data: Buffer, sw: number, tamper: boolean): Buffer {
    this.#inc();
    const objects: Buffer[] = [];
    if (data.length) objects.push(tlv(0x87, Buffer.concat([Buffer.from([1]), aes(false, 'cbc', this.kEnc, this.#iv(), padIso7816(data, 16))])));
    objects.push(tlv(0x99, SW(sw)));
    const mac = sessionMac('AES-128', this.kMac, Buffer.concat([this.ssc, ...objects]), true);
    if (tamper) mac[0] ^= 0x01;
    return Buffer.concat([...objects, tlv(0x8e, mac), SW(sw)]);
  }
}

function parseCommand(apdu: Buffer): { cla: number; ins: number; p1: number; p2: number; data: Buffer; ne?: number } {
  const [cla, ins, p1, p2] = apdu;
  const body = apdu.subarray(4);
  if (body.length === 0) return { cla, ins, p1, p2, data: Buffer.alloc(0) };
  if (body.length === 1) return { cla, ins, p1, p2, data: Buffer.alloc(0), ne: body[0] || 256 };
  if (body[0] === 0 && body.length === 3) return { cla, ins, p1, p2, data: Buffer.alloc(0), ne: body.readUInt16BE(1) || 65536 };
  if (body[0] === 0) {
    const lc = body.readUInt16BE(1);
    const data = body.subarray(3, 3 + lc);
    const rest = body.subarray(3 + lc);
    return { cla, ins, p1, p2, data, ...(rest.length === 2 ? { ne: rest.readUInt16BE(0) || 65536 } : {}) };
  }
  const lc = body[0];
  const data = body.subarray(1, 1 + lc);
  const rest = body.subarray(1 + lc);
  return { cla, ins, p1, p2, data, ...(rest.length === 1 ? { ne: rest[0] || 256 } : {}) };
}

export function cardAccessOffering(protocol = PACE_AES128_OID, parameterId = PARAMETER_ID): Buffer {
  return derSetOf(derSequence(derOid(protocol), derInteger(2), derInteger(parameterId)));
}

export function simulatedPaceChip(options: SimulatedChipOptions = {}): SimulatedPaceChip {
  const caKey = ecChipKey(CURVE);
  const aa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const dg14 = buildDg14(caKey, CA_OID.ecdh['AES-128']);
  const dg15 = buildDg15(aa.publicKey.export({ type: 'spki', format: 'der' }));
  const passport = testPassport({}, { dg14, dg15, ...(options.imageBytes ? { imageBytes: options.imageBytes } : {}) });
  const cardAccess = cardAccessOffering();
  const can = options.can ?? '123456';
  const files = { ...passport, cardAccess, dg14, dg15 };
  const byFid: Record<number, Buffer> = { 0x011e: files.com, 0x0101: files.dg1, 0x0102: files.dg2, 0x010e: dg14, 0x010f: dg15, 0x011d: files.sod };
  const c = curveByName(CURVE);
  const log: SimulatedPaceChip['log'] = [];

  let session: ChipSession | null = null;
  let selected: Buffer | null = null;
  let applicationSelected = false;
  let responses = 0;
  let pace: { password: Buffer; nonce?: Buffer; mapSecret?: ReturnType<typeof createECDH>; generator?: ReturnType<typeof mapGenerator>; ephemeral?: ReturnType<typeof ephemeralKey>; terminalKey?: Buffer; keys?: { kEnc: Buffer; kMac: Buffer } } | null = null;
  let caPending: Buffer | null = null;

  const handle = (cmd: { ins: number; p1: number; p2: number; data: Buffer; ne?: number; cla: number }): { data: Buffer; sw: number; after?: () => void } => {
    switch (cmd.ins) {
      case 0xa4: {
        if (cmd.p1 === 0x04) {
          applicationSelected = cmd.data.equals(Buffer.from('a0000002471001', 'hex'));
          return { data: Buffer.alloc(0), sw: applicationSelected ? 0x9000 : 0x6a82 };
        }
        const fid = cmd.data.readUInt16BE(0);
        if (fid === 0x011c) { selected = cardAccess; return { data: Buffer.alloc(0), sw: 0x9000 }; }
        if (!session) return { data: Buffer.alloc(0), sw: 0x6982 };
        selected = applicationSelected ? byFid[fid] ?? null : null;
        return { data: Buffer.alloc(0), sw: selected ? 0x9000 : 0x6a82 };
      }
      case 0xb0: {
        if (!selected) return { data: Buffer.alloc(0), sw: 0x6986 };
        if (!session && selected !== cardAccess) return { data: Buffer.alloc(0), sw: 0x6982 };
        const offset = (cmd.p1 << 8) | cmd.p2;
        return { data: selected.subarray(offset, offset + (cmd.ne ?? 256)), sw: 0x9000 };
      }
      case 0x22: {
        const objects = readTlvs(cmd.data, 'MSE');
        const oid = objects.find((o) => o.tag === 0x80)?.value;
        if (cmd.p1 === 0xc1) {
          const ref = objects.find((o) => o.tag === 0x83)?.value[0];
          if (!oid?.equals(derOid(PACE_AES128_OID).subarray(2)) || (ref !== 1 && ref !== 2)) return { data: Buffer.alloc(0), sw: 0x6a80 };
          pace = { password: ref === 1 ? createHash('sha1').update(mrzInformation(passport.key), 'latin1').digest() : Buffer.from(can, 'latin1') };
          return { data: Buffer.alloc(0), sw: 0x9000 };
        }
        if (cmd.p1 === 0x41 && cmd.p2 === 0xa4 && session) { caPending = oid ?? null; return { data: Buffer.alloc(0), sw: 0x9000 }; }
        return { data: Buffer.alloc(0), sw: 0x6a80 };
      }
      case 0x86: {
        const inner = readTlv(cmd.data, 0, 'GA').value;
        if (caPending && session) {
          const terminal = readTlv(inner, 0, 'CA GA').value;
          const secret = (options.cloneCaKey ?? caKey).secretWith(terminal);
          const keys = deriveSessionKeys(secret, 'AES-128');
          caPending = null;
          // The answer still goes out under the PACE keys; the next command uses the CA keys.
          return { data: tlv(0x7c, Buffer.alloc(0)), sw: 0x9000, after: () => { session = new ChipSession(keys.kEnc, keys.kMac, 'ca'); } };
        }
        if (!pace) return { data: Buffer.alloc(0), sw: 0x6985 };
        if (inner.length === 0) {
          pace.nonce = randomBytes(16);
          return { data: tlv(0x7c, tlv(0x80, cryptNonce('AES-128', paceKey(pace.password, 'AES-128'), pace.nonce, true))), sw: 0x9000 };
        }
        const o = readTlv(inner, 0, 'GA');
        if (o.tag === 0x81 && pace.nonce) {
          pace.mapSecret = createECDH(CURVE);
          pace.mapSecret.generateKeys();
          const h = multiply(c, BigInt(`0x${pace.mapSecret.getPrivateKey('hex')}`), decodePoint(c, o.value, 'terminal mapping key'));
          pace.generator = mapGenerator(c, pace.nonce, h);
          return { data: tlv(0x7c, tlv(0x82, pace.mapSecret.getPublicKey())), sw: 0x9000 };
        }
        if (o.tag === 0x83 && pace.generator) {
          pace.ephemeral = ephemeralKey(c, pace.generator);
          pace.terminalKey = Buffer.from(o.value);
          const shared = multiply(c, pace.ephemeral.secret, decodePoint(c, o.value, 'terminal key'));
          pace.keys = deriveSessionKeys(Buffer.from(shared.x.toString(16).padStart(64, '0'), 'hex'), 'AES-128');
          return { data: tlv(0x7c, tlv(0x84, encodePoint(c, pace.ephemeral.publicPoint))), sw: 0x9000 };
        }
        if (o.tag === 0x85 && pace.keys && pace.ephemeral && pace.terminalKey) {
          const expected = sessionMac('AES-128', pace.keys.kMac, publicKeyDataObject(PACE_AES128_OID, 'ECDH', encodePoint(c, pace.ephemeral.publicPoint)), false);
          if (!timingSafeEqual(expected, o.value)) { pace = null; return { data: Buffer.alloc(0), sw: 0x6300 }; }
          const token = sessionMac('AES-128', pace.keys.kMac, publicKeyDataObject(PACE_AES128_OID, 'ECDH', pace.terminalKey), false);
          const keys = pace.keys;
          pace = null;
          return { data: tlv(0x7c, tlv(0x86, token)), sw: 0x9000, after: () => { session = new ChipSession(keys.kEnc, keys.kMac, 'pace'); } };
        }
        return { data: Buffer.alloc(0), sw: 0x6985 };
      }
      case 0x88:
        if (!session || cmd.data.length !== 8) return { data: Buffer.alloc(0), sw: 0x6985 };
        return { data: ecdsaPlainSign(aa.privateKey, cmd.data), sw: 0x9000 };
      default:
        return { data: Buffer.alloc(0), sw: 0x6d00 };
    }
  };

  const transport = async (apdu: Uint8Array): Promise<Buffer> => {
    const raw = parseCommand(Buffer.from(apdu));
    const current: ChipSession | null = session;
    let cmd = raw;
    if (current) {
      if ((raw.cla & 0x0c) !== 0x0c) { session = null; return SW(0x6987); }
      const opened = current.unwrap(raw.cla, raw.ins, raw.p1, raw.p2, raw.data);
      if (!opened) { session = null; return SW(0x6988); }
      cmd = { ...raw, cla: raw.cla & ~0x0c, data: opened.data, ...(opened.ne === undefined ? {} : { ne: opened.ne }) };
    }
    log.push({ ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, protected: current !== null, keys: current?.name ?? 'none' });
    const { data, sw, after } = handle(cmd);
    let out: Buffer;
    if (current) {
      responses++;
      out = current.wrap(data, sw, options.tamperResponseMac === responses);
    } else {
      out = Buffer.concat([data, SW(sw)]);
    }
    after?.();
    return out;
  };

  return { transport, files, key: passport.key, can, log, aaKey: aa.privateKey };
}
