// Checks a chip's Chip Authentication answer (ICAO 9303-11 section 6.2, BSI TR-03110 part 3 A.2).
// The reader ran the exchange and reports its ephemeral private key with the chip's answer; the
// key agreement is redone here from DG14, and the answer must prove the chip holds DG14's private key:
// - version 1 (MSE:Set KAT, or MSE:Set AT + General Authenticate with an empty answer): the chip answered the next command under secure messaging with the
//   new session keys, so the MAC (DO8E) of that protected response APDU must verify with KS_MAC and
//   the send sequence counter;
// - version 2 (General Authenticate): the chip sent a nonce r_PICC and the token
//   T_PICC = MAC(KS_MAC, public key data object of the terminal's ephemeral key), with KS_MAC
//   derived from the shared secret and r_PICC.
// Like AA, the proof is only worth something when PA vouches for DG14 (dg.hash.14 passes).
import { timingSafeEqual } from 'node:crypto';
import { derOid } from '../asn1/index.js';
import { agreeWithChip, readChipKey, type AgreementResult, type ChipKey } from './ca-key-agreement.js';
import { selectChipAuthentication, type ChipAuthenticationSelection } from './ca-select.js';
import { deriveSessionKeys } from './chip-auth.js';
import type { SessionCipher } from './ca-select.js';
import { parseDg14 } from './dg14.js';
import { CheckList, type PaCheck } from './report.js';
import { blockSizeOf, sessionMac } from './sm-mac.js';

export interface ChipAuthInput {
  /** DG14 as read (tag 6E). */
  readonly dg14: Uint8Array;
  /** keyId the reader used; needed when DG14 holds several keys. */
  readonly keyId?: number;
  /** Protocol OID the reader ran; checked against DG14 (default: the one DG14 offers). */
  readonly protocol?: string;
  /** The reader's ephemeral private key: EC scalar or DH exponent, big-endian. */
  readonly terminalPrivateKey: Uint8Array;
  /** The ephemeral public key the reader sent, when it reports it: must belong to the private key. */
  readonly terminalPublicKey?: Uint8Array;
  /** Version 1: the chip's first protected response APDU after CA (data objects, DO8E, SW1 SW2). */
  readonly protectedResponse?: Uint8Array;
  /** Version 1: the send sequence counter of that response; 2 = the answer to the first protected command (SSC starts at 0). */
  readonly sendSequenceCounter?: number;
  /** Version 2: the chip's nonce r_PICC and authentication token T_PICC. */
  readonly nonce?: Uint8Array;
  readonly authenticationToken?: Uint8Array;
}

export interface ChipAuthResult {
  readonly outcome: 'pass' | 'fail' | 'error';
  readonly reason: string;
  readonly protocol: string | null;
  readonly version: number | null;
  readonly cipher: SessionCipher | null;
  readonly checks: readonly PaCheck[];
}

export function verifyChipAuthentication(input: ChipAuthInput): ChipAuthResult {
  const checks = new CheckList();
  let selected: ChipAuthenticationSelection | null = null;
  const result = (): ChipAuthResult => {
    const bad = checks.checks.find((c) => c.outcome === 'fail') ?? checks.checks.find((c) => c.outcome === 'error');
    const last = checks.checks[checks.checks.length - 1];
    return {
      outcome: bad ? (bad.outcome === 'fail' ? 'fail' : 'error') : 'pass', reason: (bad ?? last).reason,
      protocol: selected?.protocol ?? null, version: selected?.version ?? null, cipher: selected?.cipher ?? null, checks: checks.checks,
    };
  };

  try {
    selected = selectChipAuthentication(parseDg14(input.dg14), { keyId: input.keyId, protocol: input.protocol });
    checks.add('ca.protocol', 'pass', `${selected.protocol} version ${selected.version} (${selected.agreement}, ${selected.cipher}), keyId ${selected.keyId ?? 'none'}`);
  } catch (e) {
    // A protocol the reader ran that DG14 does not offer is a failed proof; an unreadable DG14 says nothing.
    checks.add('ca.protocol', /does not offer/.test((e as Error).message) ? 'fail' : 'error', `DG14: ${(e as Error).message}`);
    return result();
  }
  let chip: ChipKey;
  let agreed: AgreementResult;
  try {
    chip = readChipKey(selected.spki, selected.agreement);
    agreed = agreeWithChip(chip, input.terminalPrivateKey);
  } catch (e) {
    checks.add('ca.key-agreement', 'error', (e as Error).message);
    return result();
  }
  if (input.terminalPublicKey && !Buffer.from(input.terminalPublicKey).equals(agreed.terminalPublicKey)) {
    checks.add('ca.terminal-key', 'fail', 'the terminal public key reported does not belong to the terminal private key');
    return result();
  }
  checks.add('ca.key-agreement', 'pass', chip.agreement === 'ECDH' ? `ECDH on ${chip.curve}` : `DH mod a ${chip.p.length * 8}-bit p${chip.q ? ', chip key in the order-q subgroup' : ''}`);

  if (selected.version === 1) checkProtectedResponse(checks, selected.cipher, agreed.sharedSecret, input);
  else checkAuthenticationToken(checks, selected, chip, agreed, input);
  return result();
}

