// The account-recovery world for a test: a real SQLite store and audit trail, a SoftHSM token holding the
// Graph client key and its certificate, a simulated Graph on loopback with that certificate uploaded, and
// the RecoveryService composed as the appliance composes it (openRecoveryService).
import { randomUUID } from 'node:crypto';
import { buildConfig } from '../../src/config/index.js';
import type { RecoveryTapConfig } from '../../src/config/sections/recovery.js';
import { openHsmToken } from '../../src/hsm/open-hsm.js';
import { ensureGraphClientCertificate, graphClientLabel } from '../../src/recovery/graph-client-key.js';
import { openRecoveryService } from '../../src/recovery/open-recovery.js';
import { auditFixture } from './audit-fixture.js';
import { createTestToken } from './softhsm.js';
import { startSimulatedGraph } from './simulated-graph.js';
import { SqliteTestRecoveryRequests } from './recovery-requests-store.js';
import { recordLog } from './log-recorder.js';

interface Teardown { teardown(fn: () => unknown): void }

export async function recoveryFixture(t: Teardown, tap: Partial<RecoveryTapConfig> & { withKey?: boolean } = {}) {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const oid = randomUUID();
  const audit = await auditFixture(t);
  const testToken = await createTestToken();
  t.teardown(testToken.cleanup);
  const token = openHsmToken(testToken.hsmConfig, testToken.dir);
  t.teardown(() => token.close());
  const label = graphClientLabel(testToken.hsmConfig.keyLabelPrefix, 'graph-client');
  const graph = await startSimulatedGraph(t, { tenantId, clientId, users: [oid] });
  const { withKey = true, ...overrides } = tap;
  if (withKey) {
    const { key } = await ensureGraphClientCertificate(token, { label, validityDays: 365, renew: false, now: Date.now() });
    graph.uploadCertificate(key.pem());
  }
  const config: RecoveryTapConfig = buildConfig({
    recovery: { tap: { enabled: true, tenantId, clientId, authorityBaseUrl: graph.authorityBaseUrl, graphBaseUrl: graph.graphBaseUrl, timeoutMs: 1500, ...overrides } },
  }).recovery.tap;
  const requests = new SqliteTestRecoveryRequests(audit.repo);
  const logs = recordLog();
  const open = (now?: () => number) => openRecoveryService({ config, keyLabelPrefix: testToken.hsmConfig.keyLabelPrefix, token, requests, audit: audit.trail, log: logs.log, now });
  /** A request of purpose recovery that ended verified, for the simulated tenant's user. */
  const verifiedRequest = (over: Parameters<SqliteTestRecoveryRequests['add']>[0] | object = {}) =>
    requests.add({ tid: tenantId, oid, upn: 'alex@example.test', sessionId: randomUUID(), createdBy: { kind: 'staff', id: 'staff-7', name: 'Desk Agent', role: 'helpdesk' }, ...over });
  return { tenantId, clientId, oid, audit, token, testToken, label, graph, config, requests, logs, open, verifiedRequest };
}
