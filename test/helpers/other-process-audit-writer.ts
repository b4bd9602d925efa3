// Audit records written beside a running appliance by another process (`proofgate enrol`, a crashed
// run): its own connection to the configured database and its own audit trail, MAC'ing with the
// appliance's HSM keys, and never checkpointing on its own (no count or timer rule comes due).
import { AuditTrail } from '../../src/audit/audit-trail.js';
import type { ProofgateConfig } from '../../src/config/index.js';
import { openAuditMacKeys, openHsmToken } from '../../src/hsm/open-hsm.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { openConfiguredRepository } from '../../src/store/open-store.js';
import type { SqliteRepository } from '../../src/store/sqlite-repository.js';
import type { Teardown } from './loopback-app.js';

export async function otherProcessAuditWriter(t: Teardown, config: ProofgateConfig, dataDir: string): Promise<{ repo: SqliteRepository; writer: AuditTrail }> {
  const repo = openConfiguredRepository(config);
  t.teardown(() => repo.close());
  const token = openHsmToken(config.hsm, dataDir);
  t.teardown(() => token.close());
  const writer = new AuditTrail(repo, await SoftwareKeyRing.create(), { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 },
    { macKeys: await openAuditMacKeys(token, config.hsm) });
  await writer.prepare();
  return { repo, writer };
}
