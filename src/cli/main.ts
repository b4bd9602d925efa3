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
      const { runHsmCommand } = await import('../hsm/cli.js');
      return runHsmCommand(args, loadConfig());
    },
  },
};

function printHelp(): void {
  console.log('usage: proofgate <command> [options]\n\ncommands:');
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  for (const c of Object.values(commands)) console.log(`  ${c.usage.padEnd(width)}  ${c.summary}`);
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
