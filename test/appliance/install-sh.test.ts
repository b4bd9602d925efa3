// appliance/install.sh, the offline bundle's installer, run for real on a small bundle laid out like the
// one appliance/bundle.sh builds (the full build-and-install in a clean Debian root is
// appliance/test-bundle.sh, outside npm test). What must hold without root or packages: an unlisted,
// altered or linked file is refused before anything is written; a good bundle lands in the prefix with
// its command wrapper; a second install replaces the code and keeps the data directory; a running
// service (systemctl is-active, stubbed on PATH) is refused before anything is written.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';

const installer = path.join(projectRoot, 'appliance', 'install.sh');
const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
const debian = /^ID=debian$/m.exec(osRelease) ? /^VERSION_ID="?(\d+)"?$/m.exec(osRelease)?.[1] : undefined;
const dpkgArch = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' });

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p, base) : [path.relative(base, p)];
  });
}

/** A bundle directory: install.sh, BUNDLE-INFO for this machine, a tiny app and runtime, SHA256SUMS. */
function makeBundle(root: string): string {
  const b = path.join(root, 'proofgate-test-bundle');
  mkdirSync(path.join(b, 'app', 'dist', 'src', 'cli'), { recursive: true });
  mkdirSync(path.join(b, 'runtime', 'bin'), { recursive: true });
  mkdirSync(path.join(b, 'debs'), { recursive: true });
  writeFileSync(path.join(b, 'install.sh'), readFileSync(installer));
  chmodSync(path.join(b, 'install.sh'), 0o755);
  writeFileSync(path.join(b, 'BUNDLE-INFO'), `name=proofgate-test\nversion=0.0.0-test\narch=${dpkgArch.stdout.trim()}\ndebian=${debian}\n`);
  writeFileSync(path.join(b, 'app', 'package.json'), '{"name":"proofgate"}\n');
  writeFileSync(path.join(b, 'app', 'dist', 'src', 'cli', 'main.js'), 'console.log("main")\n');
  // Stands in for the Node.js binary: install.sh only checks that it runs.
  writeFileSync(path.join(b, 'runtime', 'bin', 'node'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(b, 'runtime', 'bin', 'node'), 0o755);
  writeFileSync(path.join(b, 'runtime', 'VERSION'), 'v20.99.0\n');
  writeFileSync(path.join(b, 'debs', 'PACKAGES'), 'softhsm2\n');
  writeSums(b);
  return b;
}

function writeSums(b: string): void {
  const lines = listFiles(b).filter((f) => f !== 'SHA256SUMS').sort()
    .map((f) => `${createHash('sha256').update(readFileSync(path.join(b, f))).digest('hex')}  ${f}`);
  writeFileSync(path.join(b, 'SHA256SUMS'), `${lines.join('\n')}\n`);
}

const install = (bundle: string, prefix: string, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync('bash', [path.join(bundle, 'install.sh'), '--prefix', prefix, '--no-packages', '--no-init'], { encoding: 'utf8', env });

/** A systemctl first on PATH that reports `active` for one unit only, and logs every call. */
function stubSystemctl(root: string, activeUnit: string): { env: NodeJS.ProcessEnv; calls: () => string } {
  const dir = path.join(root, 'stub-bin');
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'calls.log');
  writeFileSync(path.join(dir, 'systemctl'), `#!/bin/sh\necho "$*" >> '${log}'\n[ "$*" = "is-active --quiet ${activeUnit}" ] && exit 0\nexit 3\n`);
  chmodSync(path.join(dir, 'systemctl'), 0o755);
  return { env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` }, calls: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
}

t.test('install.sh: refusals write nothing; a good bundle installs and upgrades in place', { skip: debian && dpkgArch.status === 0 ? false : 'needs Debian and dpkg' }, async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'proofgate-install-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const bundle = makeBundle(root);
  const prefix = path.join(root, 'opt', 'proofgate');

  writeFileSync(path.join(bundle, 'app', 'extra.js'), 'process.exit(0)\n');
  let r = install(bundle, prefix);
  t.not(r.status, 0, 'an added file is refused');
  t.match(r.stderr, /files not listed in SHA256SUMS \(refusing to install\): app\/extra\.js/);
  unlinkSync(path.join(bundle, 'app', 'extra.js'));

  appendFileSync(path.join(bundle, 'app', 'dist', 'src', 'cli', 'main.js'), '// altered\n');
  r = install(bundle, prefix);
  t.not(r.status, 0, 'an altered file is refused');
  t.match(r.stderr, /checksum mismatch/);
  t.match(r.stdout + r.stderr, /app\/dist\/src\/cli\/main\.js: FAILED/, 'names the file');
  writeFileSync(path.join(bundle, 'app', 'dist', 'src', 'cli', 'main.js'), 'console.log("main")\n');

  symlinkSync('/etc/passwd', path.join(bundle, 'app', 'link'));
  r = install(bundle, prefix);
  t.not(r.status, 0, 'a symbolic link is refused');
  t.match(r.stderr, /unexpected non-regular file in the bundle: \.\/app\/link/);
  unlinkSync(path.join(bundle, 'app', 'link'));

  writeFileSync(path.join(bundle, 'BUNDLE-INFO'), readFileSync(path.join(bundle, 'BUNDLE-INFO'), 'utf8').replace(/^debian=.*$/m, 'debian=99'));
  writeSums(bundle);
  r = install(bundle, prefix);
  t.not(r.status, 0, 'a bundle for another Debian release is refused');
  t.match(r.stderr, /this bundle is for Debian 99/);

  // A running service would have its dist and node_modules deleted under it: refused until stopped.
  const good = makeBundle(path.join(root, 'good'));
  for (const unit of ['proofgate', 'proofgate-entra-keys']) {
    const systemctl = stubSystemctl(path.join(root, unit), unit);
    r = install(good, prefix, systemctl.env);
    t.not(r.status, 0, `refused while ${unit}.service is active`);
    t.match(r.stderr, new RegExp(`${unit}\\.service is running: stop it first \\(systemctl stop ${unit}\\)`));
    t.match(systemctl.calls(), new RegExp(`^is-active --quiet ${unit}$`, 'm'), 'asked systemd');
  }
  t.notOk(existsSync(prefix), 'no refusal created the prefix');

  const stopped = stubSystemctl(path.join(root, 'stopped'), 'none');
  r = install(good, prefix, stopped.env);
  t.equal(r.status, 0, `installs once the service is stopped (${r.stderr.trim()})`);
  t.match(stopped.calls(), /^is-active --quiet proofgate$/m, 'after asking systemd');
  t.match(r.stdout, /files verified/);
  t.equal(readFileSync(path.join(prefix, 'dist', 'src', 'cli', 'main.js'), 'utf8'), 'console.log("main")\n');
  t.match(readFileSync(path.join(prefix, 'bin', 'proofgate'), 'utf8'), new RegExp(`exec "${prefix}/runtime/bin/node" "${prefix}/dist/src/cli/main.js"`));
  t.ok(existsSync(path.join(prefix, 'BUNDLE-INFO')));
  t.same(readdirSync(prefix).filter((n) => n.startsWith('.install-')), [], 'no staging directory left behind');

  mkdirSync(path.join(prefix, 'var'));
  writeFileSync(path.join(prefix, 'var', 'proofgate.db'), 'state');
  writeFileSync(path.join(good, 'app', 'dist', 'src', 'cli', 'main.js'), 'console.log("main v2")\n');
  writeSums(good);
  r = install(good, prefix);
  t.equal(r.status, 0, 'a second install succeeds');
  t.equal(readFileSync(path.join(prefix, 'dist', 'src', 'cli', 'main.js'), 'utf8'), 'console.log("main v2")\n', 'code replaced');
  t.equal(readFileSync(path.join(prefix, 'var', 'proofgate.db'), 'utf8'), 'state', 'the data directory under the prefix is kept');
});
