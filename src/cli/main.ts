#!/usr/bin/env node
// The `proofgate` command. Each subcommand lives in the module of the area it belongs to and is
// imported only when used, so `proofgate issuer` does not load OpenCV or the HSM.
import { loadConfig, configDefaults } from '../config/index.js';

interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  issuer: {
    summary: 'print the OIDC issuer (the configured public base URL)',
    usage: 'issuer',
    async run() {
      console.log(loadConfig().server.publicBaseUrl);
      return 0;
    },
  },
  serve: {
    summary: 'start the appliance (HTTP listener on server.host:server.port) until SIGINT/SIGTERM',
    usage: 'serve',
    async run() {
      const { startAppliance } = await import('./start-appliance.js');
      const appliance = await startAppliance(loadConfig());
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await appliance.close();
      return 0;
    },
  },
  init: {
    summary: 'create what the appliance needs if absent: HSM token, PINs, keys, database, evidence data key',
    usage: 'init',
    async run() {
      const { initApplianceState } = await import('./init-appliance.js');
      return initApplianceState(loadConfig());
    },
  },
  'import-entra-jwks': {
    summary: "pin Entra's signing keys from a JWKS file (air-gapped sites: no outbound call is ever made)",
    usage: 'import-entra-jwks FILE|--fetch [--cloud public|usgov|china]',
    async run(args) {
      const { runImportEntraJwks } = await import('./commands/import-entra-jwks.js');
      return runImportEntraJwks(args);
    },
  },
  enrol: {
    summary: 'staff-attested enrolment of a reference photo for an account (kiosk / in-person)',
    usage: 'enrol --tid GUID --oid GUID --photo FILE --attested-by NAME [--upn UPN] [--replace]',
    async run(args) {
      const { enrolCommand } = await import('./commands/enrol.js');
      return enrolCommand(args);
    },
  },
  account: {
    summary: "an account's verification lockout: status, or unlock (audited, names the operator)",
    usage: 'account status|unlock --tid GUID --oid GUID [--by NAME]',
    async run(args) {
      const { accountCommand } = await import('./commands/account.js');
      return accountCommand(args);
    },
  },
  'audit-verify': {
    summary: "verify the audit hash chain, each record's MAC and the HSM-signed checkpoints (trusts the HSM's published keys)",
    usage: 'audit-verify [--jwks FILE]... [--trust-stored-keys] [--export FILE] [--witness FILE] [--no-hsm]',
    async run(args) {
      const config = loadConfig();
      const { auditVerifyCommand } = await import('./commands/audit.js');
      if (args.includes('--no-hsm')) return auditVerifyCommand(config, args, {});
      const { openAuditVerifyHsm } = await import('./init-appliance.js');
      const hsm = await openAuditVerifyHsm(config);
      try {
        return await auditVerifyCommand(config, args, { trustedKeys: hsm.trustedKeys, macKeys: hsm.macKeys });
      } finally {
        await hsm.close();
      }
    },
  },
  'audit-export': {
    summary: 'export the audit trail as JSON lines (records, then checkpoints, then signing keys)',
    usage: 'audit-export [--out FILE] [--since SEQ]',
    async run(args) {
      const { auditExportCommand } = await import('./commands/audit.js');
      return auditExportCommand(loadConfig(), args);
    },
  },
  purge: {
    summary: 'purge raw evidence images older than store.retentionDays now (the server also does it daily)',
    usage: 'purge',
    async run(args) {
      const { purgeCommand } = await import('./commands/purge.js');
      return purgeCommand(loadConfig(), args);
    },
  },
  'config-defaults': {
    summary: 'print every configuration key with its default value (JSON)',
    usage: 'config-defaults',
    async run() {
      console.log(JSON.stringify(configDefaults, null, 2));
      return 0;
    },
  },
  'config-check': {
    summary: 'validate the configuration file named by PROOFGATE_CONFIG (or --config FILE)',
    usage: 'config-check [--config FILE]',
    async run(args) {
      const i = args.indexOf('--config');
      loadConfig(i >= 0 ? args[i + 1] : undefined);
      console.log('configuration OK');
      return 0;
    },
  },
  hsm: {
    summary: 'HSM token: init (idempotent: token, PINs, first keys), status, rotate',
    usage: 'hsm <init|status|rotate>',
    async run(args) {
      const { runHsmCommand } = await import('./commands/hsm.js');
      return runHsmCommand(args, loadConfig());
    },
  },
};

function printHelp(): void {
  console.log('usage: proofgate <command> [options]\n\ncommands:');
  for (const c of Object.values(commands)) console.log(`  ${c.usage}\n      ${c.summary}`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`proofgate: unknown command "${name}"`);
    printHelp();
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    console.error(`proofgate: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(error)}`);
    process.exitCode = 1;
  },
);
