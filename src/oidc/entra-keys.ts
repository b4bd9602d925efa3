// Entra's signing keys, which validate id_token_hint. Two sources: each cloud's JWKS downloaded over
// HTTPS (cached, refreshed on an unknown kid at most once per interval), or JWKS files pinned by the
// operator with `proofgate import-entra-jwks`, in which case nothing is ever fetched.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EntraKeysConfig } from '../config/sections/oidc.js';
import { ProofgateError } from '../core/errors.js';
import { ENTRA_CLOUDS } from '../config/sections/oidc.js';
import type { EntraCloud } from './clouds.js';
import { importEntraKeys, parseEntraJwks } from './entra-jwks.js';

export interface EntraKeySource {
  /**
   * The key `cloud` signs hints with under `kid`, or null when that cloud has no such key.
   * Rejects with ERR_ENTRA_KEYS_UNAVAILABLE when the keys cannot be obtained at all.
   */
  verificationKey(cloud: EntraCloud, kid: string): Promise<CryptoKey | null>;
  /** For /health: whether the keys hints are checked against are current (never makes a network call). */
  freshness(): EntraKeysFreshness;
}

export interface EntraKeysFreshness {
  ok: boolean;
  detail: string;
}

export interface EntraKeysOptions {
  config: EntraKeysConfig;
  /** server.dataDir, already resolved: relative pinned files live inside it. */
  dataDir: string;
  /** Injected for tests; defaults to the global fetch looked up at call time. */
  fetch?: typeof fetch;
  now?: () => number;
}

const MAX_JWKS_BYTES = 1024 * 1024;
const FAILED_FETCH_RETRY_MS = 10_000;

const unavailable = (message: string, cause?: unknown) =>
  new ProofgateError('ERR_ENTRA_KEYS_UNAVAILABLE', message, { status: 503, expose: true, cause });

export function createEntraKeys(opts: EntraKeysOptions): EntraKeySource {
  return opts.config.source === 'pinned' ? new PinnedEntraKeys(opts) : new FetchedEntraKeys(opts);
}

/** Resolves a pinned file name from config against the data directory. */
export function pinnedJwksPath(config: EntraKeysConfig, dataDir: string, cloud: EntraCloud): string {
  const file = config.pinnedFiles[cloud];
  return path.isAbsolute(file) ? file : path.join(dataDir, file);
}

class PinnedEntraKeys implements EntraKeySource {
  readonly #opts: EntraKeysOptions;
  readonly #loaded = new Map<EntraCloud, { mtimeMs: number; size: number; keys: Map<string, CryptoKey> }>();

  constructor(opts: EntraKeysOptions) {
    this.#opts = opts;
  }

