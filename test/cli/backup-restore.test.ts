// Backup and restore end to end, through the real `proofgate` command in child processes run with umask
// 022: init an appliance in directory A (embedded SoftHSM token), enrol a person (a staff-attested
// verification: profile plus its HSM-MAC'd audit record), start it, back it up while it runs, restore
// into directory B, move A out of the way, and start from B: the token is found through the rewritten
// softhsm2.conf, audit-verify passes (chain, MACs, HSM-signed checkpoints) and the profile is there.
// Everything created in A, B and the archive is 0600 (files) / 0700 (directories).
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { openConfiguredRepository } from '../../src/store/open-store.js';
import { extractTar } from '../../src/cli/backup/tar.js';
import { openCommandAuditTrail } from '../../src/cli/commands/command-audit-trail.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { freePort } from '../helpers/free-port.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const TID = '9a8b7c6d-1111-4222-8333-444455556666';
const OID = '0f1e2d3c-aaaa-4bbb-8ccc-dddddddddddd';

interface Run { code: number | null; stdout: string; stderr: string }

/** `proofgate ARGS` from source under umask 022, with PROOFGATE_CONFIG = config. */
function cli(config: string | null, args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SOFTHSM2_CONF;
  if (config) env.PROOFGATE_CONFIG = config;
  else delete env.PROOFGATE_CONFIG;
  const child = spawn('sh', ['-c', 'umask 022; exec "$0" --import tsx src/cli/main.ts "$@"', process.execPath, ...args], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const run = (config: string | null, ...args: string[]) => cli(config, args).done;

/** Starts `serve`, waits for /health to answer, returns its body and a stop function. */
async function serve(t: Test, config: string, port: number) {
  const s = cli(config, ['serve']);
  let exited = false;
  s.done.then(() => { exited = true; });
  for (let i = 0; i < 200 && !exited; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      const health = await res.json() as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
      return {
        health,
        stop: async () => {
          s.child.kill('SIGTERM');
          return s.done;
        },
      };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const r = await s.done;
  t.fail(`serve did not answer: ${r.stderr}`);
  throw new Error('serve did not start');
}

/** Every file and directory under `dir` whose mode is not 0600 / 0700. */
function loose(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) out.push(`${p} ${mode.toString(8)}`);
      for (const name of readdirSync(p)) walk(path.join(p, name));
    } else if (mode !== 0o600) {
      out.push(`${p} ${mode.toString(8)}`);
    }
  };
  walk(dir);
  return out;
}

