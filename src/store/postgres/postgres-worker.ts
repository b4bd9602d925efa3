// The worker thread that holds the store's one PostgreSQL connection (pg). The calling thread posts a
// statement and blocks in Atomics.wait until this thread has posted the answer and bumped the signal
// (postgres-bridge.ts); pg runs the statements one after another in the order they arrive.
import { workerData } from 'node:worker_threads';
import pg from 'pg';
import type { BridgeReply, BridgeRequest, BridgeWorkerData } from './bridge-protocol.js';

const { signal, port, connection } = workerData as BridgeWorkerData;
const replies = new Int32Array(signal);

const INT8_OID = 20;
// bigint columns (times in ms, counts) come back as JS numbers; a value past 2^53 comes back as a bigint,
// which the calling thread refuses instead of rounding it.
function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

const client = new pg.Client({
  ...connection,
  types: {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
  },
});
let lost: Error | null = null;
// A dropped connection is reported to the next statement instead of killing the thread.
client.on('error', (e) => { lost = e; });

function answer(reply: BridgeReply): void {
  port.postMessage(reply);
  Atomics.add(replies, 0, 1);
  Atomics.notify(replies, 0);
}

function failure(id: number, e: unknown): BridgeReply {
  const err = e as { message?: string; code?: string; constraint?: string };
  return { id, ok: false, error: { message: String(err?.message ?? e), code: err?.code, constraint: err?.constraint } };
}

const asBuffer = (v: unknown): unknown => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

async function handle(req: BridgeRequest): Promise<BridgeReply> {
  try {
    if (lost) throw lost;
    if (req.kind === 'connect') {
      await client.connect();
      return { id: req.id, ok: true, rows: [], rowCount: null, command: null };
    }
    if (req.kind === 'close') {
      await client.end();
      return { id: req.id, ok: true, rows: [], rowCount: null, command: null };
    }
    const result = await client.query({ text: req.text, values: req.values?.map(asBuffer), name: req.name });
    return { id: req.id, ok: true, rows: result.rows, rowCount: result.rowCount, command: result.command ?? null };
  } catch (e) {
    return failure(req.id, e);
  }
}

port.on('message', (req: BridgeRequest) => {
  // pg queues the queries in arrival order; each answer is posted as soon as its own query ends.
  void handle(req).then(answer, (e) => answer(failure(req.id, e))).finally(() => {
    if (req.kind === 'close') port.close();
  });
});
