// The program of the worker thread that holds the store's one PostgreSQL connection (pg). The calling
// thread posts a statement and blocks in Atomics.wait until this thread has posted the answer and bumped
// the reply counter (postgres-bridge.ts); pg runs the statements one after another in arrival order.
// It is plain JavaScript run with `eval` and no loader flags: a worker that had to load TypeScript through
// the parent's loader hooks can stall while the parent thread sits in Atomics.wait (seen with tsx when
// the store is opened during module evaluation), and plain source needs no file beside the compiled one.
// Protocol types: bridge-protocol.ts.
export const POSTGRES_WORKER_SOURCE = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgModule);
const { signal, port, connection } = workerData;
const replies = new Int32Array(signal);

// bigint columns (times in ms, counts) come back as JS numbers; a value past 2^53 comes back as a
// BigInt, which the calling thread refuses instead of rounding it.
const INT8_OID = 20;
function parseInt8(text) {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

const client = new pg.Client({
  ...connection,
  types: { getTypeParser: (oid, format) => (oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) },
});
let lost = null;
// A dropped connection is reported to the next statement instead of ending the thread.
client.on('error', (e) => { lost = e; });

function answer(reply) {
  port.postMessage(reply);
  Atomics.add(replies, 0, 1);
  Atomics.notify(replies, 0);
}

function failure(id, e) {
  return { id, ok: false, error: { message: String(e && e.message !== undefined ? e.message : e), code: e && e.code, constraint: e && e.constraint } };
}

// Buffers cross the thread boundary as Uint8Array.
const asBuffer = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

async function handle(req) {
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
    const values = req.values === undefined ? undefined : req.values.map(asBuffer);
    const result = await client.query({ text: req.text, values, name: req.name });
    return { id: req.id, ok: true, rows: result.rows, rowCount: result.rowCount, command: result.command || null };
  } catch (e) {
    return failure(req.id, e);
  }
}

port.on('message', (req) => {
  handle(req).then(answer, (e) => answer(failure(req.id, e))).finally(() => {
    if (req.kind === 'close') port.close();
  });
});
`;
