// `proofgate recovery certificate|test` against a real SoftHSM token, a real SQLite store and audit trail,
// and the simulated Graph on loopback. certificate: an RSA 2048 key is made in the token (sensitive, never
// extractable, not mistaken for an id_token signing key), its self-signed certificate printed with its
// thumbprints and the issue audited; a second run reuses it unless --renew. test: a token is asked for with
// that certificate, success and each failure said plainly, and no pass is ever issued.
import t from 'tap';
import { randomUUID, X509Certificate } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { buildConfig, type ProofgateConfig } from '../../src/config/index.js';
import { openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';
import type { HsmToken } from '../../src/hsm/hsm-token.js';
import { recoveryCommand, type RecoveryRuntime, type RecoverySubcommand } from '../../src/cli/commands/recovery.js';
import { runCli } from '../../src/cli/main.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { createTestToken } from '../helpers/softhsm.js';
import { startSimulatedGraph } from '../helpers/simulated-graph.js';

const PEM = /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----$/;

async function setup(t: Parameters<typeof auditFixture>[0], tap: Record<string, unknown> = {}) {
  const fx = await auditFixture(t);
  const testToken = await createTestToken();
  t.teardown(testToken.cleanup);
  const token = openHsmToken(testToken.hsmConfig, testToken.dir);
  t.teardown(() => token.close());
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const graph = await startSimulatedGraph(t, { tenantId, clientId, users: [] });
  const config: ProofgateConfig = buildConfig({
    hsm: testToken.hsmConfig,
    recovery: { tap: { tenantId, clientId, authorityBaseUrl: graph.authorityBaseUrl, graphBaseUrl: graph.graphBaseUrl, timeoutMs: 1500, ...tap } },
  });
  const out: string[] = [];
  const err: string[] = [];
  let opened = 0;
  let failAudit: Error | null = null;
  const runtime = async (): Promise<RecoveryRuntime> => {
    opened += 1;
    return {
      config, token: token as HsmToken, now: Date.now, close: async () => undefined,
      openAudit: async () => {
        if (failAudit) throw failAudit;
        return { audit: fx.trail, close: () => fx.trail.flush() };
      },
    };
  };
  const run = (sub: RecoverySubcommand, args: string[] = []) => recoveryCommand(sub, args, runtime, { out: (l) => out.push(l), err: (l) => err.push(l) });
  const objects = (cls: number) => token.run('list', (ctx) => ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: cls }, { type: pkcs11js.CKA_LABEL, value: `${testToken.hsmConfig.keyLabelPrefix}/recovery/graph-client` }]).length);
  return { ...fx, token, testToken, graph, config, out, err, run, objects, opened: () => opened, failAudit: (e: Error | null) => { failAudit = e; } };
}

t.test('certificate: a key in the HSM, a self-signed certificate printed with thumbprints, audited; reused unless --renew', async (t) => {
  const fx = await setup(t);
  t.equal(await fx.run('certificate', ['--days', '90', '--by', 'Security Officer']), 0);
  const pem = fx.out.slice(0, fx.out.findIndex((l) => l.startsWith('SHA-256'))).join('\n');
  t.match(pem, PEM, 'the certificate in PEM');
  const cert = new X509Certificate(pem);
  t.ok(cert.verify(cert.publicKey), 'self-signed by the key in the token');
  t.equal(cert.subject, 'CN=proofgate Microsoft Graph client');
  t.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  const lifetimeDays = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
  t.ok(lifetimeDays > 89 && lifetimeDays <= 90, '--days 90');
  const sha256 = cert.fingerprint256.replaceAll(':', '');
  t.ok(fx.out.includes(`SHA-256 thumbprint: ${sha256}`));
  t.ok(fx.out.includes(`SHA-1 thumbprint (as the Entra admin center lists it): ${cert.fingerprint.replaceAll(':', '')}`));
  t.equal(fx.out.at(-2), 'new key and certificate; audit record 1');
  const record = fx.repo.lastAuditRecord()!;
  t.match(record, { seq: 1, flow: 'recovery', decision: 'changed', tid: 'recovery', oid: 'graph-client-certificate', sessionId: null });
  t.match(record.checks[0], { name: 'graph-certificate-issue', outcome: 'pass' });
  t.match(record.checks[0].reason, new RegExp(`^Graph client certificate issued by Security Officer for key "proofgate/recovery/graph-client" \\(new RSA 2048 key\\): SHA-256 thumbprint ${sha256}, SHA-1 [0-9A-F]{40}, valid until `));

  // The private key is sensitive, never extractable, sign-only; the id_token key ring does not see it.
  const attrs = await fx.token.run('read', (ctx) => {
    const [key] = ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_LABEL, value: 'proofgate/recovery/graph-client' }], 1);
    return ctx.api.C_GetAttributeValue(ctx.session, key, [{ type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_DECRYPT }]).map((a) => (a.value as Buffer)[0]);
  });
  t.same(attrs, [1, 0, 0], 'CKA_SENSITIVE true, CKA_EXTRACTABLE false, CKA_DECRYPT false');
  t.same(await openKeyRing(fx.token, fx.testToken.hsmConfig).reload(), [], 'not taken for an id_token signing key');

  fx.out.length = 0;
  t.equal(await fx.run('certificate'), 0, 'a second run');
  t.equal(fx.out.at(-1), 'this is the certificate already in the token (unchanged); --renew issues a new one');
  t.ok(fx.out.includes(`SHA-256 thumbprint: ${sha256}`), 'the same certificate');
  t.equal(fx.repo.lastAuditRecord()!.seq, 1, 'nothing changed, nothing audited');

  fx.out.length = 0;
  t.equal(await fx.run('certificate', ['--renew', '--days', '30']), 0);
  const renewed = new X509Certificate(fx.out.slice(0, fx.out.findIndex((l) => l.startsWith('SHA-256'))).join('\n'));
  t.not(renewed.fingerprint256, cert.fingerprint256, 'a new certificate');
  t.ok(renewed.publicKey.equals(cert.publicKey), 'for the same key');
  t.equal(fx.out.at(-2), 'new certificate; audit record 2');
  t.match(fx.repo.lastAuditRecord()!.checks[0].reason, /by an operator who gave no name .*\(existing key\)/);
  t.equal(await fx.objects(pkcs11js.CKO_CERTIFICATE), 1, 'the old certificate object is gone from the token');
  t.equal(await fx.objects(pkcs11js.CKO_PRIVATE_KEY), 1, 'one key');
  await fx.trail.flush();
  t.match(await verifyAuditChain(fx.repo, fx.trusted, { macKeys: fx.macKeys }), { ok: true, records: 2 });
});

