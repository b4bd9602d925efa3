// Every command and subcommand in the command table answers --help and -h with its usage and exit 0
// without running (no file created in the data directory, no listener, no HSM touched: each would also
// fail or hang here), and refuses an unknown flag with its usage and exit 2, before running. Also through
// the real CLI: `serve --help` returns at once, `--version` names the version, the commit and the models.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { commands, runCli, type Command, type CommandGroup } from '../../src/cli/main.js';
import { tempDir } from '../helpers/temp-store.js';
import { freePort } from '../helpers/free-port.js';

const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

async function listening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

function everyCommand(): Array<{ label: string; argv: string[]; command: Command }> {
  const out: Array<{ label: string; argv: string[]; command: Command }> = [];
  for (const [name, entry] of Object.entries(commands)) {
    if ('subcommands' in entry) {
      for (const [sub, command] of Object.entries((entry as CommandGroup).subcommands)) out.push({ label: `${name} ${sub}`, argv: [name, sub], command });
    } else {
      out.push({ label: name, argv: [name], command: entry as Command });
    }
  }
  return out;
}

const dir = tempDir(t, 'proofgate-help-');
const dataDir = path.join(dir, 'data');
const port = await freePort();
const configFile = path.join(dir, 'proofgate.json');
writeFileSync(configFile, JSON.stringify({ server: { dataDir, port }, biometrics: { manifest: path.join(dir, 'none.json') } }));
process.env.PROOFGATE_CONFIG = configFile;
const softhsmConfBefore = process.env.SOFTHSM2_CONF;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ran = runCli(argv, { out: (s) => { out += `${s}\n`; }, err: (s) => { err += `${s}\n`; } });
  // A command that ran instead of answering (serve) would not return: fail instead of hanging.
  const code = await Promise.race([ran, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`${argv.join(' ')} did not return`)), 10_000).unref())]);
  return { code, out, err };
}

function noSideEffect(t: Test, label: string) {
  t.same(readdirSync(dir).sort(), ['proofgate.json'], `${label}: nothing created`);
  t.equal(process.env.SOFTHSM2_CONF, softhsmConfBefore, `${label}: the HSM was not touched`);
}

t.test('--help and -h: usage, exit 0, nothing run', async (t) => {
  const all = everyCommand();
  t.ok(all.length >= 18, `${all.length} commands and subcommands`);
  for (const { label, argv, command } of all) {
    for (const flag of ['--help', '-h']) {
      const r = await run([...argv, flag]);
      t.equal(r.code, 0, `${label} ${flag}: exit 0`);
      if (command.help) t.equal(r.out, `${await command.help()}\n`, `${label} ${flag}: its help text`);
      else t.equal(r.out, `usage: proofgate ${command.usage}\n  ${command.summary}\n`, `${label} ${flag}: its usage`);
      t.match(r.out, `usage: proofgate ${command.usage}\n`);
      t.equal(r.err, '');
      noSideEffect(t, `${label} ${flag}`);
    }
  }
  // --help after other flags, even valid ones, still only prints the usage.
  t.match(await run(['profile', 'delete', '--tid', 'x', '--yes', '--help']), { code: 0, out: /^usage: proofgate profile delete --tid GUID --oid GUID/ });
  t.match(await run(['hsm', '--help']), { code: 0, out: /^usage: proofgate hsm <init\|status\|rotate>/ });
  t.match(await run(['--help']), { code: 0, out: /^usage: proofgate <command> \[options\]/ });
  t.equal(await listening(port), false, 'serve --help opened no listener');
  noSideEffect(t, 'all');
});

t.test('an unknown flag or a stray argument is refused with the usage, exit 2, nothing run', async (t) => {
  for (const { label, argv, command } of everyCommand()) {
    const r = await run([...argv, '--definitely-not-a-flag']);
    t.equal(r.code, 2, `${label}: exit 2`);
    t.equal(r.out, '');
    t.equal(r.err, `proofgate ${label}: Unknown option '--definitely-not-a-flag'\nusage: proofgate ${command.usage}\n  ${command.summary}\n`, `${label}: named, with the usage`);
    noSideEffect(t, label);
  }
  t.match(await run(['serve', 'now']), { code: 2, err: /^proofgate serve: unexpected argument "now"\nusage: proofgate serve/ });
  t.match(await run(['hsm', 'explode']), { code: 2, err: /^proofgate hsm: unknown subcommand "explode"/ });
  t.match(await run(['hsm']), { code: 2, err: /^usage: proofgate hsm/ });
  t.match(await run(['frobnicate']), { code: 2, err: /^proofgate: unknown command "frobnicate"/ });
  t.match(await run([]), { code: 2, err: /^usage: proofgate <command>/ });
  noSideEffect(t, 'all');
});

t.test('through the real CLI: serve --help returns at once; --version and version name the release, the commit and the models', async (t) => {
  const cli = (args: string[]) => execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 60_000, env: { ...process.env, PROOFGATE_CONFIG: configFile } });
  const help = await cli(['serve', '--help']);
  t.match(help.stdout, /^usage: proofgate serve\n/);
  t.equal(await listening(port), false);
  const { version } = JSON.parse((await import('node:fs')).readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const v = await cli(['--version']);
  t.match(v.stdout, new RegExp(`^proofgate ${version.replace(/\./g, '\\.')}\\ncommit ([0-9a-f]{40} \\(running from source\\)|source)\\n`));
  const json = JSON.parse((await cli(['version', '--json'])).stdout) as { version: string; models: Array<{ id: string; sha256: string }>; modelsProblem: string | null };
  t.equal(json.version, version);
  if (json.modelsProblem === null) {
    t.ok(json.models.length > 0, 'the manifest\'s models');
    for (const m of json.models) t.match(m.sha256, /^[0-9a-f]{64}$/, m.id);
  } else {
    t.match(json.modelsProblem, /manifest\.json is missing/, 'says why no model is listed');
  }
  noSideEffect(t, 'the CLI');
});
