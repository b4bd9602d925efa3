// Chip Authentication against the live chip (ICAO 9303-11 section 6.2): the key agreement with
// DG14's key (chip-auth.ts), sent with MSE:Set KAT (3DES) or MSE:Set AT + General Authenticate (AES),
// then secure messaging restarts under the new keys with a zero counter. Only the genuine chip can
// MAC its next response with those keys; that response (or CA version 2's token) is the evidence the
// appliance checks with ca-verify.ts.
import { derOid } from '../../asn1/index.js';
import { deriveSessionKeys, startChipAuthentication } from '../chip-auth.js';
import { parseDg14 } from '../dg14.js';
import type { ChipChannel } from '../access/channel.js';
import { ChipAccessError } from '../access/chip-access-error.js';
import { SecureMessaging } from '../access/secure-messaging.js';
import { readTlv, readTlvs, tlv } from '../access/tlv.js';
import type { ChipAuthInput } from '../ca-verify.js';

/** What ca-verify.ts needs besides DG14; the version-1 response is filled in by the next command. */
export type ChipAuthenticationEvidence = Omit<ChipAuthInput, 'dg14'>;

/** DO'84' with the key's id as a minimal big-endian integer, when DG14 names one. */
function keyIdObject(keyId: number | null): Buffer[] {
  if (keyId === null) return [];
  const hex = keyId.toString(16);
  return [tlv(0x84, Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'))];
}

/** Runs CA with DG14's key and re-keys `channel`; call `completeVersion1` after the next command. */
export async function runChipAuthentication(channel: ChipChannel, dg14: Buffer): Promise<{ evidence: ChipAuthenticationEvidence; completeVersion1: () => void }> {
  let session;
  try {
    session = startChipAuthentication(parseDg14(dg14));
  } catch (e) {
    throw new ChipAccessError('malformed', `DG14 offers no usable Chip Authentication: ${(e as Error).message}`);
  }
  const base = { protocol: session.protocol, terminalPrivateKey: session.terminalPrivateKey, terminalPublicKey: session.terminalPublicKey, ...(session.keyId === null ? {} : { keyId: session.keyId }) };
  if (session.version === 1 && session.cipher === '3DES') {
    await channel.send({ cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xa6, data: Buffer.concat([tlv(0x91, session.terminalPublicKey), ...keyIdObject(session.keyId)]) }, 'MSE:Set KAT');
    channel.protect(new SecureMessaging({ cipher: session.cipher, kEnc: session.kEnc, kMac: session.kMac }));
  } else {
    const oid = derOid(session.protocol).subarray(2);
    await channel.send({ cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xa4, data: Buffer.concat([tlv(0x80, oid), ...keyIdObject(session.keyId)]) }, 'MSE:Set AT (CA)');
    const answer = await channel.send({ cla: 0x00, ins: 0x86, p1: 0, p2: 0, data: tlv(0x7c, tlv(0x80, session.terminalPublicKey)), ne: 256 }, 'GENERAL AUTHENTICATE (CA)');
    const dynamic = readTlv(answer, 0, 'CA answer');
    if (dynamic.tag !== 0x7c) throw new ChipAccessError('malformed', 'the CA answer is not a dynamic authentication data object');
    const objects = readTlvs(dynamic.value, 'CA answer');
    const nonce = objects.find((o) => o.tag === 0x81)?.value;
    const token = objects.find((o) => o.tag === 0x82)?.value;
    if (nonce && token) {
      const keys = deriveSessionKeys(session.sharedSecret, session.cipher, nonce);
      channel.protect(new SecureMessaging({ cipher: session.cipher, ...keys }));
      return { evidence: { ...base, nonce: Buffer.from(nonce), authenticationToken: Buffer.from(token) }, completeVersion1: () => undefined };
    }
    channel.protect(new SecureMessaging({ cipher: session.cipher, kEnc: session.kEnc, kMac: session.kMac }));
  }
  const evidence: { -readonly [K in keyof ChipAuthenticationEvidence]: ChipAuthenticationEvidence[K] } = { ...base, sendSequenceCounter: 2 };
  return { evidence, completeVersion1: () => { evidence.protectedResponse = Buffer.from(channel.lastRawResponse); } };
}
