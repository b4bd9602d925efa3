// The station key: an ECDSA P-256 key pair in the station's PKCS#11 token (SoftHSM by default, a TPM
// through libtpm2-pkcs11 or a smart card where present). The private key is generated in the token,
// sensitive and never extractable; the agent only ever asks the token to sign. Signatures are CKM_ECDSA
// over the SHA-256 of the payload, which PKCS#11 returns as r||s (IEEE P1363, 64 bytes): exactly the
// form the appliance verifies (src/verification/station/verify-station-envelope.ts).
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { HsmToken, type TokenContext } from '../../hsm/hsm-token.js';
import { readAttributes } from '../../hsm/pkcs11-attributes.js';
import { hsmError } from '../../hsm/hsm-errors.js';
import { pinReader } from '../../hsm/open-hsm.js';
import type { KioskConfig } from '../config/kiosk-config.js';
import { kioskPath } from '../config/load-kiosk-config.js';

/** DER of the prime256v1 OID (1.2.840.10045.3.1.7), the CKA_EC_PARAMS of a P-256 key. */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
const KEY_GENERATION_TIMEOUT_MS = 30_000;
const P1363_BYTES = 64;

/** The signing seam the envelope builder uses; tests of the agent sign through the real token too. */
export interface StationSigner {
  /** SPKI public key (what `proofgate station add` registers). */
  publicKey(): Promise<KeyObject>;
  /** ES256 signature (P1363 r||s) over `payload`. */
  sign(payload: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

/** The public point from CKA_EC_POINT: DER OCTET STRING around 04||X||Y (some modules return it bare). */
export function ecPointToPublicKey(ecPoint: Buffer): KeyObject {
  let point = ecPoint;
  if (point.length === 67 && point[0] === 0x04 && point[1] === 0x41) point = point.subarray(2);
  if (point.length !== 65 || point[0] !== 0x04) throw hsmError(`the token returned an EC point of ${ecPoint.length} bytes, not an uncompressed P-256 point`);
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
}

export function openStationToken(config: Pick<KioskConfig, 'key' | 'dataDir'>): HsmToken {
  if (config.key.softhsmConf !== null) process.env.SOFTHSM2_CONF = kioskPath(config, config.key.softhsmConf);
  return new HsmToken({
    modulePath: config.key.module,
    tokenLabel: config.key.tokenLabel,
    readPin: pinReader({ pinFile: config.key.pinFile, pinEnv: config.key.pinEnv }, config.dataDir),
    operationTimeoutMs: config.key.operationTimeoutMs,
    retryBackoffMs: 1000,
    sessionPoolSize: 1,
  });
}

function findKey(ctx: TokenContext, keyLabel: string, cls: number): Handle | undefined {
  const found = ctx.findObjects([
    { type: pkcs11js.CKA_CLASS, value: cls },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
    { type: pkcs11js.CKA_LABEL, value: keyLabel },
  ], 2);
  if (found.length > 1) throw hsmError(`the token holds more than one EC key labelled "${keyLabel}"; remove the extra one`);
  return found[0];
}

/** Creates the station key pair unless one with the label exists; returns whether it created one. */
export function ensureStationKey(token: HsmToken, keyLabel: string): Promise<boolean> {
  return token.run('generate station key', async (ctx) => {
    if (findKey(ctx, keyLabel, pkcs11js.CKO_PRIVATE_KEY)) return false;
    const id = createHash('sha256').update(`station-key:${keyLabel}`).digest().subarray(0, 16);
    await ctx.api.C_GenerateKeyPairAsync(ctx.session, { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN }, [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_LABEL, value: keyLabel },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_EC_PARAMS, value: P256_PARAMS },
      { type: pkcs11js.CKA_VERIFY, value: true },
    ], [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_LABEL, value: keyLabel },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_DERIVE, value: false },
    ]);
    return true;
  }, { timeoutMs: KEY_GENERATION_TIMEOUT_MS });
}

/** Whether the private key is marked sensitive and non-extractable (selftest reports it). */
export function stationKeyProtection(token: HsmToken, keyLabel: string): Promise<{ sensitive: boolean; extractable: boolean }> {
  return token.run('read station key attributes', (ctx) => {
    const key = findKey(ctx, keyLabel, pkcs11js.CKO_PRIVATE_KEY);
    if (!key) throw hsmError(`no station key "${keyLabel}" in the token: run \`proofgate-kiosk init\``);
    const [sensitive, extractable] = readAttributes(ctx, key, [pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_EXTRACTABLE]);
    return { sensitive: sensitive[0] === 1, extractable: extractable[0] === 1 };
  });
}

/** The station key in the token, as the signing seam. */
export class Pkcs11StationSigner implements StationSigner {
  readonly #token: HsmToken;
  readonly #keyLabel: string;

  constructor(token: HsmToken, keyLabel: string) {
    this.#token = token;
    this.#keyLabel = keyLabel;
  }

  publicKey(): Promise<KeyObject> {
    return this.#token.run('read station public key', (ctx) => {
      const key = findKey(ctx, this.#keyLabel, pkcs11js.CKO_PUBLIC_KEY);
      if (!key) throw hsmError(`no station key "${this.#keyLabel}" in the token: run \`proofgate-kiosk init\``);
      const [params, point] = readAttributes(ctx, key, [pkcs11js.CKA_EC_PARAMS, pkcs11js.CKA_EC_POINT]);
      if (!params.equals(P256_PARAMS)) throw hsmError(`the station key "${this.#keyLabel}" is not on P-256`);
      return ecPointToPublicKey(point);
    });
  }

  sign(payload: Buffer): Promise<Buffer> {
    const digest = createHash('sha256').update(payload).digest();
    return this.#token.run('sign station envelope', async (ctx) => {
      const key = ctx.handle(`station:${this.#keyLabel}`, () => {
        const found = findKey(ctx, this.#keyLabel, pkcs11js.CKO_PRIVATE_KEY);
        if (!found) throw hsmError(`no station key "${this.#keyLabel}" in the token: run \`proofgate-kiosk init\``);
        return found;
      });
      ctx.api.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_ECDSA }, key);
      const signature = await ctx.api.C_SignAsync(ctx.session, digest, Buffer.alloc(P1363_BYTES));
      if (signature.length !== P1363_BYTES) throw hsmError(`the token returned a ${signature.length}-byte ECDSA signature, not r||s of 64 bytes`);
      return Buffer.from(signature);
    });
  }

  close(): Promise<void> {
    return this.#token.close();
  }
}
