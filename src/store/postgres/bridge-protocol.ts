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
}

export interface BridgeConnect {
  id: number;
  kind: 'connect';
}

export interface BridgeClose {
  id: number;
  kind: 'close';
}

export type BridgeRequest = BridgeQuery | BridgeConnect | BridgeClose;

export interface BridgeError {
  message: string;
  /** PostgreSQL's SQLSTATE, or a Node error code (ECONNREFUSED), when known. */
  code?: string;
  constraint?: string;
}

export type BridgeReply =
  | { id: number; ok: true; rows: Record<string, unknown>[]; rowCount: number | null; command: string | null }
  | { id: number; ok: false; error: BridgeError };

/** Handed to the worker at start. */
export interface BridgeWorkerData {
  /** An Int32Array's buffer: [0] counts replies; the caller waits on it with Atomics.wait. */
  signal: SharedArrayBuffer;
  port: MessagePort;
  /** Where the worker loads pg from (resolved by the calling thread). */
  pgModule: string;
  connection: Pick<ClientConfig, 'host' | 'port' | 'database' | 'user' | 'password' | 'statement_timeout' | 'connectionTimeoutMillis' | 'application_name' | 'ssl'>;
}
