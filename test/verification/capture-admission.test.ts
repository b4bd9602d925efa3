// The capture route admits a request from its headers before it reads the body (admit-capture.ts):
// an unknown session or a wrong CSRF token is answered while the client is still sending, and a
// flood of 32 MiB posts to random session ids leaves the server's memory where it was. Per-flow kinds
// and limits: a returning user's request carries only what the returning decision reads.
import t, { type Test } from 'tap';
import { sessionReference } from '../../src/verification/flow/session-reference.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { envelopeAsSent } from '../helpers/test-station.js';

const MiB = 1024 * 1024;
const ENVELOPE_LIMIT = 32 * MiB; // verification.maxEnvelopeBytes' default
const CHUNK = Buffer.alloc(64 * 1024, 0x41);
const randomSessionId = () => randomBytes(32).toString('base64url');

interface EarlyAnswer {
  status: number | null;
  headers: http.IncomingHttpHeaders;
  json: Record<string, any> | null;
  /** Body bytes the client had handed to its socket when the answer (or the reset) came. */
  written: number;
  elapsedMs: number;
  /** The server closed the connection before its answer was read (counts as "not read" too). */
  reset: boolean;
}

/**
 * POSTs a body of `declared` bytes in 64 KiB chunks, honouring backpressure, and stops sending as soon
 * as the server answers; `sendAtMost` caps what is sent while waiting for that answer.
 */
function sendUntilAnswered(url: string, headers: Record<string, string>, declared: number, sendAtMost = declared): Promise<EarlyAnswer> {
  return new Promise((resolve) => {
    const started = performance.now();
    let written = 0;
    let settled = false;
    const settle = (a: Omit<EarlyAnswer, 'written' | 'elapsedMs'>, elapsedMs: number, at: number) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ ...a, written: at, elapsedMs });
    };
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(declared) } });
    req.on('response', (res) => {
      const elapsedMs = performance.now() - started;
      const at = written;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let json: Record<string, any> | null = null;
        try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* not JSON */ }
        settle({ status: res.statusCode ?? null, headers: res.headers, json, reset: false }, elapsedMs, at);
      });
      res.on('error', () => settle({ status: res.statusCode ?? null, headers: res.headers, json: null, reset: true }, elapsedMs, at));
    });
    req.on('error', () => settle({ status: null, headers: {}, json: null, reset: true }, performance.now() - started, written));
    const pump = () => {
      while (!settled && written < Math.min(declared, sendAtMost)) {
        const n = Math.min(CHUNK.length, declared - written);
        written += n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (!settled && written >= declared) req.end();
    };
    pump();
  });
}

async function appWithProfile(t: Test) {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } } });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { app, engine };
}

const envelopeHeaders = (csrf: string) => ({ accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': csrf });

t.test('unknown session: 404 within 1 s while the client is still sending, and the connection is closed', async (t) => {
  const { app } = await appWithProfile(t);
  const sessionId = randomSessionId();
  const res = await sendUntilAnswered(`${app.baseUrl}/verify/${sessionId}/capture`, envelopeHeaders('x'.repeat(43)), ENVELOPE_LIMIT - 1024, CHUNK.length);
  t.equal(res.status, 404);
  t.same(res.json, { error: 'ERR_NOT_FOUND', error_description: 'no such verification session', reference: sessionReference(sessionId) });
  t.equal(res.written, CHUNK.length, 'answered after the first 64 KiB of a 32 MiB body: the body was not awaited');
  t.ok(res.elapsedMs < 1000, `answered in ${Math.round(res.elapsedMs)} ms`);
  t.equal(res.headers.connection, 'close', 'the unread body is not drained on a kept-alive connection');
});

t.test('behind a trusted reverse proxy the refused body is drained, not cut off (a cut-off upload is the proxy\'s 502)', async (t) => {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { server: { trustedProxies: ['127.0.0.1', '::1'] } } });
  const declared = 4 * MiB;
  const res = await sendUntilAnswered(`${app.baseUrl}/verify/${randomSessionId()}/capture`, envelopeHeaders('x'.repeat(43)), declared);
  t.equal(res.status, 404);
  t.equal(res.reset, false, 'the proxy reads the whole answer: the connection was not reset under it');
  t.not(res.headers.connection, 'close', 'the connection stays open: Node discards the rest of the body');
});

