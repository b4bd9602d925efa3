// The real appliance (SoftHSM token, startAppliance, its own audit trail) and an insider with write access
// to the SQLite file but not the HSM: the forged row is not sealed, /health's audit check degrades, the log
// names it, and audit-verify with the HSM's MAC keys (as `proofgate audit-verify` opens them) reports it.
import t from 'tap';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { openAuditMacKeys, openHsmToken } from '../../src/hsm/open-hsm.js';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { openAuditVerifyHsm } from '../../src/cli/init-appliance.js';
import { auditVerifyCommand } from '../../src/cli/commands/audit.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { openConfiguredRepository, storeDatabasePath } from '../../src/store/open-store.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { forgeAuditRow } from '../helpers/forge-audit-row.js';
import { auditEntryFixture } from '../helpers/store-fixtures.js';

const dataDir = embeddedTokenDataDir(t, 'proofgate-forged-');

t.test('a row written into the appliance\'s database without the HSM: never sealed, /health degrades, audit-verify reports record-mac', async (t) => {
  const config = buildConfig({
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'forged-test' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
    audit: { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 },
  });
  await initHsm(config.hsm, dataDir);
  // Two genuine records, MAC'd with the HSM's key as `proofgate enrol` writes them.
  const repo = openConfiguredRepository(config);
  t.teardown(() => repo.close());
  const token = openHsmToken(config.hsm, dataDir);
  t.teardown(() => token.close());
  const writer = new AuditTrail(repo, await SoftwareKeyRing.create(), { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 },
    { macKeys: await openAuditMacKeys(token, config.hsm) });
  await writer.prepare();
  writer.record(auditEntryFixture(1));
  writer.record(auditEntryFixture(2));
  // The insider's row, then a genuine record chained after it.
  const forged = forgeAuditRow(storeDatabasePath(config), auditEntryFixture(3, { upn: 'mallory@example.test' }), 'none');
  t.equal(forged.seq, 3);
  writer.record(auditEntryFixture(4));

  const logged: Array<[string, Record<string, unknown>]> = [];
  const appliance = await startAppliance(config, (event, fields) => { logged.push([event, fields ?? {}]); });
  t.equal(repo.lastAuditCheckpoint()?.seq, 2, 'the start-up checkpoint seals records 1-2 and stops before the forged row');
  t.match(logged.filter(([e]) => e === 'audit-record-forged'), [['audit-record-forged', { seq: 3, error: 'record 3 has no MAC, but records after seq 0 must carry one (the row was written without the HSM)' }]]);
  const res = await fetch(`${appliance.listenUrl}/health`);
  const health = await res.json() as { status: string; checks: Record<string, unknown> };
  t.equal(res.status, 503);
  t.same(health.checks.audit, { ok: false, detail: 'record 3 failed its MAC check (written without the HSM); not sealed' });
  await appliance.close();
  t.equal(repo.lastAuditCheckpoint()?.seq, 2, 'nor at shutdown');

  const hsm = await openAuditVerifyHsm(config);
  t.teardown(() => hsm.close());
  t.ok(hsm.macKeys, 'audit-verify gets the PKCS#11 MAC keys from the token');
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  t.equal(await auditVerifyCommand(config, [], { trustedKeys: hsm.trustedKeys, macKeys: hsm.macKeys, io }), 1);
  t.match(out.join('\n'), 'result: FAILED at seq 3 (record-mac)\n  record 3 has no MAC, but records after seq 0 must carry one (the row was written without the HSM)');
  out.length = 0;
  t.equal(await auditVerifyCommand(config, ['--no-hsm'], { trustedKeys: hsm.trustedKeys, macKeys: hsm.macKeys, io }), 0);
  t.match(err.join('\n'), 'record MACs not checked (no HSM)');
  t.match(out.join('\n'), 'note: 2 record(s) after the newest checkpoint are chained but not yet signed');
});
