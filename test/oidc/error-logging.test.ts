// Server errors in the log (src/http/log-server-error.ts), through the app: an expected outage (HSM, store,
// Entra keys, a full queue) is one line with its code and message; a bug keeps the error and its stack.
// Both doors are covered: the app's error handler and the authorize chain's post-back.
import t, { type Test } from 'tap';
import express from 'express';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';
import { ProofgateError } from '../../src/core/errors.js';
import type { EntraKeySource } from '../../src/oidc/entra-keys.js';

/** Replaces console.error for the test; returns what it was called with. */
function captureConsoleError(t: Test): unknown[][] {
  const calls: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => { calls.push(args); };
  t.teardown(() => { console.error = original; });
  return calls;
}

/** One line, no stack: a single string argument without a newline. */
function isOneLine(call: unknown[] | undefined): boolean {
  return call !== undefined && call.length === 1 && typeof call[0] === 'string' && !call[0].includes('\n');
}

function keysThatFail(error: unknown): EntraKeySource {
  return { verificationKey: () => Promise.reject(error), freshness: () => ({ ok: false, detail: 'failing' }) };
}

t.test('an expected outage logs one line; an unexpected error keeps its stack', async (t) => {
  const router = express.Router();
  router.get('/busy', () => { throw new ProofgateError('ERR_BUSY', 'all face pipelines are busy', { status: 503 }); });
  router.get('/store', () => { throw new ProofgateError('ERR_STORE', 'database is locked', { status: 500 }); });
  router.get('/hsm', () => { throw new ProofgateError('ERR_HSM_UNAVAILABLE', 'HSM unavailable: token removed', { status: 503 }); });
  router.get('/bug', () => { throw new TypeError('cannot read properties of undefined'); });
  router.get('/internal', () => { throw new ProofgateError('ERR_INTERNAL', 'sign() takes a Buffer'); });
  const app = await startOidcTestApp(t, { routers: [{ path: '/t', router }] });
  const calls = captureConsoleError(t);

  // Before redirect_uri is known: the app's error handler.
  const expected: Array<[string, number, string]> = [
    ['/t/busy', 503, 'proofgate: GET /t/busy: ERR_BUSY: all face pipelines are busy'],
    ['/t/store', 500, 'proofgate: GET /t/store: ERR_STORE: database is locked'],
    ['/t/hsm', 503, 'proofgate: GET /t/hsm: ERR_HSM_UNAVAILABLE: HSM unavailable: token removed'],
  ];
  for (const [path, status, line] of expected) {
    calls.length = 0;
    t.equal((await app.get(path)).status, status, `${path}: ${status}`);
    t.equal(calls.length, 1, `${path}: logged once`);
    t.ok(isOneLine(calls[0]), `${path}: one line, no stack`);
    t.equal(calls[0]?.[0], line);
  }
  for (const [path, code] of [['/t/bug', 'ERR_INTERNAL'], ['/t/internal', 'ERR_INTERNAL']] as const) {
    calls.length = 0;
    t.equal((await app.get(path)).status, 500, `${path}: 500`);
    t.equal(calls.length, 1, `${path}: logged once`);
    t.equal(calls[0]?.[0], `proofgate: GET ${path}: ${code}`);
    t.ok(calls[0]?.[1] instanceof Error && (calls[0][1] as Error).stack?.includes('\n    at '), `${path}: the error with its stack`);
  }

  // After redirect_uri is known: the authorize chain's post-back.
  const outage = await startOidcTestApp(t, { entraKeys: keysThatFail(new ProofgateError('ERR_ENTRA_KEYS_UNAVAILABLE', 'Entra signing keys for the public cloud could not be fetched', { status: 503, expose: true })) });
  calls.length = 0;
  const refused = await outage.authorize(await outage.entra.request());
  t.equal(refused.formPost?.fields.error, 'temporarily_unavailable');
  t.equal(calls.length, 1, 'outage at authorize: logged once');
  t.ok(isOneLine(calls[0]), 'outage at authorize: one line, no stack');
  t.equal(calls[0]?.[0], 'proofgate: authorize: ERR_ENTRA_KEYS_UNAVAILABLE: Entra signing keys for the public cloud could not be fetched');

  const broken = await startOidcTestApp(t, { entraKeys: keysThatFail(new ProofgateError('ERR_INTERNAL', 'key cache corrupted')) });
  calls.length = 0;
  const failed = await broken.authorize(await broken.entra.request());
  t.equal(failed.formPost?.fields.error, 'temporarily_unavailable');
  t.equal(calls.length, 1, 'internal error at authorize: logged once');
  t.equal(calls[0]?.[0], 'proofgate: authorize: ERR_INTERNAL');
  t.ok(calls[0]?.[1] instanceof Error && (calls[0][1] as Error).stack?.includes('\n    at '), 'internal error at authorize: the error with its stack');
});