function checkProtectedResponse(checks: CheckList, cipher: SessionCipher, secret: Buffer, input: ChipAuthInput): void {
  if (!input.protectedResponse) {
    checks.add('ca.response', 'error', 'CA version 1 needs the chip\'s first protected response APDU');
    return;
  }
  const ssc = input.sendSequenceCounter ?? 2;
  if (!Number.isSafeInteger(ssc) || ssc < 0) {
    checks.add('ca.response', 'error', 'send sequence counter must be a non-negative integer');
    return;
  }
  const parsed = splitProtectedResponse(input.protectedResponse);
  if (typeof parsed === 'string') {
    checks.add('ca.response', 'fail', `protected response malformed: ${parsed}`);
    return;
  }
  const { kMac } = deriveSessionKeys(secret, cipher);
  const counter = Buffer.alloc(blockSizeOf(cipher));
  counter.writeUIntBE(Math.floor(ssc / 2 ** 32), counter.length - 7, 3);
  counter.writeUIntBE(ssc % 2 ** 32, counter.length - 4, 4);
  const expected = sessionMac(cipher, kMac, Buffer.concat([counter, parsed.macced]), true);
  const ok = timingSafeEqual(expected, parsed.mac);
  checks.add('ca.response', ok ? 'pass' : 'fail', ok
    ? `the chip's protected response (SSC ${ssc}, SW ${parsed.statusWord}) carries a valid ${cipher === '3DES' ? 'retail MAC' : 'AES-CMAC'} under the new session keys`
    : `the protected response's MAC does not verify with the derived KS_MAC and SSC ${ssc}: the chip does not hold the DG14 private key (or another key/counter was used)`);
}

/** Response APDU = data objects (DO85/87, DO99, ...) || DO8E (8-byte MAC) || SW1 SW2; the MAC covers the objects before DO8E. */
function splitProtectedResponse(apdu: Uint8Array): { macced: Buffer; mac: Buffer; statusWord: string } | string {
  if (apdu.length < 2 + 10) return 'too short for DO8E and a status word';
  const data = Buffer.from(apdu.subarray(0, apdu.length - 2));
  let i = 0;
  while (i < data.length) {
    const tag = data[i];
    if (i + 1 >= data.length) return 'truncated data object';
    let length = data[i + 1];
    let header = 2;
    if (length === 0x81 || length === 0x82) {
      const n = length - 0x80;
      if (i + 2 + n > data.length) return 'truncated length';
      length = data.readUIntBE(i + 2, n);
      header = 2 + n;
    } else if (length > 0x80) return `unsupported length byte ${length.toString(16)}`;
    if (i + header + length > data.length) return `data object ${tag.toString(16)} overruns the response`;
    if (tag === 0x8e) {
      if (length !== 8) return `DO8E holds ${length} bytes, not 8`;
      if (i + header + length !== data.length) return 'DO8E is not the last data object';
      if (i === 0) return 'no data object before DO8E (DO99 is mandatory)';
      return { macced: data.subarray(0, i), mac: data.subarray(i + header, i + header + 8), statusWord: Buffer.from(apdu.subarray(-2)).toString('hex') };
    }
    i += header + length;
  }
  return 'no DO8E (MAC) in the response';
}

/** Public key data object of TR-03110 part 3 D.3.1: 7F49 { 06 protocol OID, 86 EC point | 84 DH value }. */
export function publicKeyDataObject(protocol: string, agreement: 'ECDH' | 'DH', publicKey: Uint8Array): Buffer {
  const tlv = (tag: Buffer, content: Uint8Array) => {
    const n = content.length;
    const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
    return Buffer.concat([tag, length, content]);
  };
  return tlv(Buffer.from([0x7f, 0x49]), Buffer.concat([derOid(protocol), tlv(Buffer.from([agreement === 'ECDH' ? 0x86 : 0x84]), publicKey)]));
}

function checkAuthenticationToken(checks: CheckList, selected: ChipAuthenticationSelection, chip: ChipKey, agreed: AgreementResult, input: ChipAuthInput): void {
  if (!input.nonce || !input.authenticationToken) {
    checks.add('ca.response', 'error', 'CA version 2 needs the chip\'s nonce r_PICC and authentication token T_PICC');
    return;
  }
  if (input.nonce.length === 0 || input.nonce.length > 64) {
    checks.add('ca.response', 'fail', `nonce r_PICC of ${input.nonce.length} bytes (8 expected)`);
    return;
  }
  if (input.authenticationToken.length !== 8) {
    checks.add('ca.response', 'fail', `authentication token of ${input.authenticationToken.length} bytes, not 8`);
    return;
  }
  const { kMac } = deriveSessionKeys(agreed.sharedSecret, selected.cipher, input.nonce);
  const expected = sessionMac(selected.cipher, kMac, publicKeyDataObject(selected.protocol, chip.agreement, agreed.terminalPublicKey), false);
  const ok = timingSafeEqual(expected, Buffer.from(input.authenticationToken));
  checks.add('ca.response', ok ? 'pass' : 'fail', ok
    ? `authentication token T_PICC verifies (KS_MAC from the shared secret and r_PICC, ${selected.cipher})`
    : 'authentication token T_PICC does not verify: the chip does not hold the DG14 private key, or the nonce or terminal key differ');
}