  /**
   * Pinned keys never refresh themselves: Entra rotates its signing keys, so a file older than
   * pinnedMaxAgeDays is stale (re-import it). Clouds without a file are not in use; none at all is degraded.
   */
  freshness(): EntraKeysFreshness {
    const now = (this.#opts.now ?? Date.now)();
    const maxAgeMs = this.#opts.config.pinnedMaxAgeDays * 86_400_000;
    const present = ENTRA_CLOUDS.map((cloud) => ({ cloud, file: pinnedJwksPath(this.#opts.config, this.#opts.dataDir, cloud) }))
      .filter((c) => existsSync(c.file));
    if (present.length === 0) return { ok: false, detail: 'no pinned Entra JWKS (import one with "proofgate import-entra-jwks")' };
    const stale = present.filter((c) => now - statSync(c.file).mtimeMs > maxAgeMs).map((c) => c.cloud);
    if (stale.length > 0) return { ok: false, detail: `pinned JWKS older than ${this.#opts.config.pinnedMaxAgeDays} days: ${stale.join(', ')} (re-import)` };
    return { ok: true, detail: `pinned: ${present.map((c) => c.cloud).join(', ')}` };
  }

  async verificationKey(cloud: EntraCloud, kid: string): Promise<CryptoKey | null> {
    const file = pinnedJwksPath(this.#opts.config, this.#opts.dataDir, cloud);
    let stat;
    try {
      stat = statSync(file);
    } catch (e) {
      throw unavailable(`no pinned Entra JWKS for the ${cloud} cloud (import one with "proofgate import-entra-jwks")`, e);
    }
    let cached = this.#loaded.get(cloud);
    // Re-read when the operator imports a new file, without a restart.
    if (!cached || cached.mtimeMs !== stat.mtimeMs || cached.size !== stat.size) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw unavailable(`pinned Entra JWKS for the ${cloud} cloud is unreadable`, e);
      }
      cached = { mtimeMs: stat.mtimeMs, size: stat.size, keys: await importEntraKeys(parseEntraJwks(parsed, `pinned JWKS (${cloud})`)) };
      this.#loaded.set(cloud, cached);
    }
    return cached.keys.get(kid) ?? null;
  }
}

interface CloudKeyCache {
  keys: Map<string, CryptoKey> | null;
  fetchedAt: number;
  lastAttemptAt: number;
  lastAttemptFailed: boolean;
  inflight: Promise<void> | null;
}

class FetchedEntraKeys implements EntraKeySource {
  readonly #opts: EntraKeysOptions;
  readonly #now: () => number;
  readonly #clouds = new Map<EntraCloud, CloudKeyCache>();

  constructor(opts: EntraKeysOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Keys are fetched on demand, so an unused cloud is fine. Degraded when the last download failed and what
   * is held is none, or older than cacheSeconds (hints are then checked against keys Entra may have retired).
   */
  freshness(): EntraKeysFreshness {
    const now = this.#now();
    const failing = [...this.#clouds].filter(([, c]) => c.lastAttemptFailed && (!c.keys || now - c.fetchedAt > this.#opts.config.cacheSeconds * 1000));
    if (failing.length > 0) return { ok: false, detail: `download failing, keys missing or stale: ${failing.map(([cloud]) => cloud).join(', ')}` };
    const held = [...this.#clouds].filter(([, c]) => c.keys).map(([cloud]) => cloud);
    return { ok: true, detail: held.length > 0 ? `fetched: ${held.join(', ')}` : 'fetched on first use' };
  }

  async verificationKey(cloud: EntraCloud, kid: string): Promise<CryptoKey | null> {
    const c = this.#cache(cloud);
    const now = this.#now();
    const stale = !c.keys || now - c.fetchedAt > this.#opts.config.cacheSeconds * 1000;
    if (stale && this.#mayAttempt(c, now)) await this.#refresh(cloud, c);
    if (!c.keys) throw unavailable(`Entra signing keys for the ${cloud} cloud could not be fetched`);
    const key = c.keys.get(kid);
    if (key) return key;
    // Unknown kid: Entra may have rotated. Refresh, but not more than once per interval.
    if (this.#mayAttempt(c, this.#now())) {
      await this.#refresh(cloud, c).catch(() => undefined);
      return c.keys.get(kid) ?? null;
    }
    return null;
  }

  #cache(cloud: EntraCloud): CloudKeyCache {
    let c = this.#clouds.get(cloud);
    if (!c) {
      c = { keys: null, fetchedAt: 0, lastAttemptAt: -Infinity, lastAttemptFailed: false, inflight: null };
      this.#clouds.set(cloud, c);
    }
    return c;
  }

  #mayAttempt(c: CloudKeyCache, now: number): boolean {
    if (c.inflight) return true;
    const interval = this.#opts.config.refreshMinIntervalSeconds * 1000;
    // After a failure (or with no keys yet) retry sooner: hints keep arriving and need keys.
    const wait = c.lastAttemptFailed || !c.keys ? Math.min(FAILED_FETCH_RETRY_MS, interval) : interval;
    return now - c.lastAttemptAt >= wait;
  }

  /** One download at a time per cloud; concurrent callers share it. Keeps the old keys if it fails. */
  async #refresh(cloud: EntraCloud, c: CloudKeyCache): Promise<void> {
    if (!c.inflight) {
      c.lastAttemptAt = this.#now();
      c.inflight = this.#download(cloud)
        .then((keys) => {
          c.keys = keys;
          c.fetchedAt = this.#now();
          c.lastAttemptFailed = false;
        }, (e: unknown) => {
          c.lastAttemptFailed = true;
          throw e;
        })
        .finally(() => {
          c.inflight = null;
        });
    }
    await c.inflight.catch((e: unknown) => {
      if (!c.keys) throw e;
    });
  }

  async #download(cloud: EntraCloud): Promise<Map<string, CryptoKey>> {
    const parsed = await downloadEntraJwks(this.#opts.config.jwksUrls[cloud], cloud, {
      timeoutMs: this.#opts.config.fetchTimeoutMs,
      fetch: this.#opts.fetch,
    });
    try {
      return await importEntraKeys(parseEntraJwks(parsed, `Entra JWKS (${cloud})`));
    } catch (e) {
      throw unavailable(`Entra JWKS for the ${cloud} cloud was refused: ${(e as Error).message}`, e);
    }
  }
}

/**
 * One bounded download of a cloud's JWKS (timeout, no redirects, at most 1 MiB), parsed as JSON but not
 * yet checked as a JWKS. Shared by the fetching key source and `import-entra-jwks --fetch`.
 */
export async function downloadEntraJwks(
  url: string,
  cloud: EntraCloud,
  opts: { timeoutMs: number; fetch?: typeof fetch },
): Promise<unknown> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  let body: string;
  try {
    const res = await doFetch(url, { signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'error' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_JWKS_BYTES) throw new Error('JWKS too large');
    body = await res.text();
    if (body.length > MAX_JWKS_BYTES) throw new Error('JWKS too large');
  } catch (e) {
    throw unavailable(`Entra signing keys for the ${cloud} cloud could not be fetched (${(e as Error).message})`, e);
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw unavailable(`Entra JWKS for the ${cloud} cloud is not JSON`, e);
  }
}
