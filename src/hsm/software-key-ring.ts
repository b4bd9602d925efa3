// A software-backed SigningKey and KeyRing: real RS256 with node:crypto, private keys in process memory.
// FOR TESTS AND THE BENCHMARK'S COMPARISON ONLY. The appliance signs with Pkcs11KeyRing; nothing in
// src/cli (the wiring) may construct this class.
import { createPrivateKey, createPublicKey, generateKeyPair, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import type { KeyRing, SigningKey } from './signing-key.js';
import { buildSelfSignedCertificate, type RsaPublicKey } from './certificate.js';
import { rs256PublicJwk } from './rsa-jwk.js';
import { hoursToMs, nextPublicationTime, rotationView, type ScheduledKey } from './rotation.js';

const generateKeyPairAsync = promisify(generateKeyPair);
const signAsync = promisify(cryptoSign);

export interface SoftwareKeyOptions {
  /** RSA modulus size; 2048 unless a test needs otherwise. */
  bits?: number;
  /** Certificate CN. */
  commonName?: string;
  /** Clock for certificate validity and publication time (ms since epoch). */
  now?: () => number;
}

function rsaPublicParts(publicKey: KeyObject): RsaPublicKey {
  const jwk = publicKey.export({ format: 'jwk' });
  return { n: Buffer.from(jwk.n as string, 'base64url'), e: Buffer.from(jwk.e as string, 'base64url') };
}

export class SoftwareSigningKey implements SigningKey, ScheduledKey {
  readonly #privateKey: KeyObject;
  readonly #jwk: JWK;
  readonly kid: string;
  readonly publishedAt: number;

  private constructor(privateKey: KeyObject, jwk: JWK, publishedAt: number) {
    this.#privateKey = privateKey;
    this.#jwk = jwk;
    this.kid = jwk.kid as string;
    this.publishedAt = publishedAt;
  }

  static async generate(opts: SoftwareKeyOptions = {}): Promise<SoftwareSigningKey> {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: opts.bits ?? 2048, publicExponent: 0x10001 });
    return SoftwareSigningKey.fromPrivateKey(privateKey, opts);
  }

  /** Wraps an existing private key (KeyObject or PEM), e.g. a fixed test vector. */
  static async fromPrivateKey(key: KeyObject | string, opts: SoftwareKeyOptions = {}): Promise<SoftwareSigningKey> {
    const privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
    if (privateKey.asymmetricKeyType !== 'rsa') throw new TypeError('SoftwareSigningKey: an RSA private key is required');
    const now = (opts.now ?? Date.now)();
    const publicKey = rsaPublicParts(createPublicKey(privateKey));
    const certificate = await buildSelfSignedCertificate({
      publicKey,
      commonName: opts.commonName ?? 'proofgate software test key',
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 365 * 86_400_000),
      sign: (tbs) => signAsync('sha256', tbs, privateKey),
    });
    return new SoftwareSigningKey(privateKey, rs256PublicJwk(publicKey, certificate), now);
  }

  jwk(): JWK {
    return structuredClone(this.#jwk);
  }

  /** Runs on libuv's thread pool (callback form of crypto.sign), like C_SignAsync does. */
  sign(data: Buffer): Promise<Buffer> {
    return signAsync('sha256', data, this.#privateKey);
  }
}

export interface SoftwareKeyRingOptions extends SoftwareKeyOptions {
  /** Hours a new key is published before it signs, and an old one stays after it stops. */
  overlapHours?: number;
}

/** In-memory ring with the same rotation schedule as Pkcs11KeyRing (see rotation.ts). */
export class SoftwareKeyRing implements KeyRing {
  readonly #keys: SoftwareSigningKey[] = [];
  readonly #opts: SoftwareKeyRingOptions;
  readonly #overlapMs: number;
  readonly #now: () => number;

  private constructor(opts: SoftwareKeyRingOptions) {
    this.#opts = opts;
    this.#overlapMs = hoursToMs(opts.overlapHours ?? 48);
    this.#now = opts.now ?? Date.now;
  }

  /** A ring holding one freshly generated key that signs at once. */
  static async create(opts: SoftwareKeyRingOptions = {}): Promise<SoftwareKeyRing> {
    const ring = new SoftwareKeyRing(opts);
    ring.#keys.push(await SoftwareSigningKey.generate(opts));
    return ring;
  }

  async active(): Promise<SigningKey> {
    return rotationView(this.#keys, this.#now(), this.#overlapMs).active;
  }

  async published(): Promise<SigningKey[]> {
    return rotationView(this.#keys, this.#now(), this.#overlapMs).published;
  }

  /** Publishes the next key (or returns the one already pending) and forgets retired keys. */
  async rotate(): Promise<SigningKey> {
    const view = rotationView(this.#keys, this.#now(), this.#overlapMs);
    if (view.pending) return view.pending;
    const publishedAt = nextPublicationTime(this.#keys, this.#now());
    const next = await SoftwareSigningKey.generate({ ...this.#opts, now: () => publishedAt });
    for (const old of view.retired) this.#keys.splice(this.#keys.indexOf(old), 1);
    this.#keys.push(next);
    return next;
  }
}
