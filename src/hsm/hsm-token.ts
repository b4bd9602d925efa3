// The PKCS#11 session manager: finds the token by label, keeps a small pool of logged-in RW sessions,
// bounds every operation in time and turns any token failure into ERR_HSM_UNAVAILABLE. After a failure
// the connection is dropped and the module re-initialised on the next call (after retryBackoffMs), so
// the appliance recovers by itself when the token comes back.
//
// Limits: crypto runs in pkcs11js *Async calls on libuv's thread pool and is bounded by
// operationTimeoutMs. Session management (C_Initialize, C_OpenSession, C_Login, C_FindObjects) is
// synchronous in pkcs11js; SoftHSM answers those in microseconds, a network HSM client may not.
import { createHash } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle, Template } from 'pkcs11js';
import { ProofgateError } from '../core/errors.js';
import { Pkcs11Library, type Pkcs11Api } from './pkcs11-library.js';
import { ckrName, hsmUnavailable } from './hsm-errors.js';

export interface HsmTokenOptions {
  /** Path of the PKCS#11 shared library. */
  modulePath: string;
  /** CKA token label (blank padding ignored). */
  tokenLabel: string;
  /** Returns the user PIN; read on every (re)connect so a rotated PIN file is picked up. */
  readPin: () => string;
  operationTimeoutMs: number;
  retryBackoffMs: number;
  sessionPoolSize: number;
  /** Clock for the retry backoff (ms). */
  now?: () => number;
  /**
   * Told of every failed operation (ERR_HSM_UNAVAILABLE or ERR_HSM) with the operation's kind ("sign",
   * "wrap data key": no key id, a bounded set): the appliance logs and counts it. Never given a PIN.
   */
  onFailure?: (operation: string, error: ProofgateError) => void;
}

/** "sign (kid abc)" → "sign": the operation's kind, without the per-key detail. */
export function operationKind(operation: string): string {
  return operation.replace(/\s*\(.*\)$/, '');
}

/** What an operation gets: the API, one session for its exclusive use, and per-connection caches. */
export interface TokenContext {
  readonly api: Pkcs11Api;
  readonly session: Handle;
  /** Cached object lookup; handles are only valid until the next reconnect, and so is this cache. */
  handle(cacheKey: string, find: () => Handle): Handle;
  /** All objects matching `template` (up to `limit`). */
  findObjects(template: Template, limit?: number): Handle[];
  forget(cacheKey: string): void;
}

export interface RunOptions {
  /** Longer bound for slow operations (key generation); operationTimeoutMs otherwise. */
  timeoutMs?: number;
  /**
   * Called when the token reported an error and a health probe found the token fine: returns the
   * error to raise for this input (e.g. a corrupt wrapped key), or undefined to treat it as an outage.
   */
  inputError?: (cause: unknown) => ProofgateError | undefined;
}

interface PooledSession {
  handle: Handle;
  busy: boolean;
  /** Its operation timed out and may still be running natively: never reuse it. */
  abandoned: boolean;
}

interface Connection {
  generation: number;
  slot: Handle;
  sessions: PooledSession[];
  handles: Map<string, Handle>;
  waiters: Array<(s: PooledSession | undefined) => void>;
}

export type HsmTokenState = 'idle' | 'open' | 'unavailable' | 'closed';

// CK_STATE values (PKCS#11 2.40 §5.7); pkcs11js does not export them.
const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;
const READY_STATES = new Set([CKS_RW_USER_FUNCTIONS, CKS_RO_USER_FUNCTIONS]);

function pinFingerprint(pin: string): string {
  return createHash('sha256').update(pin).digest('hex');
}

export class HsmToken {
  readonly #opts: HsmTokenOptions;
  readonly #lib: Pkcs11Library;
  readonly #now: () => number;
  #conn: Connection | undefined;
  #closed = false;
  #needsReset = false;
  #failure: { reason: string; retryAt: number; cause?: unknown } | undefined;
  /** A PIN the token refused: never presented again (a real HSM locks the user after a few tries). */
  #rejectedPin: string | undefined;

  constructor(opts: HsmTokenOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#lib = Pkcs11Library.for(opts.modulePath);
    this.#lib.attach();
  }

  get tokenLabel(): string {
    return this.#opts.tokenLabel;
  }

  get operationTimeoutMs(): number {
    return this.#opts.operationTimeoutMs;
  }

