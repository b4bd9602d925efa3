// What the calling thread and the PostgreSQL worker thread (postgres-worker-source.ts) say to each other. Every
// reply carries its request's id; a reply that comes after its caller gave up waiting is discarded.
import type { MessagePort } from 'node:worker_threads';
import type { ClientConfig } from 'pg';

export interface BridgeQuery {
  id: number;
  kind: 'query';
  text: string;
  /** Parameters; Buffers arrive as Uint8Array (structured clone). */
  values?: unknown[];
  /** Name of the server-side prepared statement (parsed once per connection). */
  name?: string;
  /**
   * Run only on this connection (its number in the replies): a statement inside a transaction names the
   * connection its BEGIN ran on, so it is refused, never run elsewhere, once that connection is gone.
   */
  connection?: number;
}

/** Opens a new connection, in place of the one there was (if any). */
export interface BridgeConnect {
  id: number;
  kind: 'connect';
  /** If this attempt fails, try again in the background every so many ms until one succeeds (the reply is this attempt's). */
  retryEveryMs?: number;
}

/** Drops the connection without waiting for it (the caller gave up on its answer); no reply. */
export interface BridgeAbandon {
  id: number;
  kind: 'abandon';
}

export interface BridgeClose {
  id: number;
  kind: 'close';
}

export type BridgeRequest = BridgeQuery | BridgeConnect | BridgeAbandon | BridgeClose;

export interface BridgeError {
  message: string;
  /** PostgreSQL's SQLSTATE, or a Node error code (ECONNREFUSED), when known. */
  code?: string;
  constraint?: string;
  /** The statement never reached a server: there was no connection, or not the one it was meant for. */
  notSent?: boolean;
}

/** Where the worker's connection stands after handling a request; on every reply. */
export interface BridgeConnectionState {
  /** The number of the current (or last) connection: each one opened gets the next; 0 before the first. */
  connection: number;
  /** False once that connection is lost (or before the first opens). */
  connected: boolean;
  /** Not connected, and trying again in the background after a failed attempt. */
  reconnecting: boolean;
}

export type BridgeReply = BridgeConnectionState & (
  | { id: number; ok: true; rows: Record<string, unknown>[]; rowCount: number | null; command: string | null }
  | { id: number; ok: false; error: BridgeError }
);

/** Handed to the worker at start. */
export interface BridgeWorkerData {
  /** An Int32Array's buffer: [0] counts replies; the caller waits on it with Atomics.wait. */
  signal: SharedArrayBuffer;
  port: MessagePort;
  /** Where the worker loads pg from (resolved by the calling thread). */
  pgModule: string;
  /** Every connection the worker opens (the first and each one after a loss) is opened with these settings. */
  connection: Pick<ClientConfig, 'host' | 'port' | 'database' | 'user' | 'password' | 'statement_timeout' | 'connectionTimeoutMillis' | 'application_name' | 'ssl'>;
}
