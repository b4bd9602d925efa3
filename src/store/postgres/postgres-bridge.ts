// A synchronous call into the PostgreSQL connection that lives on a worker thread (postgres-worker-source.ts).
// The Repository interface is synchronous (better-sqlite3's model: repo.transaction(fn) runs a plain
// closure in which several calls and the audit record commit together), so the calling thread posts each
// statement and waits for its answer with Atomics.wait: the event loop stops for one round trip per
// statement (docs/store-and-audit.md, "PostgreSQL": what that costs). The wait is bounded: past it the
// statement fails with ERR_STORE instead of hanging the appliance.
// A lost connection (server restart, failover, terminated backend, network reset) fails the statement in
// flight; the next statement outside a transaction opens a new connection first. If that attempt fails, the
// worker tries again every RECONNECT_EVERY_MS in the background, and statements fail at once until it has a
// connection: the event loop waits for a connect timeout once per outage, not once per request.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { ProofgateError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { BridgeConnectionState, BridgeError, BridgeReply, BridgeRequest, BridgeWorkerData } from './bridge-protocol.js';
import { POSTGRES_WORKER_SOURCE } from './postgres-worker-source.js';

export interface BridgeResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
  command: string | null;
}

/**
 * A failure the server or the connection reported; `sqlstate` is PostgreSQL's code where it gave one.
 * The SQL adapter (postgres-sql-database.ts) turns it into the store's error before any caller sees it.
 */
export class PostgresBridgeError extends ProofgateError {
  readonly sqlstate: string | undefined;
  readonly constraint: string | undefined;
  /** The statement never reached a server (no connection, or not the one it was meant for). */
  readonly notSent: boolean;
  constructor(e: BridgeError) {
    super('ERR_STORE', e.message, { expose: false });
    this.name = 'PostgresBridgeError';
    this.sqlstate = e.code;
    this.constraint = e.constraint;
    this.notSent = e.notSent === true;
  }
}

const PG_MODULE = createRequire(import.meta.url).resolve('pg');

// Room past the server's own statement_timeout, so the server's cancellation (a clean error, the
// connection still usable) normally comes first and this thread's give-up is the last resort.
const WAIT_MARGIN_MS = 2000;

/** After a failed attempt to reconnect, the worker tries again this often in the background. */
export const RECONNECT_EVERY_MS = 1000;

export interface BridgeOptions {
  connection: BridgeWorkerData['connection'];
  /** The longest one statement may take (also the server's statement_timeout). */
  statementTimeoutMs: number;
  /** The longest a connection (the first, or a new one after a loss) may take to open. */
  connectTimeoutMs: number;
  /** Where the loss of the connection (once per outage) and its return are logged. */
  log?: Logger;
}

/** The connection as the calling thread last heard of it (from the worker's latest reply). */
interface ConnectionState {
  /** The worker's number for the current connection. */
  number: number;
  connected: boolean;
  /** The worker is trying again in the background after a failed attempt. */
  reconnecting: boolean;
  /** When the connection was lost, for the log line on its return; null while connected. */
  lostAt: number | null;
}

export class PostgresBridge {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #replies: Int32Array;
  readonly #statementTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #describe: string;
  readonly #log: Logger;
  readonly #state: ConnectionState = { number: 0, connected: false, reconnecting: false, lostAt: null };
  #nextId = 1;
  #closed = false;

  private constructor(opts: BridgeOptions) {
    const signal = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const workerData: BridgeWorkerData = { signal, port: port2, connection: opts.connection, pgModule: PG_MODULE };
    // No loader flags (execArgv): the worker is plain JavaScript and must not wait on the parent's loader.
    this.#worker = new Worker(POSTGRES_WORKER_SOURCE, { eval: true, execArgv: [], workerData, transferList: [port2] });
    // The store does not keep the process alive (as a SQLite handle does not); the server closes it on shutdown.
    this.#worker.unref();
    this.#port = port1;
    this.#replies = new Int32Array(signal);
    this.#statementTimeoutMs = opts.statementTimeoutMs;
    this.#connectTimeoutMs = opts.connectTimeoutMs;
    this.#log = opts.log ?? silentLogger;
    this.#describe = `${opts.connection.user ?? ''}@${opts.connection.host ?? ''}:${opts.connection.port ?? ''}/${opts.connection.database ?? ''}`;
  }

  /** Starts the worker and connects, waiting at most connectTimeoutMs. */
  static connect(opts: BridgeOptions): PostgresBridge {
    const bridge = new PostgresBridge(opts);
    try {
      bridge.#call({ id: 0, kind: 'connect' }, opts.connectTimeoutMs + WAIT_MARGIN_MS);
    } catch (e) {
      bridge.#stop();
      const message = e instanceof ProofgateError && !(e instanceof PostgresBridgeError) ? e.message : `cannot connect to the PostgreSQL store ${bridge.#describe}: ${(e as Error).message}`;
      throw new ProofgateError('ERR_STORE', message, { cause: e, expose: false });
    }
    return bridge;
  }