t.test('wrong CSRF token, wrong media type, declared length over the flow limit: refused from the headers', async (t) => {
  const { app, engine } = await appWithProfile(t);
  const opened = await app.openSession();
  const url = `${app.baseUrl}${opened.captureUrl}`;
  const csrf = opened.session.csrfToken;
  const returningLimit = app.config.verification.maxReturningEnvelopeBytes;
  const cases: Array<[string, Record<string, string>, number, number, string]> = [
    ['wrong CSRF token', envelopeHeaders(`${csrf.slice(0, -1)}${csrf.endsWith("x") ? "y" : "x"}`), ENVELOPE_LIMIT - 1024, 403, 'ERR_CSRF'],
    ['no CSRF token', { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE }, ENVELOPE_LIMIT - 1024, 403, 'ERR_CSRF'],
    ['text body', { ...envelopeHeaders(csrf), 'content-type': 'text/plain' }, 8 * MiB, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['a returning user\'s envelope over maxReturningEnvelopeBytes', envelopeHeaders(csrf), returningLimit + 1, 413, 'ERR_PAYLOAD_TOO_LARGE'],
    ['an image over server.maxImageBytes', { ...envelopeHeaders(csrf), 'content-type': 'image/jpeg' }, app.config.server.maxImageBytes + 1, 413, 'ERR_PAYLOAD_TOO_LARGE'],
  ];
  for (const [label, headers, declared, status, code] of cases) {
    const res = await sendUntilAnswered(url, headers, declared, CHUNK.length);
    t.equal(res.status, status, `${label}: ${status}`);
    t.equal(res.json?.error, code, `${label}: ${code}`);
    t.equal(res.written, CHUNK.length, `${label}: answered before the body was sent`);
    t.ok(res.elapsedMs < 1000, `${label}: answered in ${Math.round(res.elapsedMs)} ms`);
  }
  t.equal(engine.calls, 1, 'the engine ran only for the enrolment');
  t.equal(app.repository.listEvidence(opened.session.sessionId).length, 0, 'nothing stored');
  t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'open', 'the session stays open');
});

t.test("a returning user's envelope carries only what the returning decision reads: document images are refused, nothing stored", async (t) => {
  const { app, engine } = await appWithProfile(t);
  const opened = await app.openSession();
  const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
  for (const kind of ['document-front', 'document-back', 'document-ir', 'document-uv', 'document-chip']) {
    const envelope = { captures: [
      { kind: 'selfie', mediaType: 'image/jpeg', data: selfie.toString('base64') },
      { kind, mediaType: kind === 'document-chip' ? 'application/octet-stream' : 'image/jpeg', data: selfie.toString('base64') },
    ] };
    // Signed by a station: refused for what a returning user's capture may carry, not for its origin.
    const signed = envelopeAsSent(app.repository, opened.session, envelope.captures);
    const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, { method: 'POST', body: JSON.stringify(signed), headers: envelopeHeaders(opened.session.csrfToken) });
    t.equal(res.status, 400, `${kind}: 400`);
    t.same(await res.json(), {
      error: 'ERR_BAD_REQUEST', error_description: `a returning user's capture carries only selfie, depth, ir, challenge-frame (got ${kind})`, reference: sessionReference(opened.session.sessionId),
    });
  }
  t.equal(engine.calls, 1, 'nothing analysed');
  t.equal(app.repository.listEvidence(opened.session.sessionId).length, 0, 'nothing stored');
  t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'open');
});

/** The capture app in a child process (its RSS is its own), and a way to read that RSS. */
async function floodTarget(t: Test) {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'capture-flood-server.ts');
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => { if (child.exitCode === null) child.stdin.write('exit\n'); });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, any>;
  const { baseUrl } = await next();
  return {
    baseUrl: baseUrl as string,
    async rss() {
      child.stdin.write('rss\n');
      return (await next()) as { rss: number; peak: number; gc: boolean };
    },
  };
}

t.test('16 x 32 MiB junk posts to random session ids: answered unread, server RSS grows < 50 MB', async (t) => {
  const server = await floodTarget(t);
  // Warm-up: the first requests load code paths whose memory is not the attack's.
  for (let i = 0; i < 4; i++) await sendUntilAnswered(`${server.baseUrl}/verify/${randomSessionId()}/capture`, envelopeHeaders('x'), 1024);
  const before = await server.rss();
  t.ok(before.gc, 'the server ran with --expose-gc');
  const floods = await Promise.all(Array.from({ length: 16 }, () =>
    sendUntilAnswered(`${server.baseUrl}/verify/${randomSessionId()}/capture`, envelopeHeaders('x'.repeat(43)), ENVELOPE_LIMIT - 1024)));
  const after = await server.rss();
  // The peak while the posts were in flight is what an attacker drives up; after GC it may fall back.
  const grownMb = (after.peak - before.rss) / 1e6;
  t.comment(`server RSS ${(before.rss / 1e6).toFixed(1)} MB before, peak ${(after.peak / 1e6).toFixed(1)} MB during (+${grownMb.toFixed(1)} MB), ${(after.rss / 1e6).toFixed(1)} MB after GC; client sent ${floods.map((f) => (f.written / MiB).toFixed(1)).join(', ')} MiB of 32`);
  t.ok(grownMb < 50, `peak RSS grew ${grownMb.toFixed(1)} MB`);
  for (const [i, f] of floods.entries()) {
    t.ok(f.written < ENVELOPE_LIMIT - 1024, `post ${i}: the server answered or closed before the client could send the whole body`);
    if (!f.reset) t.equal(f.status, 404, `post ${i}: 404`);
  }
  // The server answers and closes without reading; while 16 clients are still writing, a busy host can
  // deliver the close (a reset) before the answer on every one. The answers must still arrive: one post at a
  // time after the flood, until one is read (at most 8).
  const answered = [...floods];
  for (let i = 0; i < 8 && !answered.some((f) => f.status === 404); i++) {
    answered.push(await sendUntilAnswered(`${server.baseUrl}/verify/${randomSessionId()}/capture`, envelopeHeaders('x'.repeat(43)), ENVELOPE_LIMIT - 1024));
  }
  t.ok(answered.some((f) => f.status === 404), 'the 404 answers arrive');
});
