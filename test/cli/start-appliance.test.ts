// The composition root end to end: a SoftHSM token initialised in a temp data dir, startAppliance on a
// loopback port, the public endpoints answering, and close() releasing the listener. The models are
// pointed at a missing manifest so the degraded path (face engine unavailable, the rest serving) is the
// one checked, on every machine.
import t from 'tap';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { silentLogger } from '../../src/core/log.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { otherProcessAuditWriter } from '../helpers/other-process-audit-writer.js';
import { readFileSync } from 'node:fs';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { readWitness } from '../../src/audit/witness.js';
import { auditEntryFixture } from '../helpers/store-fixtures.js';
import { tempDir } from '../helpers/temp-store.js';

const dataDir = embeddedTokenDataDir(t, 'proofgate-appliance-');

t.test('starts from the configuration, serves, reports a missing face engine, closes', async (t) => {
  const config = buildConfig({
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'appliance-test' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
  });
  await initHsm(config.hsm, dataDir);
  const appliance = await startAppliance(config, silentLogger);
  let closed = false;
  t.teardown(async () => { if (!closed) await appliance.close(); });

  const health = await fetch(`${appliance.listenUrl}/health`);
  const body = await health.json() as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
  t.equal(health.status, 503, 'degraded while the face engine is missing');
  t.match(body, {
    status: 'degraded',
    checks: { hsm: { ok: true, detail: 'open' }, store: { ok: true, detail: 'writable' }, disk: { ok: true }, entraKeys: { ok: true }, faceEngine: { ok: false, detail: 'not loaded' }, passivePad: { ok: true, detail: 'not configured' }, assurance: { ok: true, detail: 'returningUser remote-active, firstTime kiosk-depth' }, audit: { ok: true, detail: 'no witness' } },
  });
  t.same(Object.keys(body.checks).sort(), ['assurance', 'audit', 'disk', 'entraKeys', 'faceEngine', 'hsm', 'passivePad', 'store']);

  const jwks = await (await fetch(`${appliance.listenUrl}/oidc/jwks`)).json() as { keys: Array<{ kty: string; alg: string }> };
  t.equal(jwks.keys.length, 1, 'the token\'s signing key is published');
  t.match(jwks.keys[0], { kty: 'RSA', alg: 'RS256' });

  await appliance.close();
  closed = true;
  await t.rejects(fetch(`${appliance.listenUrl}/health`), TypeError, 'the listener is gone');
});

t.test('checkpoints at start-up and at clean shutdown, each also appended to the witness', async (t) => {
  const witnessFile = path.join(tempDir(t, 'proofgate-witness-'), 'audit-witness.jsonl');
  const config = buildConfig({
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'appliance-test' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
    audit: { witnessFile },
  });
  await initHsm(config.hsm, dataDir);
  // Records another process (proofgate enrol, a crashed run) left unsealed: no count or timer rule is due.
  // It MACs its records with the appliance's HSM key, as `proofgate enrol` does.
  const { repo: other, writer } = await otherProcessAuditWriter(t, config, dataDir);
  const before = other.auditCheckpoints().length;
  const firstSeq = (other.lastAuditRecord()?.seq ?? 0) + 1;
  for (let i = firstSeq; i < firstSeq + 3; i += 1) writer.record(auditEntryFixture(i));

  const appliance = await startAppliance(config, silentLogger);
  t.equal(other.lastAuditCheckpoint()?.seq, firstSeq + 2, 'sealed at start-up, before serving');
  t.equal(other.auditCheckpoints().length, before + 1);
  const health = await (await fetch(`${appliance.listenUrl}/health`)).json() as { checks: Record<string, unknown> };
  t.same(health.checks.audit, { ok: true, detail: 'witnessed' });

  for (let i = firstSeq + 3; i < firstSeq + 5; i += 1) writer.record(auditEntryFixture(i));
  await appliance.close();
  t.equal(other.lastAuditCheckpoint()?.seq, firstSeq + 4, 'sealed at clean shutdown');

  const witnessed = readWitness(readFileSync(witnessFile, 'utf8'));
  t.same(witnessed, other.auditCheckpoints().slice(before), 'the witness holds both checkpoints');
  t.match(verifyAuditChain(other, other.auditKeys(), { witness: witnessed }), { ok: true, sealedThrough: firstSeq + 4, witness: { attestedThrough: firstSeq + 4 } });
});

t.test('start-up refuses a witness file inside the database directory', async (t) => {
  const config = buildConfig({
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'appliance-test' },
    audit: { witnessFile: path.join(dataDir, 'witness.jsonl') },
  });
  await t.rejects(startAppliance(config, silentLogger), { code: 'ERR_CONFIG', message: /^config config\.audit\.witnessFile: expected a path outside the database's directory/ });
});