  /**
   * Runs one statement. `connection` (a transaction's statements): only on that connection, never a new
   * one; without it (a statement outside any transaction, a BEGIN) a lost connection is replaced first.
   */
  query(text: string, values?: unknown[], name?: string, connection?: number): BridgeResult {
    if (this.#closed) throw new ProofgateError('ERR_STORE', 'the PostgreSQL store is closed', { expose: false });
    const request: BridgeRequest = { id: 0, kind: 'query', text, values, name, connection };
    const waitMs = this.#statementTimeoutMs + WAIT_MARGIN_MS;
    if (connection !== undefined) {
      if (!this.#state.connected || connection !== this.#state.number) throw this.#lostInTransaction();
      try {
        return this.#call(request, waitMs);
      } catch (e) {
        throw e instanceof PostgresBridgeError && e.notSent ? this.#lostInTransaction() : e;
      }
    }
    const s = this.#state;
    if (!s.connected && !s.reconnecting) this.#reconnect();
    try {
      return this.#call(request, waitMs);
    } catch (e) {
      // Not sent: there was no connection. It may go on a new one, as it was never sent; a statement that
      // was sent is never sent again.
      if (!(e instanceof PostgresBridgeError && e.notSent)) throw e;
      if (s.reconnecting) {
        throw new ProofgateError('ERR_STORE', `the PostgreSQL store ${this.#describe} is unreachable (${e.message}); trying to reconnect every ${RECONNECT_EVERY_MS} ms`, { expose: false });
      }
      this.#reconnect(); // lost while idle: noticed by the worker, not yet here
      return this.#call(request, waitMs);
    }
  }

  /** The number of the connection statements run on now (a transaction records the one its BEGIN ran on). */
  get connection(): number {
    return this.#state.number;
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state.connected = false; // closed on purpose: not an outage to log
    try {
      this.#call({ id: 0, kind: 'close' }, this.#statementTimeoutMs + WAIT_MARGIN_MS);
    } catch {
      // Closing a connection that is already gone: the worker is stopped below either way.
    } finally {
      this.#stop();
    }
  }

  #lostInTransaction(): ProofgateError {
    return new ProofgateError('ERR_STORE', `the connection to the PostgreSQL store ${this.#describe} was lost inside a transaction; the server rolled the transaction back`, { expose: false });
  }

  /** Opens a new connection in place of the lost one; if that fails, the worker goes on trying in the background. */
  #reconnect(): void {
    try {
      this.#call({ id: 0, kind: 'connect', retryEveryMs: RECONNECT_EVERY_MS }, this.#connectTimeoutMs + WAIT_MARGIN_MS);
    } catch (e) {
      throw new ProofgateError('ERR_STORE', `cannot reconnect to the PostgreSQL store ${this.#describe}: ${(e as Error).message}`, { cause: e, expose: false });
    }
  }

  /** Takes in where the worker's connection stands; its loss and its return are logged once each. */
  #heard(reply: BridgeConnectionState, why: string): void {
    const s = this.#state;
    if (s.connected && !reply.connected) {
      s.lostAt = Date.now();
      this.#log('store-connection-lost', { store: this.#describe, error: why }, 'warn');
    } else if (!s.connected && reply.connected && s.lostAt !== null) {
      this.#log('store-reconnected', { store: this.#describe, downMs: Date.now() - s.lostAt });
      s.lostAt = null;
    }
    s.connected = reply.connected;
    s.reconnecting = reply.reconnecting;
    s.number = reply.connection;
  }

  #stop(): void {
    this.#closed = true;
    this.#port.close();
    void this.#worker.terminate();
  }

  #call(request: BridgeRequest, waitMs: number): BridgeResult {
    const id = this.#nextId++;
    this.#port.postMessage({ ...request, id });
    const deadline = Date.now() + waitMs;
    for (;;) {
      // Read the counter before draining: a reply posted after the drain has bumped it, so the wait
      // below returns at once instead of sleeping through it.
      const seen = Atomics.load(this.#replies, 0);
      for (let m = receiveMessageOnPort(this.#port); m; m = receiveMessageOnPort(this.#port)) {
        const reply = m.message as BridgeReply;
        if (reply.id !== id) continue; // the late answer of a statement whose caller gave up
        this.#heard(reply, reply.ok ? 'the connection closed' : reply.error.message);
        if (!reply.ok) throw new PostgresBridgeError(reply.error);
        return { rows: reply.rows, rowCount: reply.rowCount, command: reply.command };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        // What became of the statement is unknown, and the connection may be dead without a word (a
        // failover that moved the address): drop it, so the next statement starts on a new one.
        if (request.kind !== 'close') this.#port.postMessage({ id: 0, kind: 'abandon' });
        this.#heard({ connection: this.#state.number, connected: false, reconnecting: false }, `no answer within ${waitMs} ms`);
        throw new ProofgateError('ERR_STORE', `the PostgreSQL store ${this.#describe} did not answer within ${waitMs} ms`, { expose: false });
      }
      Atomics.wait(this.#replies, 0, seen, left);
    }
  }
}
