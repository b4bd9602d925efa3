// The token goes away while a server-like loop signs: every call must reject with ERR_HSM_UNAVAILABLE
// within the configured bound (no crash, no hang), and signing must come back by itself.
import t from 'tap';
import { renameSync, writeFileSync } from 'node:fs';
import { createPublicKey, verify as cryptoVerify, type JsonWebKey } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProofgateError } from '../../src/core/errors.js';
import { createTestToken } from '../helpers/softhsm.js';
import { openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';
import { HsmToken } from '../../src/hsm/hsm-token.js';
import { Pkcs11Library } from '../../src/hsm/pkcs11-library.js';
import type { SigningKey } from '../../src/hsm/signing-key.js';

const OPERATION_TIMEOUT_MS = 1000;
const RETRY_BACKOFF_MS = 200;
const token = await createTestToken({ label: 'failure-test', config: { operationTimeoutMs: OPERATION_TIMEOUT_MS, retryBackoffMs: RETRY_BACKOFF_MS } });
t.teardown(token.cleanup);

interface Outcome { ok: boolean; ms: number; error?: unknown; at: number }

/** Signs continuously with `workers` concurrent callers, recording each call's outcome and duration. */
function signingLoop(key: SigningKey, workers: number) {
  const outcomes: Outcome[] = [];
  let stop = false;
  const publicKey = createPublicKey({ key: key.jwk() as JsonWebKey, format: 'jwk' });
  let badSignatures = 0;
  const run = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const data = Buffer.from(`worker ${w} call ${i}`);
      const start = performance.now();
      try {
        const sig = await key.sign(data);
        if (!cryptoVerify('sha256', data, publicKey, sig)) badSignatures++;
        outcomes.push({ ok: true, ms: performance.now() - start, at: performance.now() });
      } catch (error) {
        outcomes.push({ ok: false, ms: performance.now() - start, error, at: performance.now() });
        await sleep(5); // a failing request ends quickly; pace the loop like arriving requests
      }
      await new Promise((r) => setImmediate(r));
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => run(w)));
  return {
    outcomes,
    get badSignatures() { return badSignatures; },
    async stop() { stop = true; await done; },
  };
}

async function until(predicate: () => boolean, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    if (predicate()) return true;
    await sleep(10);
  }
  return predicate();
}

t.test('token directory removed mid-run: bounded ERR_HSM_UNAVAILABLE, then recovery', async (t) => {
  const hsm = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const ring = openKeyRing(hsm, token.hsmConfig, { refreshMs: 0 });
  const { key } = await ring.ensureKey();
  const loop = signingLoop(key, 2);
  t.ok(await until(() => loop.outcomes.filter((o) => o.ok).length >= 20, 5000), 'signing runs');

  const broken = loop.outcomes.length;
  renameSync(token.tokenDir, `${token.tokenDir}.gone`);
  t.ok(await until(() => loop.outcomes.slice(broken).filter((o) => !o.ok).length >= 10, 5000), 'signing fails once the token is gone');
  const failures = loop.outcomes.slice(broken).filter((o) => !o.ok);
  t.ok(failures.every((o) => o.error instanceof ProofgateError && o.error.code === 'ERR_HSM_UNAVAILABLE' && o.error.status === 503),
    'every failure is ProofgateError ERR_HSM_UNAVAILABLE (503)');
  t.ok(Math.max(...failures.map((o) => o.ms)) < OPERATION_TIMEOUT_MS + 250, `every failing call ends within the bound (max ${Math.max(...failures.map((o) => o.ms)).toFixed(1)} ms)`);
  t.match(hsm.status(), { state: 'unavailable' });
  t.equal((await ring.published()).length, 1, 'the JWKS is still served from the cached public keys');

  renameSync(`${token.tokenDir}.gone`, token.tokenDir);
  const restoredAt = performance.now();
  t.ok(await until(() => loop.outcomes.some((o) => o.ok && o.at > restoredAt), RETRY_BACKOFF_MS + 3000), 'signing recovers without a restart');
  const recovered = loop.outcomes.find((o) => o.ok && o.at > restoredAt)!;
  t.ok(recovered.at - restoredAt < RETRY_BACKOFF_MS + 2000, `recovered ${(recovered.at - restoredAt).toFixed(0)} ms after the token came back`);
  await sleep(100);
  await loop.stop();
  t.equal(loop.badSignatures, 0, 'no signature ever failed to verify');
  t.equal(hsm.status().state, 'open');
});

t.test('module finalized underneath (C_Finalize behind our back): fails, then re-opens', async (t) => {
  const hsm = openHsmToken(token.hsmConfig, token.dir);
  t.teardown(() => hsm.close());
  const key = await openKeyRing(hsm, token.hsmConfig).active();
  await key.sign(Buffer.from('warm'));
  t.ok(Pkcs11Library.for(token.module).reset(), 'finalized');
  const start = performance.now();
  await t.rejects(key.sign(Buffer.from('x')), { code: 'ERR_HSM_UNAVAILABLE', status: 503 });
  t.ok(performance.now() - start < OPERATION_TIMEOUT_MS, 'fails fast');
  await t.rejects(key.sign(Buffer.from('y')), { code: 'ERR_HSM_UNAVAILABLE', message: /next attempt in \d+ ms/ }, 'fails fast during the backoff');
  await sleep(RETRY_BACKOFF_MS + 20);
  t.equal((await key.sign(Buffer.from('z'))).length, 256, 're-initialised, logged in again, signs');
});

