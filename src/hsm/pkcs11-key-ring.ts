// The appliance's KeyRing: signing keys live in the token and the rotation state is the token's own
// labels (see pkcs11-attributes.ts), so there is no state file to lose or to get out of step.
// The ring caches what it read; the JWKS keeps being served from that cache while the token is
// down (it is public data), while sign() fails with ERR_HSM_UNAVAILABLE.
import type { KeyRing, SigningKey } from './signing-key.js';
import type { HsmToken } from './hsm-token.js';
import { hoursToMs, nextPublicationTime, rotationView, type RotationView } from './rotation.js';
import { hsmUnavailable } from './hsm-errors.js';
import {
  Pkcs11SigningKey, destroySigningKey, generateSigningKey, loadSigningKeys, type CertificateProfile,
} from './pkcs11-signing-key.js';

export interface Pkcs11KeyRingOptions {
  labelPrefix: string;
  overlapHours: number;
  rsaBits: number;
  certificate: CertificateProfile;
  /** Re-read the token this often (ms) so a rotation done by `proofgate hsm rotate` is picked up. */
  refreshMs?: number;
  /** Clock (ms since epoch); injectable so tests can walk through an overlap. */
  now?: () => number;
}

export interface KeyRingStatus {
  active: string;
  pending?: string;
  published: string[];
  nextSwitchAt?: string;
  lastRefreshError?: string;
}

export class Pkcs11KeyRing implements KeyRing {
  readonly #token: HsmToken;
  readonly #opts: Pkcs11KeyRingOptions;
  readonly #overlapMs: number;
  readonly #now: () => number;
  #keys: Pkcs11SigningKey[] | undefined;
  #loadedAt = 0;
  #loading: Promise<Pkcs11SigningKey[]> | undefined;
  #lastRefreshError: string | undefined;

  constructor(token: HsmToken, opts: Pkcs11KeyRingOptions) {
    this.#token = token;
    this.#opts = opts;
    this.#overlapMs = hoursToMs(opts.overlapHours);
    this.#now = opts.now ?? Date.now;
  }

  async active(): Promise<SigningKey> {
    return (await this.#view()).active;
  }

  async published(): Promise<SigningKey[]> {
    return (await this.#view()).published;
  }

  /** Re-reads the keys from the token now. */
  async reload(): Promise<Pkcs11SigningKey[]> {
    this.#loading ??= loadSigningKeys(this.#token, this.#opts)
      .then((stored) => {
        this.#keys = stored.map((s) => new Pkcs11SigningKey(this.#token, s));
        this.#loadedAt = this.#now();
        this.#lastRefreshError = undefined;
        return this.#keys;
      })
      .finally(() => { this.#loading = undefined; });
    return this.#loading;
  }

  /** Generates the first signing key if the token has none (used by `proofgate hsm init`). */
  async ensureKey(): Promise<{ created: boolean; key: SigningKey }> {
    const keys = await this.reload();
    if (keys.length > 0) return { created: false, key: rotationView(keys, this.#now(), this.#overlapMs).active };
    await this.#generate();
    return { created: true, key: await this.active() };
  }

  /**
   * Publishes the next key beside the current one; it starts signing once the overlap has passed.
   * While a key is pending, returns that key instead of making another. Destroys retired keys.
   */
  async rotate(): Promise<{ created: boolean; key: SigningKey; retired: string[] }> {
    const keys = await this.reload();
    if (keys.length === 0) throw hsmUnavailable('no signing key in the token yet: run `proofgate hsm init`');
    const view = rotationView(keys, this.#now(), this.#overlapMs);
    for (const old of view.retired) await destroySigningKey(this.#token, old);
    const retired = view.retired.map((k) => k.kid);
    if (view.pending) {
      if (retired.length) await this.reload();
      return { created: false, key: view.pending, retired };
    }
    const next = await this.#generate();
    return { created: true, key: next, retired };
  }

  /** Rotation state for `proofgate hsm status` and health checks. */
  async status(): Promise<KeyRingStatus> {
    const view = await this.#view();
    return {
      active: view.active.kid,
      pending: view.pending?.kid,
      published: view.published.map((k) => k.kid),
      nextSwitchAt: view.nextSwitchAt === undefined ? undefined : new Date(view.nextSwitchAt).toISOString(),
      lastRefreshError: this.#lastRefreshError,
    };
  }

  async #generate(): Promise<Pkcs11SigningKey> {
    const stored = await generateSigningKey(this.#token, {
      labelPrefix: this.#opts.labelPrefix,
      bits: this.#opts.rsaBits,
      publishedAt: nextPublicationTime(this.#keys ?? [], this.#now()),
      certificate: this.#opts.certificate,
    });
    await this.reload();
    return this.#keys!.find((k) => k.id.equals(stored.id))!;
  }

  async #view(): Promise<RotationView<Pkcs11SigningKey>> {
    const stale = this.#now() - this.#loadedAt >= (this.#opts.refreshMs ?? 60_000);
    if (!this.#keys) await this.reload();
    else if (stale) {
      try {
        await this.reload();
      } catch (e) {
        // Keep serving the cached public keys; signing reports the outage itself.
        this.#lastRefreshError = (e as Error).message;
      }
    }
    const keys = this.#keys!;
    if (keys.length === 0) throw hsmUnavailable('no signing key in the token: run `proofgate hsm init`');
    return rotationView(keys, this.#now(), this.#overlapMs);
  }
}
