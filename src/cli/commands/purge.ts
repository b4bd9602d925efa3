// `proofgate purge`: applies the evidence retention now (the server also does it at start-up and daily).
// Takes the parsed configuration and the arguments after the command name; resolves to an exit code.
import { parseArgs } from 'node:util';
import type { ProofgateConfig } from '../../config/index.js';
import { openConfiguredRepository, storeLocation } from '../../store/open-store.js';
import { purgeExpiredEvidence } from '../../store/retention.js';
import { consoleIo, type CommandIo } from './command-io.js';

// Other commands and their tests import the printing seam from here.
export { consoleIo, type CommandIo } from './command-io.js';

export const purgeUsage = 'purge';

export async function purgeCommand(
  config: ProofgateConfig, args: string[], io: CommandIo = consoleIo,
): Promise<number> {
  try {
    parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  } catch (e) {
    io.err(`proofgate purge: ${(e as Error).message}\nusage: proofgate ${purgeUsage}`);
    return 2;
  }
  const repo = openConfiguredRepository(config);
  try {
    const report = purgeExpiredEvidence(repo, config.store);
    io.out(`store: ${storeLocation(config)}`);
    io.out(`purged ${report.purgedEvidence} evidence image(s) captured before ${new Date(report.cutoff).toISOString()} `
      + `(store.retentionDays = ${config.store.retentionDays}); templates, evidence hashes and the audit trail are kept`);
    io.out(`pruned ${report.prunedOnceValues} expired replay-guard value(s)`);
    io.out(`pruned ${report.prunedCaptureClaims} lapsed capture claim(s)`);
    return 0;
  } finally {
    repo.close();
  }
}
