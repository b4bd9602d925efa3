// The feed as the appliance runs it: started by startAppliance from audit.feed, reported by /health,
// stopped (its cursor kept) by close(), and resumed by the next start. Records come from another
// process's trail on the same database, MAC'd with the appliance's HSM key, as `proofgate enrol` writes them.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { buildConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/log.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { otherProcessAuditWriter } from '../helpers/other-process-audit-writer.js';
import { auditEntryFixture } from '../helpers/store-fixtures.js';
import { startSyslogReceiver } from '../helpers/syslog-receiver.js';

const dataDir = embeddedTokenDataDir(t, 'proofgate-feed-appliance-');

t.test('startAppliance feeds the trail to syslog, shows it in /health, and resumes after a restart', async (t) => {
  const receiver = await startSyslogReceiver(t);
  const config = buildConfig({
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'feed-test' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
    audit: { feed: { kind: 'syslog', host: '127.0.0.1', port: receiver.port, pollIntervalMs: 20, retryMinMs: 20, retryMaxMs: 200, facility: 'local0' } },
  });
  await initHsm(config.hsm, dataDir);
  const { writer } = await otherProcessAuditWriter(t, config, dataDir);
  for (let i = 1; i <= 2; i += 1) writer.record(auditEntryFixture(i));

  let appliance = await startAppliance(config, silentLogger);
  let closed = false;
  t.teardown(async () => { if (!closed) await appliance.close(); });
  writer.record(auditEntryFixture(3));
  await receiver.waitForMessages(3);
  const seqs = () => receiver.messages.map((m) => Number(m.structuredData[0].params[0][1]));
  t.same(seqs(), [1, 2, 3]);
  t.match(receiver.messages[0], { facility: 16, severity: 5, appName: 'proofgate', msgId: 'returning.verified' });
  // The last batch counts as delivered a settle period after it was sent.
  let auditFeed: unknown;
  for (let i = 0; i < 100; i += 1) {
    const health = await (await fetch(`${appliance.listenUrl}/health`)).json() as { checks: Record<string, unknown> };
    auditFeed = health.checks.auditFeed;
    if ((auditFeed as { detail?: string } | undefined)?.detail === '0 record(s) behind') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  t.same(auditFeed, { ok: true, detail: '0 record(s) behind' }, '/health reports the feed and its lag');
  const metrics = await (await fetch(`${appliance.listenUrl}/metrics`)).text();
  t.match(metrics, /^proofgate_audit_feed_lag_records 0$/m, '/metrics carries the same lag as a gauge');

  await appliance.close();
  closed = true;
  const cursor = JSON.parse(readFileSync(path.join(dataDir, 'audit-feed-cursor.json'), 'utf8')) as { seq: number; destination: string };
  t.match(cursor, { seq: 3, destination: `syslog+tcp://127.0.0.1:${receiver.port}` }, 'the cursor is kept at shutdown');

  for (let i = 4; i <= 5; i += 1) writer.record(auditEntryFixture(i)); // while the appliance is down
  appliance = await startAppliance(config, silentLogger);
  closed = false;
  await receiver.waitForMessages(5);
  t.same(seqs(), [1, 2, 3, 4, 5], 'the restarted appliance sends only what it had not');
  t.same(receiver.errors, []);
});
