// What a command that changes the store needs, opened from the config file: the repository, the audit
// trail (opened only when there is something to record: it needs the HSM token) and the clock. Commands
// take a function returning this, so their tests pass a runtime over a temporary store instead.
import { loadConfig } from '../../config/index.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';

export interface CommandRuntime {
  repository: Repository;
  /** The audit trail for the command's records. */
  openAudit(): Promise<{ audit: AuditWriter; close(): Promise<void> }>;
  now(): number;
  close(): Promise<void> | void;
}

export async function openCommandRuntime(configFile: string | undefined): Promise<CommandRuntime> {
  const config = loadConfig(configFile);
  const { openConfiguredRepository } = await import('../../store/open-store.js');
  const repository = openConfiguredRepository(config);
  return {
    repository,
    async openAudit() {
      const { openCommandAuditTrail } = await import('./command-audit-trail.js');
      return openCommandAuditTrail(config, repository);
    },
    now: Date.now,
    close: () => repository.close(),
  };
}