  /** For health endpoints and logs; never contains a PIN. */
  status(): { state: HsmTokenState; reason?: string; retryAt?: number } {
    if (this.#closed) return { state: 'closed' };
    if (this.#failure) return { state: 'unavailable', reason: this.#failure.reason, retryAt: this.#failure.retryAt };
    return { state: this.#conn && this.#conn.generation === this.#lib.generation ? 'open' : 'idle' };
  }

  /**
   * Runs `fn` with an exclusive session. Rejects with ERR_HSM_UNAVAILABLE if the token cannot be reached,
   * a session does not free up, or `fn` does not finish within operationTimeoutMs. ProofgateErrors that
   * `fn` throws itself pass through unchanged.
   */
  async run<T>(operation: string, fn: (ctx: TokenContext) => T | Promise<T>, opts: RunOptions = {}): Promise<T> {
    try {
      return await this.#run(operation, fn, opts);
    } catch (e) {
      if (e instanceof ProofgateError && (e.code === 'ERR_HSM_UNAVAILABLE' || e.code === 'ERR_HSM')) this.#opts.onFailure?.(operationKind(operation), e);
      throw e;
    }
  }

  async #run<T>(operation: string, fn: (ctx: TokenContext) => T | Promise<T>, opts: RunOptions): Promise<T> {
    const limitMs = opts.timeoutMs ?? this.#opts.operationTimeoutMs;
    const deadline = this.#now() + limitMs;
    const conn = this.#connection();
    const pooled = await this.#acquire(conn, deadline, operation);
    let timer: NodeJS.Timeout | undefined;
    try {
      const ctx = this.#context(conn, pooled);
      const settled = this.#lib.track();
      const work = (async () => fn(ctx))();
      work.then(settled, settled);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(TIMED_OUT), Math.max(0, deadline - this.#now()));
      });
      return await Promise.race([work, timeout]);
    } catch (e) {
      if (e === TIMED_OUT) {
        pooled.abandoned = true;
        throw this.#fail(`${operation} did not finish within ${limitMs} ms`);
      }
      if (e instanceof ProofgateError) {
        if (e.code === 'ERR_HSM_UNAVAILABLE') this.#fail(e.message.replace(/^HSM unavailable: /, ''), e.cause);
        throw e;
      }
      const input = opts.inputError && this.#healthy(conn, pooled) ? opts.inputError(e) : undefined;
      if (input) throw input;
      throw this.#fail(`${operation} failed: ${ckrName(e) ?? (e as Error).message}`, e);
    } finally {
      clearTimeout(timer);
      this.#release(conn, pooled);
    }
  }

  /** Closes the sessions and lets the module finalize once nobody else uses it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#drop();
    this.#lib.detach();
  }

  #connection(): Connection {
    if (this.#closed) throw hsmUnavailable('token handle closed');
    const current = this.#conn;
    if (current && current.generation === this.#lib.generation) return current;
    if (current) this.#drop(); // another user re-initialised the module: our sessions died with it
    if (this.#failure && this.#now() < this.#failure.retryAt) {
      throw hsmUnavailable(`${this.#failure.reason} (next attempt in ${this.#failure.retryAt - this.#now()} ms)`, this.#failure.cause);
    }
    try {
      return this.#connect();
    } catch (e) {
      const reason = e instanceof ProofgateError ? e.message.replace(/^HSM unavailable: /, '') : `connect failed: ${ckrName(e) ?? (e as Error).message}`;
      throw this.#fail(reason, e instanceof ProofgateError ? e.cause ?? e : e);
    }
  }

  #connect(): Connection {
    // Finalizing under native calls that are still running could crash the process; while any are,
    // reconnect with fresh sessions on the initialised module and leave the reset for a later attempt.
    if (this.#needsReset && this.#lib.reset()) this.#needsReset = false;
    const { api, generation } = this.#lib.ensureInitialised();
    const slot = this.#findSlot(api);
    const sessions: PooledSession[] = [];
    const conn: Connection = { generation, slot, sessions, handles: new Map(), waiters: [] };
    try {
      for (let i = 0; i < this.#opts.sessionPoolSize; i++) {
        sessions.push({ handle: api.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION), busy: false, abandoned: false });
      }
      this.#login(api, sessions[0].handle);
    } catch (e) {
      this.#closeSessions(api, sessions);
      throw e;
    }
    this.#conn = conn;
    this.#failure = undefined;
    this.#needsReset = false;
    return conn;
  }

  #findSlot(api: Pkcs11Api): Handle {
    const wanted = this.#opts.tokenLabel;
    for (const slot of api.C_GetSlotList(true)) {
      const info = api.C_GetTokenInfo(slot);
      if (info.label.replace(/[ \0]+$/, '') === wanted && (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0) return slot;
    }
    throw hsmUnavailable(`no initialised token labelled "${wanted}" in ${this.#opts.modulePath}`);
  }

  #login(api: Pkcs11Api, session: Handle): void {
    let pin: string;
    try {
      pin = this.#opts.readPin();
    } catch (e) {
      throw hsmUnavailable(`cannot read the token PIN: ${(e as Error).message}`);
    }
    const fingerprint = pinFingerprint(pin);
    if (fingerprint === this.#rejectedPin) {
      throw hsmUnavailable('the token refused this PIN before; not retrying it (fix the PIN file, the new value is used)');
    }
    try {
      api.C_Login(session, pkcs11js.CKU_USER, pin);
    } catch (e) {
      const ckr = ckrName(e);
      if (ckr === 'CKR_USER_ALREADY_LOGGED_IN') return; // login is per application, another user did it
      if (ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_PIN_LOCKED' || ckr === 'CKR_PIN_EXPIRED' || ckr === 'CKR_PIN_LEN_RANGE') {
        this.#rejectedPin = fingerprint;
        throw hsmUnavailable(`token refused the user PIN (${ckr})`);
      }
      throw e;
    }
  }

  /** Health probe after an error: is our session still logged in and the module alive? */
  #healthy(conn: Connection, pooled: PooledSession): boolean {
    const api = this.#lib.current();
    if (!api || conn.generation !== this.#lib.generation) return false;
    try {
      const info = api.C_GetSessionInfo(pooled.handle);
      return READY_STATES.has(info.state);
    } catch {
      return false;
    }
  }

  #fail(reason: string, cause?: unknown): ProofgateError {
    this.#failure = { reason, retryAt: this.#now() + this.#opts.retryBackoffMs, cause };
    this.#needsReset = true;
    this.#drop();
    return hsmUnavailable(reason, cause);
  }