t.test('init in A, enrol, back up while serving, restore into B, start from B: audit-verify passes, the profile is there', async (t) => {
  const work = embeddedTokenDataDir(t, 'proofgate-backup-');
  const a = path.join(work, 'a');
  const b = path.join(work, 'b');
  const archive = path.join(work, 'backups', 'proofgate.tar');
  const port = await freePort();
  const configA = path.join(work, 'a.json');
  const raw = {
    server: { dataDir: a, port, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'backup-test' },
    biometrics: { manifest: path.join(work, 'no-models.json') }, // the face engine is not needed here
    audit: { checkpointEvery: 1, witnessFile: path.join(work, 'witness', 'audit-witness.jsonl') },
  };
  mkdirSync(path.join(work, 'witness'), { mode: 0o700 });
  writeFileSync(configA, JSON.stringify(raw));

  const init = await run(configA, 'init');
  t.equal(init.code, 0, init.stderr);

  // A staff-attested verification: the profile and its audit record, MAC'd by A's token, sealed by its key.
  const config = buildConfig(raw);
  const repo = openConfiguredRepository(config);
  const trail = await openCommandAuditTrail(config, repo);
  const enrolled = await enrolFromReferencePhoto(
    { repo, audit: trail.audit, faceEngine: new RecordedFaceAnalyzer([oneFace(embedding(7))]), quality: config.verification.quality, maxImageBytes: config.server.maxImageBytes },
    { tid: TID, oid: OID, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  await trail.close();
  repo.close();

  const running = await serve(t, configA, port);
  t.equal(running.health.checks.hsm?.ok, true, 'A serves with its token');
  // --with-pins: the token and the PINs that open it, so B can start from the archive alone; said loudly.
  const backup = await run(configA, 'backup', '--out', archive, '--with-pins');
  t.equal(backup.code, 0, backup.stderr);
  t.match(backup.stdout, /^backup .*proofgate\.tar \(mode 0600\): \d+ file\(s\); database schema \d+, audit through seq \d+; configuration .*a\.json; HSM embedded SoftHSM token store included\n$/);
  t.match(backup.stderr, /WARNING: --with-pins: this archive holds the SoftHSM token AND the PINs that open it/);
  t.equal((await running.stop()).code, 0, 'A stopped cleanly');
  t.same(readdirSync(path.dirname(archive)), ['proofgate.tar'], 'no staging or partial file left');

  // By default the token goes without the PINs that open it (kept in a vault instead).
  const noPins = path.join(work, 'backups', 'no-pins.tar');
  const withoutPins = await run(configA, 'backup', '--out', noPins);
  t.equal(withoutPins.code, 0, withoutPins.stderr);
  t.match(withoutPins.stderr, /note: PIN files left out: .*user\.pin, .*so\.pin; keep the PINs in your vault, apart from this archive/);
  t.notMatch(withoutPins.stderr, /WARNING/);
  const unpacked = path.join(work, 'unpacked');
  mkdirSync(unpacked);
  const names = extractTar(noPins, unpacked);
  t.ok(names.some((n) => n.startsWith('data/hsm/tokens/')), 'the token store is in it');
  t.notOk(names.some((n) => n.endsWith('.pin')), 'no PIN file is');
  t.match(JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')), { hsm: { kind: 'embedded-softhsm', softhsmConf: 'data/hsm/softhsm2.conf', pinsLeftOut: ['hsm/user.pin', 'hsm/so.pin'] } });
  const c = path.join(work, 'c');
  const restoreNoPins = await run(null, 'restore', '--from', noPins, '--data-dir', c);
  t.equal(restoreNoPins.code, 0, restoreNoPins.stderr);
  t.match(restoreNoPins.stderr, /note: the backup holds no PIN files \(hsm\/user\.pin, hsm\/so\.pin\): before the appliance starts, supply the user PIN from your vault, either as the file hsm\.pinFile names in .*c\/proofgate\.json .* or with hsm\.pinFile set to null in the configuration and the PIN in the environment variable hsm\.pinEnv/);
  rmSync(noPins);
  rmSync(c, { recursive: true });

  const again = await run(configA, 'backup', '--out', archive);
  t.equal(again.code, 1);
  t.match(again.stderr, /proofgate\.tar exists; choose a new name/);
  const inside = await run(configA, 'backup', '--out', path.join(a, 'backups', 'x.tar'));
  t.equal(inside.code, 1);
  t.match(inside.stderr, /is inside the data directory .*; write backups elsewhere/);

  const restore = await run(null, 'restore', '--from', archive, '--data-dir', b);
  t.equal(restore.code, 0, restore.stderr);
  t.match(restore.stdout, new RegExp(`into ${b}\\nconfiguration: ${path.join(b, 'proofgate.json')} `));
  const configB = path.join(b, 'proofgate.json');
  const restored = JSON.parse(readFileSync(configB, 'utf8')) as typeof raw;
  t.equal(restored.server.dataDir, b, 'the restored configuration points at B');
  t.match(readFileSync(path.join(b, 'hsm', 'softhsm2.conf'), 'utf8'), new RegExp(`directories\\.tokendir = ${path.join(b, 'hsm', 'tokens')}\\n`));

  const refused = await run(null, 'restore', '--from', archive, '--data-dir', b);
  t.equal(refused.code, 1, 'a non-empty target is refused');
  t.match(refused.stderr, /is not empty; restore into an empty directory, or pass --force/);

  // Nothing of B may depend on A.
  t.same(loose(a), [], 'everything A created is private');
  renameSync(a, `${a}.gone`);

  const verify = await run(configB, 'audit-verify');
  t.equal(verify.code, 0, `audit-verify on B: ${verify.stdout}${verify.stderr}`);
  t.notMatch(verify.stderr, /HSM not reachable/, "B's token was found");
  const exported = await run(configB, 'audit-export', '--out', path.join(work, 'backups', 'audit.jsonl'));
  t.equal(exported.code, 0, exported.stderr);
  const show = await run(configB, 'profile', 'show', '--tid', TID, '--oid', OID, '--json');
  t.equal(show.code, 0, show.stderr);
  t.match(JSON.parse(show.stdout), { tid: TID, oid: OID, profile: { profileId: enrolled.profile.profileId, upn: 'ada@contoso.example' }, auditTotal: 1 });

  const fromB = await serve(t, configB, port);
  t.match(fromB.health.checks, { hsm: { ok: true }, store: { ok: true }, audit: { ok: true } }, 'B serves with the restored token');
  t.equal((await fromB.stop()).code, 0);

  const forced = await run(null, 'restore', '--from', archive, '--data-dir', b, '--force');
  t.equal(forced.code, 0, forced.stderr);
  t.match(forced.stderr, /the previous contents of .* were moved to .*b\.replaced-/);
  t.same(loose(b), [], 'everything restored is private');
  t.same(loose(path.dirname(archive)), [], 'the archive and the export are private');
  t.same(loose(path.join(work, 'witness')), [], 'the witness is private');
  t.match(readFileSync(path.join(work, 'witness', 'audit-witness.jsonl'), 'utf8'), /"seq":1/, 'and was written');
});
