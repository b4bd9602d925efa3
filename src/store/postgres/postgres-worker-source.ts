// The program of the worker thread that holds the store's PostgreSQL connection (pg). The calling thread
// posts a statement and blocks in Atomics.wait until this thread has posted the answer and bumped the reply
// counter (postgres-bridge.ts); pg runs the statements one after another in arrival order.
// A connection that is lost (the server restarted or failed over, the backend was terminated, the network
// reset it) is dropped here and the next statement is answered "not sent"; the calling thread decides
// whether to open a new one ('connect'), so a statement of a transaction never runs on another connection.
// When that attempt fails, this thread keeps trying in the background (retryEveryMs), so the calling thread
// waits for a connect timeout once per outage and statements meanwhile fail at once.
// Every connection is opened from the same settings (statement_timeout, application_name, TLS), and pg
// keeps named prepared statements per connection, so a new one parses them again.
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
const types = { getTypeParser: (oid, format) => (oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) };

// The connection in use (null before the first and once it is lost), its number, and why the last one went
// (or why the last attempt to open one failed).
let client = null;
let connectionNumber = 0;
let lostBecause = 'not connected yet';
// Bumped by every 'connect' and 'close': background attempts begun for an older one stop.
let generation = 0;
let reconnecting = false;

// After these the server has ended the session: SQLSTATE class 08 (connection exception) and 57P01-57P05
// (terminated by an administrator, a crash, a server starting or stopping, a dropped database, idle
// timeout), any FATAL or PANIC, a socket error (ECONNRESET, EPIPE, ...) and pg's own "Connection terminated".
function endsSession(e) {
  const code = e && typeof e.code === 'string' ? e.code : '';
  if (/^(08|57P0)/.test(code) || /^E[A-Z]+$/.test(code)) return true;
  if (e && (e.severity === 'FATAL' || e.severity === 'PANIC')) return true;
  return /Connection terminated|not queryable/.test(String(e && e.message));
}

const messageOf = (e) => String(e && e.message !== undefined ? e.message : e);

function drop(c, e) {
  if (client !== c) return;
  client = null;
  lostBecause = messageOf(e);
  // Closes the socket (at once when it is dead or a statement is still out); its late errors land in
  // the listener below, which no longer matches the current client.
  c.end().catch(() => undefined);
}

function answer(reply) {
  port.postMessage({ ...reply, connection: connectionNumber, connected: client !== null, reconnecting });
  Atomics.add(replies, 0, 1);
  Atomics.notify(replies, 0);
}

function failure(id, e) {
  return { id, ok: false, error: { message: messageOf(e), code: e && e.code, constraint: e && e.constraint } };
}

const done = (id) => ({ id, ok: true, rows: [], rowCount: null, command: null });

// Buffers cross the thread boundary as Uint8Array.
const asBuffer = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

async function connectOnce(gen) {
  const c = new pg.Client({ ...connection, types });
  // A connection dropped while idle is noticed here; the next statement hears of it (never an uncaught error).
  c.on('error', (e) => drop(c, e));
  try {
    await c.connect();
  } catch (e) {
    c.end().catch(() => undefined);
    if (gen === generation) lostBecause = messageOf(e);
    throw e;
  }
  if (gen !== generation) {
    c.end().catch(() => undefined);
    throw new Error('superseded by a newer request');
  }
  client = c;
  connectionNumber += 1;
  reconnecting = false;
}

function retryInBackground(gen, everyMs) {
  reconnecting = true;
  setTimeout(() => {
    if (gen !== generation || client !== null) return;
    connectOnce(gen).catch(() => {
      if (gen === generation && client === null) retryInBackground(gen, everyMs);
    });
  }, everyMs);
}

async function connect(req) {
  generation += 1;
  reconnecting = false;
  const gen = generation;
  if (client) drop(client, new Error('replaced by a new connection'));
  try {
    await connectOnce(gen);
    return done(req.id);
  } catch (e) {
    if (req.retryEveryMs > 0 && gen === generation) retryInBackground(gen, req.retryEveryMs);
    return failure(req.id, e);
  }
}

async function query(req) {
  const c = client;
  if (c === null) return { id: req.id, ok: false, error: { message: lostBecause, notSent: true } };
  if (req.connection !== undefined && req.connection !== connectionNumber) {
    return { id: req.id, ok: false, error: { message: 'the connection this statement belongs to was lost', notSent: true } };
  }
  try {
    const values = req.values === undefined ? undefined : req.values.map(asBuffer);
    const result = await c.query({ text: req.text, values, name: req.name });
    return { id: req.id, ok: true, rows: result.rows, rowCount: result.rowCount, command: result.command || null };
  } catch (e) {
    if (endsSession(e)) drop(c, e);
    return failure(req.id, e);
  }
}

async function handle(req) {
  try {
    if (req.kind === 'connect') return await connect(req);
    if (req.kind === 'close') {
      generation += 1;
      reconnecting = false;
      const c = client;
      client = null;
      lostBecause = 'closed';
      if (c) await c.end();
      return done(req.id);
    }
    return await query(req);
  } catch (e) {
    return failure(req.id, e);
  }
}

port.on('message', (req) => {
  if (req.kind === 'abandon') {
    if (client) drop(client, new Error('abandoned: a statement got no answer in time'));
    return;
  }
  handle(req).then(answer, (e) => answer(failure(req.id, e))).finally(() => {
    if (req.kind === 'close') port.close();
  });
});
`;
