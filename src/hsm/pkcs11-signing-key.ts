// An RS256 key pair generated inside the token, with its self-signed x5c certificate stored beside it as
// a CKO_CERTIFICATE object. The private key is SENSITIVE and never EXTRACTABLE; only signatures leave.
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import type { JWK } from 'jose';
import { ProofgateError } from '../core/errors.js';
import type { SigningKey } from './signing-key.js';
import type { ScheduledKey } from './rotation.js';
import type { HsmToken, TokenContext } from './hsm-token.js';
import { buildSelfSignedCertificate, name as x509Name, type RsaPublicKey } from './certificate.js';
import { minimalUnsigned, rs256PublicJwk } from './rsa-jwk.js';
import { hsmUnavailable } from './hsm-errors.js';
import {
  certificateTemplate, destroyQuietly, parseSigningLabel, readAttributes, rsaPrivateKeyTemplate, rsaPublicKeyTemplate, signingLabel,
} from './pkcs11-attributes.js';

/** What the token holds for one signing key, read back on load. */
export interface StoredSigningKey {
  id: Buffer;
  label: string;
  publishedAt: number;
  publicKey: RsaPublicKey;
  certificate: Buffer;
}

export interface CertificateProfile {
  commonName: string;
  validityDays: number;
}

/** Key generation in the token can take far longer than a signature (RSA-4096: seconds). */
export const KEY_GENERATION_TIMEOUT_MS = 120_000;

export class Pkcs11SigningKey implements SigningKey, ScheduledKey {
  readonly #token: HsmToken;
  readonly #jwk: JWK;
  readonly #signatureBytes: number;
  readonly kid: string;
  readonly id: Buffer;
  readonly label: string;
  readonly publishedAt: number;

  constructor(token: HsmToken, stored: StoredSigningKey) {
    this.#token = token;
    this.#jwk = rs256PublicJwk(stored.publicKey, stored.certificate);
    this.#signatureBytes = minimalUnsigned(stored.publicKey.n).length;
    this.kid = this.#jwk.kid as string;
    this.id = stored.id;
    this.label = stored.label;
    this.publishedAt = stored.publishedAt;
  }

  jwk(): JWK {
    return structuredClone(this.#jwk);
  }

  /** RSASSA-PKCS1-v1_5 SHA-256 in the token (CKM_SHA256_RSA_PKCS), off the main thread via C_SignAsync. */
  sign(data: Buffer): Promise<Buffer> {
    if (!Buffer.isBuffer(data)) return Promise.reject(new ProofgateError('ERR_INTERNAL', 'sign() takes a Buffer'));
    return this.#token.run(`sign (kid ${this.kid})`, (ctx) => {
      const key = ctx.handle(`sign:${this.id.toString('hex')}`, () => findPrivateKey(ctx, this.id, this.kid));
      return signWith(ctx, key, data, this.#signatureBytes);
    });
  }
}

function signWith(ctx: TokenContext, privateKey: Handle, data: Buffer, signatureBytes: number): Promise<Buffer> {
  ctx.api.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, privateKey);
  return ctx.api.C_SignAsync(ctx.session, data, Buffer.alloc(signatureBytes));
}

function findPrivateKey(ctx: TokenContext, id: Buffer, kid: string): Handle {
  const [key] = ctx.findObjects([
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_ID, value: id },
  ], 1);
  if (!key) throw hsmUnavailable(`signing key ${kid} is no longer in the token`);
  return key;
}

async function createCertificate(ctx: TokenContext, privateKey: Handle, label: string, id: Buffer, publicKey: RsaPublicKey,
  profile: CertificateProfile, notBefore: number): Promise<Buffer> {
  const signatureBytes = minimalUnsigned(publicKey.n).length;
  const certificate = await buildSelfSignedCertificate({
    publicKey,
    commonName: profile.commonName,
    notBefore: new Date(notBefore - 5 * 60_000), // tolerate verifier clock skew
    notAfter: new Date(notBefore + profile.validityDays * 86_400_000),
    subjectKeyId: id,
    sign: (tbs) => signWith(ctx, privateKey, tbs, signatureBytes),
  });
  ctx.api.C_CreateObject(ctx.session, certificateTemplate(label, id, x509Name(profile.commonName), certificate));
  return certificate;
}

/** Generates a key pair and its certificate in the token, published at `publishedAt`. */
export function generateSigningKey(token: HsmToken, opts: { labelPrefix: string; bits: number; publishedAt: number; certificate: CertificateProfile }): Promise<StoredSigningKey> {
  const id = randomBytes(16);
  const label = signingLabel(opts.labelPrefix, opts.publishedAt);
  return token.run('generate signing key', async (ctx) => {
    const { publicKey, privateKey } = await ctx.api.C_GenerateKeyPairAsync(ctx.session, { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      rsaPublicKeyTemplate(label, id, opts.bits), rsaPrivateKeyTemplate(label, id));
    try {
      const [n, e] = readAttributes(ctx, publicKey, [pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT]);
      const rsa = { n, e };
      const certificate = await createCertificate(ctx, privateKey, label, id, rsa, opts.certificate, opts.publishedAt);
      return { id, label, publishedAt: opts.publishedAt, publicKey: rsa, certificate };
    } catch (err) {
      // No half-made keys: a key without a certificate would never be published.
      destroyQuietly(ctx, privateKey);
      destroyQuietly(ctx, publicKey);
      throw err;
    }
  }, { timeoutMs: KEY_GENERATION_TIMEOUT_MS });
}

/**
 * Every signing key under `labelPrefix`, with its certificate. A key whose certificate is missing (an
 * older, interrupted generation) gets one now, so the token stays the single source of truth.
 */
export function loadSigningKeys(token: HsmToken, opts: { labelPrefix: string; certificate: CertificateProfile }): Promise<StoredSigningKey[]> {
  return token.run('load signing keys', async (ctx) => {
    const out: StoredSigningKey[] = [];
    const candidates = ctx.findObjects([
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
    ]);
    for (const privateKey of candidates) {
      const [labelBytes, id, n, e] = readAttributes(ctx, privateKey, [pkcs11js.CKA_LABEL, pkcs11js.CKA_ID, pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT]);
      const label = labelBytes.toString('utf8');
      const publishedAt = parseSigningLabel(opts.labelPrefix, label);
      if (publishedAt === undefined || id.length === 0) continue;
      const [certObject] = ctx.findObjects([
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_ID, value: id },
      ], 1);
      const certificate = certObject
        ? readAttributes(ctx, certObject, [pkcs11js.CKA_VALUE])[0]
        : await createCertificate(ctx, privateKey, label, id, { n, e }, opts.certificate, publishedAt);
      out.push({ id, label, publishedAt, publicKey: { n, e }, certificate });
    }
    return out;
  }, { timeoutMs: KEY_GENERATION_TIMEOUT_MS });
}

/** Destroys the private key, public key and certificate of a retired signing key. */
export function destroySigningKey(token: HsmToken, key: { id: Buffer; label: string }): Promise<number> {
  return token.run('destroy retired signing key', (ctx) => {
    const objects = ctx.findObjects([
      { type: pkcs11js.CKA_ID, value: key.id },
      { type: pkcs11js.CKA_LABEL, value: key.label },
    ]);
    for (const o of objects) ctx.api.C_DestroyObject(ctx.session, o);
    ctx.forget(`sign:${key.id.toString('hex')}`);
    return objects.length;
  });
}