  #drop(): void {
    const conn = this.#conn;
    this.#conn = undefined;
    if (!conn) return;
    for (const w of conn.waiters.splice(0)) w(undefined);
    const api = this.#lib.current();
    if (!api || conn.generation !== this.#lib.generation) return; // the sessions died with the old module state
    this.#closeSessions(api, conn.sessions.filter((s) => !s.busy && !s.abandoned));
  }

  #closeSessions(api: Pkcs11Api, sessions: PooledSession[]): void {
    for (const s of sessions) {
      try {
        api.C_CloseSession(s.handle);
      } catch {
        // Session already invalid.
      }
    }
  }

  #acquire(conn: Connection, deadline: number, operation: string): Promise<PooledSession> {
    const free = conn.sessions.find((s) => !s.busy && !s.abandoned);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (conn.sessions.every((s) => s.abandoned)) return Promise.reject(this.#fail('every session is stuck in an abandoned operation'));
    return new Promise((resolve, reject) => {
      const waiter = (s: PooledSession | undefined) => {
        clearTimeout(timer);
        if (s) resolve(s);
        else reject(hsmUnavailable(`connection dropped while ${operation} waited for a session`));
      };
      const timer = setTimeout(() => {
        const i = conn.waiters.indexOf(waiter);
        if (i >= 0) conn.waiters.splice(i, 1);
        reject(hsmUnavailable(`${operation} found no free token session in time`));
      }, Math.max(0, deadline - this.#now()));
      conn.waiters.push(waiter);
    });
  }

  #release(conn: Connection, pooled: PooledSession): void {
    if (pooled.abandoned) return;
    const next = this.#conn === conn ? conn.waiters.shift() : undefined;
    if (next) next(pooled); // stays busy: handed straight to the next waiter
    else pooled.busy = false;
  }

  #context(conn: Connection, pooled: PooledSession): TokenContext {
    const api = this.#lib.current();
    if (!api) throw hsmUnavailable('PKCS#11 module was finalized');
    return {
      api,
      session: pooled.handle,
      handle(cacheKey, find) {
        let h = conn.handles.get(cacheKey);
        if (!h) {
          h = find();
          conn.handles.set(cacheKey, h);
        }
        return h;
      },
      forget(cacheKey) {
        conn.handles.delete(cacheKey);
      },
      findObjects(template, limit = 1000) {
        api.C_FindObjectsInit(pooled.handle, template);
        try {
          return api.C_FindObjects(pooled.handle, limit);
        } finally {
          api.C_FindObjectsFinal(pooled.handle);
        }
      },
    };
  }
}

const TIMED_OUT = Symbol('timed out');
