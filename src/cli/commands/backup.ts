// `proofgate backup` and `proofgate restore`: the operator's side of src/cli/backup/ (what is in the
// archive, how restore checks it and moves it into place). Results on stdout, notes on stderr.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import { consoleIo, type CommandIo } from './command-io.js';

export const backupOptions = { out: { type: 'string' }, 'with-pins': { type: 'boolean' }, config: { type: 'string' } } as const;
export const restoreOptions = {
  from: { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean' }, config: { type: 'string' }, 'accept-config': { type: 'boolean' },
  owner: { type: 'string' },
} as const;
export const backupUsage = 'backup --out FILE [--with-pins] [--config FILE]';
export const restoreUsage = 'restore --from FILE --data-dir DIR [--force] [--config FILE] [--accept-config] [--owner USER]';

function usageError(usage: string, message: string): ProofgateError {
  return new ProofgateError('ERR_USAGE', `${message}; usage: proofgate ${usage}`, { status: 400 });
}

export async function backupCommand(args: string[], io: CommandIo = consoleIo): Promise<number> {
  const { values } = parseArgs({ args, options: backupOptions, strict: true, allowPositionals: false });
  if (!values.out) throw usageError(backupUsage, '--out is required');
  const configFile = values.config ?? process.env.PROOFGATE_CONFIG ?? null;
  const config = loadConfig(configFile ?? undefined);
  const { makeBackup } = await import('../backup/make-backup.js');
  const report = await makeBackup(config, { out: values.out, configFile, withPins: values['with-pins'] ?? false });
  const m = report.manifest;
  io.out(`backup ${report.archive} (mode 0600): ${m.files.length} file(s); database schema ${m.database.schemaVersion}, `
    + `audit through seq ${m.database.lastAuditSeq}; configuration ${m.source.configFile ?? '(defaults, no file)'}; `
    + `HSM ${m.hsm.kind === 'embedded-softhsm' ? `embedded SoftHSM token store ${m.hsm.softhsmConf ? 'included' : 'NOT included'}` : 'external: keys NOT included'}`);
  for (const note of report.notes) io.err(`note: ${note}`);
  return 0;
}

export async function restoreCommand(args: string[], io: CommandIo = consoleIo): Promise<number> {
  const { values } = parseArgs({ args, options: restoreOptions, strict: true, allowPositionals: false });
  if (!values.from) throw usageError(restoreUsage, '--from is required');
  if (!values['data-dir']) throw usageError(restoreUsage, '--data-dir is required');
  const { restoreBackup } = await import('../backup/restore-backup.js');
  const { lookUpOwner } = await import('../backup/restore-owner.js');
  const report = restoreBackup({
    from: values.from, dataDir: values['data-dir'], force: values.force ?? false,
    currentConfigFile: values.config ?? process.env.PROOFGATE_CONFIG ?? null, acceptConfig: values['accept-config'] ?? false,
    owner: values.owner ? lookUpOwner(values.owner) : null,
  });
  if (report.chownedTo) io.err(`note: the restored files are owned by uid ${report.chownedTo.uid}, gid ${report.chownedTo.gid} (the owner of what they replace, or --owner)`);
  const m = report.manifest;
  if (report.comparedWith === null) {
    io.err(`note: no configuration to compare with: the restored one is the archive's; review ${report.configFile} (hsm.module, oidc.clients, server.trustedProxies) before it starts`);
  } else if (report.differences.length === 0) {
    io.err(`note: the restored configuration matches ${report.comparedWith}`);
  } else {
    const list = report.differences.map((d) => (d.security ? `${d.key} (security-relevant)` : d.key)).join(', ');
    io.err(`note: the restored configuration differs from ${report.comparedWith} in: ${list}`);
  }
  if (report.replacedTo) io.err(`note: the previous contents of ${report.dataDir} were moved to ${report.replacedTo}`);
  io.out(`restored the backup of ${m.createdAt} (proofgate ${m.proofgate.version}, database schema ${m.database.schemaVersion}, `
    + `audit through seq ${m.database.lastAuditSeq}) into ${report.dataDir}`);
  io.out(`configuration: ${report.configFile} (server.dataDir and the paths inside the old data directory now point here)`);
  if (m.hsm.kind === 'external') io.err(`note: the HSM keys are not in the backup: the HSM token "${m.hsm.tokenLabel}" must hold them (restore them with the HSM's own procedure)`);
  else if (m.hsm.softhsmConf) io.out('SoftHSM: token store restored; softhsm2.conf rewritten for its new directory');
  if (m.hsm.pinsLeftOut.length) {
    io.err(`note: the backup holds no PIN files (${m.hsm.pinsLeftOut.join(', ')}): before the appliance starts, supply the user PIN from your vault, `
      + `either as the file hsm.pinFile names in ${report.configFile} (mode 0600, the PIN on its first line) `
      + 'or with hsm.pinFile set to null in the configuration and the PIN in the environment variable hsm.pinEnv (PROOFGATE_HSM_PIN by default); '
      + 'the SO PIN file (hsm.soPinFile) is needed only to initialise a new token');
  }
  io.out(`next: PROOFGATE_CONFIG=${report.configFile} proofgate init (checks the token, applies pending migrations), `
    + 'then proofgate audit-verify, then start the service with that configuration');
  return 0;
}
