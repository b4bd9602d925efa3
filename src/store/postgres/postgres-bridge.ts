// A synchronous call into the PostgreSQL connection that lives on a worker thread (postgres-worker-source.ts).
// The Repository interface is synchronous (better-sqlite3's model: repo.transaction(fn) runs a plain
// closure in which several calls and the audit record commit together), so the calling thread posts each
// statement and waits for its answer with Atomics.wait: the event loop stops for one round trip per
// statement (docs/store-and-audit.md, "PostgreSQL": what that costs). The wait is bounded: past it the
// statement fails with ERR_STORE instead of hanging the appliance.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { ProofgateError } from '../../core/errors.js';
import type { BridgeError, BridgeReply, BridgeRequest, BridgeWorkerData } from './bridge-protocol.js';
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
  constructor(e: BridgeError) {
    super('ERR_STORE', e.message, { expose: false });
    this.name = 'PostgresBridgeError';
    this.sqlstate = e.code;
    this.constraint = e.constraint;
  }
}

const PG_MODULE = createRequire(import.meta.url).resolve('pg');

// Room past the server's own statement_timeout, so the server's cancellation (a clean error, the
// connection still usable) normally comes first and this thread's give-up is the last resort.
const WAIT_MARGIN_MS = 2000;

export interface BridgeOptions {
  connection: BridgeWorkerData['connection'];
  /** The longest one statement may take (also the server's statement_timeout). */
  statementTimeoutMs: number;
  /** The longest the connection may take to open. */
  connectTimeoutMs: number;
}

export class PostgresBridge {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #replies: Int32Array;
  readonly #statementTimeoutMs: number;
  readonly #describe: string;
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

  query(text: string, values?: unknown[], name?: string): BridgeResult {
    if (this.#closed) throw new ProofgateError('ERR_STORE', 'the PostgreSQL store is closed', { expose: false });
    return this.#call({ id: 0, kind: 'query', text, values, name }, this.#statementTimeoutMs + WAIT_MARGIN_MS);
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#call({ id: 0, kind: 'close' }, this.#statementTimeoutMs + WAIT_MARGIN_MS);
    } catch {
      // Closing a connection that is already gone: the worker is stopped below either way.
    } finally {
      this.#stop();
    }
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
        if (!reply.ok) throw new PostgresBridgeError(reply.error);
        return { rows: reply.rows, rowCount: reply.rowCount, command: reply.command };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ProofgateError('ERR_STORE', `the PostgreSQL store ${this.#describe} did not answer within ${waitMs} ms`, { expose: false });
      }
      Atomics.wait(this.#replies, 0, seen, left);
    }
  }
}