t.test('certificate: bad flags refused before the token is opened; an unaudited certificate does not stand', async (t) => {
  const fx = await setup(t);
  for (const days of ['0', '3651', 'abc', '1e3', '-5']) {
    await t.rejects(fx.run('certificate', [`--days=${days}`]), { code: 'ERR_USAGE', message: /^--days must be a whole number of days from 1 to 3650/ }, `--days ${days}`);
  }
  await t.rejects(fx.run('certificate', ['--by', 'Evil\nOperator']), { code: 'ERR_BAD_REQUEST', message: /the operator name \(--by\) must be 1\.\.100 printable characters/ });
  await t.rejects(fx.run('certificate', ['extra']), { code: 'ERR_USAGE' });
  t.equal(fx.opened(), 0, 'the token was never opened');

  fx.failAudit(new Error('audit store is read-only'));
  await t.rejects(fx.run('certificate'), { message: 'audit store is read-only' });
  t.equal(await fx.objects(pkcs11js.CKO_CERTIFICATE), 0, 'the unaudited certificate was removed again');
  t.equal(fx.repo.lastAuditRecord(), null);
  fx.failAudit(null);
  t.equal(await fx.run('certificate'), 0, 'the next run issues it, audited');
  t.equal(fx.repo.lastAuditRecord()!.seq, 1);
  t.match(fx.repo.lastAuditRecord()!.checks[0].reason, /\(existing key\)/);
});

t.test('test: a token with the uploaded certificate, or a plain failure; never a pass', async (t) => {
  const fx = await setup(t);
  await t.rejects(fx.run('test'), { code: 'ERR_CONFIG', message: /no Graph client key "proofgate\/recovery\/graph-client": run `proofgate recovery certificate`/ }, 'no certificate yet');

  t.equal(await fx.run('certificate'), 0);
  fx.out.length = 0;
  t.equal(await fx.run('test'), 1, 'not uploaded yet');
  t.match(fx.err.pop(), /^FAILED \[ERR_GRAPH_REFUSED\] Microsoft token endpoint refused: HTTP 401 invalid_client AADSTS700027 \(the client assertion was refused: is the certificate from `proofgate recovery certificate` uploaded/);

  const key = await (await import('../../src/recovery/graph-client-key.js')).openGraphClientKey(fx.token, 'proofgate/recovery/graph-client');
  fx.graph.uploadCertificate(key.pem());
  fx.out.length = 0;
  t.equal(await fx.run('test'), 0);
  t.match(fx.out[0], new RegExp(`^asking ${fx.graph.tokenEndpoint.replace(/[.]/g, '\\.')} for a token \\(scope http://127\\.0\\.0\\.1:\\d+/\\.default\\) with the certificate [0-9A-F]{64}$`));
  t.equal(fx.out[1], 'OK: the token endpoint accepted the certificate and the token carries UserAuthenticationMethod.ReadWrite.All; no Temporary Access Pass was issued');
  t.equal(fx.out[2], 'note: recovery.tap.enabled is false, so the appliance issues no passes until it is set');

  fx.graph.roles = [];
  fx.err.length = 0;
  t.equal(await fx.run('test'), 1, 'consent missing');
  t.match(fx.err[0], /^FAILED: the token endpoint accepted the certificate, but the token does not carry the application permission UserAuthenticationMethod\.ReadWrite\.All \(add it to the app registration and grant admin consent\)$/);

  fx.graph.fail('token', 'timeout');
  t.equal(await fx.run('test'), 1);
  t.equal(fx.err.pop(), 'FAILED [ERR_GRAPH_UNAVAILABLE] Microsoft token endpoint unavailable: no answer within 1500 ms');
  t.equal(fx.graph.calls.tap, 0, 'no pass was ever asked for');
  t.equal(fx.repo.lastAuditRecord()!.seq, 1, 'test writes nothing');
});

t.test('test without the app registration configured names the missing key', async (t) => {
  const fx = await setup(t, { tenantId: null });
  t.equal(await fx.run('certificate'), 0);
  await t.rejects(fx.run('test'), { code: 'ERR_CONFIG', message: 'config config.recovery.tap.tenantId: expected a GUID, received nothing' });
});

t.test('the command table lists recovery certificate and test, and refuses unknown flags', async (t) => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
  t.equal(await runCli(['recovery', '--help'], io), 0);
  t.match(out.join('\n'), /recovery certificate \[--days N\] \[--renew\] \[--by NAME\] \[--config FILE\]\n.*\n\s+recovery test \[--config FILE\]/);
  t.equal(await runCli(['recovery', 'certificate', '--bits', '4096'], io), 2);
  t.match(err.join('\n'), /proofgate recovery certificate: Unknown option '--bits'/);
});