t.test('an operation that hangs is cut off at operationTimeoutMs', async (t) => {
  const hsm = new HsmToken({ modulePath: token.module, tokenLabel: token.tokenLabel, readPin: () => token.pin, operationTimeoutMs: 150, retryBackoffMs: 0, sessionPoolSize: 1 });
  t.teardown(() => hsm.close());
  const start = performance.now();
  await t.rejects(hsm.run('stuck operation', () => sleep(600)), { code: 'ERR_HSM_UNAVAILABLE', message: 'HSM unavailable: stuck operation did not finish within 150 ms' });
  const elapsed = performance.now() - start;
  t.ok(elapsed >= 140 && elapsed < 1000, `rejected after ${elapsed.toFixed(0)} ms`);
  // The abandoned session is never reused; the next call gets a fresh connection.
  t.equal(await hsm.run('next', (ctx) => ctx.api.C_GetSessionInfo(ctx.session).state), 3, 'fresh RW user session');
  await sleep(600); // let the stuck call settle before teardown
});

t.test('missing token, missing module, wrong PIN: ERR_HSM_UNAVAILABLE, never a crash', async (t) => {
  const base = { readPin: () => token.pin, operationTimeoutMs: 500, retryBackoffMs: 0, sessionPoolSize: 1 };
  const noToken = new HsmToken({ ...base, modulePath: token.module, tokenLabel: 'no-such-token' });
  t.teardown(() => noToken.close());
  await t.rejects(noToken.run('x', () => 1), { code: 'ERR_HSM_UNAVAILABLE', message: `HSM unavailable: no initialised token labelled "no-such-token" in ${token.module}` });

  const noModule = new HsmToken({ ...base, modulePath: '/nonexistent/libpkcs11.so', tokenLabel: token.tokenLabel });
  t.teardown(() => noModule.close());
  await t.rejects(noModule.run('x', () => 1), { code: 'ERR_HSM_UNAVAILABLE', message: /cannot load PKCS#11 module \/nonexistent\/libpkcs11\.so/ });

  let pinReads = 0;
  const wrongPin = new HsmToken({ ...base, modulePath: token.module, tokenLabel: token.tokenLabel, readPin: () => { pinReads++; return '000000'; } });
  t.teardown(() => wrongPin.close());
  const e1 = await wrongPin.run('x', () => 1).catch((e: unknown) => e as ProofgateError);
  t.match(e1, { code: 'ERR_HSM_UNAVAILABLE', message: 'HSM unavailable: token refused the user PIN (CKR_PIN_INCORRECT)' });
  t.notMatch((e1 as ProofgateError).message, /000000/, 'the PIN is not in the message');
  await t.rejects(wrongPin.run('x', () => 1), { message: /refused this PIN before; not retrying/ }, 'a refused PIN is not presented again');
  t.equal(pinReads, 2, 'PIN re-read each attempt (so a fixed file is picked up)');

  // A fixed PIN file is picked up on the next attempt.
  writeFileSync(`${token.dir}/fixed.pin`, `${token.pin}\n`, { mode: 0o600 });
  const fromFile = openHsmToken({ ...token.hsmConfig, pinFile: `${token.dir}/fixed.pin` }, token.dir);
  t.teardown(() => fromFile.close());
  t.equal(await fromFile.run('x', () => 'ok'), 'ok');
});

t.test('PIN sources: a world-readable PIN file is refused; the env variable works when pinFile is null', async (t) => {
  writeFileSync(`${token.dir}/open.pin`, `${token.pin}\n`, { mode: 0o644 });
  const openFile = openHsmToken({ ...token.hsmConfig, pinFile: `${token.dir}/open.pin` }, token.dir);
  t.teardown(() => openFile.close());
  await t.rejects(openFile.run('x', () => 1), {
    code: 'ERR_HSM_UNAVAILABLE', message: `HSM unavailable: cannot read the token PIN: PIN file ${token.dir}/open.pin is readable by other users (chmod 600 it)`,
  });

  const unset = openHsmToken({ ...token.hsmConfig, pinFile: null, pinEnv: 'PROOFGATE_TEST_PIN_UNSET' }, token.dir);
  t.teardown(() => unset.close());
  await t.rejects(unset.run('x', () => 1), { message: 'HSM unavailable: cannot read the token PIN: environment variable PROOFGATE_TEST_PIN_UNSET is not set' });

  process.env.PROOFGATE_TEST_PIN = token.pin;
  t.teardown(() => { delete process.env.PROOFGATE_TEST_PIN; });
  const fromEnv = openHsmToken({ ...token.hsmConfig, pinFile: null, pinEnv: 'PROOFGATE_TEST_PIN' }, token.dir);
  t.teardown(() => fromEnv.close());
  t.equal(await fromEnv.run('x', () => 'ok'), 'ok');
});
