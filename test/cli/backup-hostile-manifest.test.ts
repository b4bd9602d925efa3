// restore against archives whose manifest (not authenticated: anyone can write one) lies: paths that
// climb out of the target through hsm.softhsmConf, database.path or files[].path, and a manifest whose
// shape is wrong. Each is refused before anything is written, outside the target or in it.
import t, { type Test } from 'tap';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { TarWriter } from '../../src/cli/backup/tar.js';
import { restoreBackup } from '../../src/cli/backup/restore-backup.js';
import { BACKUP_FORMAT } from '../../src/cli/backup/backup-manifest.js';
import { tempDir, tempRepository } from '../helpers/temp-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** An archive of `entries` and a manifest listing them, with `patch` applied to the manifest object. */
function hostileArchive(file: string, entries: Array<[string, Buffer]>, patch: (m: Record<string, any>) => void): void {
  const manifest: Record<string, any> = {
    format: BACKUP_FORMAT, createdAt: new Date(0).toISOString(), proofgate: { version: '0.1.0', commit: 'unknown' },
    source: { dataDir: '/var/lib/proofgate', configFile: null },
    database: { path: 'data/proofgate.sqlite', schemaVersion: 4, lastAuditSeq: 0 },
    hsm: { kind: 'embedded-softhsm', tokenLabel: 'proofgate', softhsmConf: 'data/hsm/softhsm2.conf', pinsLeftOut: [] },
    files: entries.map(([p, b]) => ({ path: p, bytes: b.length, sha256: sha(b) })),
  };
  patch(manifest);
  const fd = openSync(file, 'wx', 0o600);
  const tar = new TarWriter(fd);
  for (const [name, data] of entries) tar.addBuffer(name, data);
  tar.addBuffer('manifest.json', Buffer.from(JSON.stringify(manifest)));
  tar.finish();
  closeSync(fd);
}

function goodEntries(t: Test): Array<[string, Buffer]> {
  const { file } = tempRepository(t);
  return [['data/proofgate.sqlite', readFileSync(file)], ['data/hsm/softhsm2.conf', Buffer.from('# conf\n')], ['data/hsm/tokens/x/token.object', Buffer.from('token')]];
}

t.test('manifest paths that leave data/ are refused before anything is written', async (t) => {
  const dir = tempDir(t);
  const entries = goodEntries(t);
  const cases: Array<[string, (m: Record<string, any>) => void, RegExp]> = [
    ['softhsmConf climbs out', (m) => { m.hsm.softhsmConf = 'data/../../escaped/softhsm2.conf'; }, /^backup manifest: hsm\.softhsmConf "data\/\.\.\/\.\.\/escaped\/softhsm2\.conf" is not a plain relative path$/],
    ['softhsmConf absolute', (m) => { m.hsm.softhsmConf = '/tmp/escaped/softhsm2.conf'; }, /hsm\.softhsmConf "\/tmp\/escaped\/softhsm2\.conf" is not a plain relative path/],
    ['softhsmConf not listed', (m) => { m.hsm.softhsmConf = 'data/elsewhere/softhsm2.conf'; }, /^backup manifest: hsm\.softhsmConf data\/elsewhere\/softhsm2\.conf is not a file the manifest lists$/],
    ['softhsmConf outside data/', (m) => { m.hsm.softhsmConf = 'manifest.json'; }, /hsm\.softhsmConf "manifest\.json" is not under data\//],
    ['database climbs out', (m) => { m.database.path = 'data/../../escaped.sqlite'; }, /^backup manifest: database\.path "data\/\.\.\/\.\.\/escaped\.sqlite" is not a plain relative path$/],
    ['database absolute', (m) => { m.database.path = '/etc/passwd'; }, /database\.path "\/etc\/passwd" is not a plain relative path/],
    ['listed file climbs out', (m) => { m.files.push({ path: 'data/../../../etc/passwd', bytes: 1, sha256: 'x' }); }, /files\[3\]\.path "data\/\.\.\/\.\.\/\.\.\/etc\/passwd" is not a plain relative path/],
    ['listed file outside data/', (m) => { m.files.push({ path: 'other/x', bytes: 1, sha256: 'x' }); }, /files\[3\]\.path "other\/x" is not under data\//],
  ];
  for (const [i, [label, patch, message]] of cases.entries()) {
    const archive = path.join(dir, `${i}.tar`);
    hostileArchive(archive, entries, patch);
    mkdirSync(path.join(dir, `case-${i}`, 'parent'), { recursive: true });
    const target = path.join(dir, `case-${i}`, 'parent', 'target');
    t.throws(() => restoreBackup({ from: archive, dataDir: target, force: false }), { code: 'ERR_BAD_REQUEST', message }, label);
    t.same(readdirSync(path.join(dir, `case-${i}`)), ['parent'], `${label}: nothing escaped`);
    t.same(readdirSync(path.join(dir, `case-${i}`, 'parent')), [], `${label}: no target, no staging`);
  }
  t.notOk(existsSync(path.join(dir, 'escaped')));
});

t.test('a manifest of the wrong shape is refused before the data directory is touched, even with --force', async (t) => {
  const dir = tempDir(t);
  const entries = goodEntries(t);
  const cases: Array<[string, (m: Record<string, any>) => void, RegExp]> = [
    ['no hsm', (m) => { delete m.hsm; }, /^backup manifest: hsm is missing or not an object$/],
    ['unknown hsm kind', (m) => { m.hsm.kind = 'cloud'; }, /^backup manifest: hsm\.kind "cloud" is not one of embedded-softhsm, external$/],
    ['softhsmConf a number', (m) => { m.hsm.softhsmConf = 7; }, /^backup manifest: hsm\.softhsmConf is missing or not a string$/],
    ['softhsmConf for an external HSM', (m) => { m.hsm.kind = 'external'; }, /^backup manifest: hsm\.softhsmConf is set for an external HSM$/],
    ['pinsLeftOut not a list', (m) => { m.hsm.pinsLeftOut = 'hsm/user.pin'; }, /^backup manifest: hsm\.pinsLeftOut is missing or not a list$/],
    ['pinsLeftOut climbs out', (m) => { m.hsm.pinsLeftOut = ['../../etc/shadow']; }, /hsm\.pinsLeftOut\[0\] "\.\.\/\.\.\/etc\/shadow" is not a plain relative path/],
    ['no source', (m) => { delete m.source; }, /^backup manifest: source is missing or not an object$/],
    ['schema version a string', (m) => { m.database.schemaVersion = '4'; }, /^backup manifest: database\.schemaVersion is not a non-negative integer$/],
    ['bad digest', (m) => { m.files[0].sha256 = 'x'; }, /^backup manifest: files\[0\]\.sha256 is not a SHA-256$/],
    ['database not listed', (m) => { m.database.path = 'data/other.sqlite'; }, /^backup manifest: database\.path data\/other\.sqlite is not a file the manifest lists$/],
    ['not an object', (m) => { for (const k of Object.keys(m)) if (k !== 'format') delete m[k]; m.files = 'all'; }, /^backup manifest: proofgate is missing or not an object$/],
  ];
  const target = path.join(dir, 'target');
  mkdirSync(target);
  writeFileSync(path.join(target, 'proofgate.sqlite'), 'the running database');
  for (const [i, [label, patch, message]] of cases.entries()) {
    const archive = path.join(dir, `${i}.tar`);
    hostileArchive(archive, entries, patch);
    t.throws(() => restoreBackup({ from: archive, dataDir: target, force: true }), { code: 'ERR_BAD_REQUEST', message }, label);
    t.same(readdirSync(target), ['proofgate.sqlite'], `${label}: the data directory is untouched`);
    t.equal(readFileSync(path.join(target, 'proofgate.sqlite'), 'utf8'), 'the running database');
    t.same(readdirSync(dir).filter((n) => !n.endsWith('.tar')), ['target'], `${label}: nothing moved aside, no staging left`);
  }
});

t.test('a well-formed archive restores, its softhsm2.conf naming the tokens/ of the target', async (t) => {
  const dir = tempDir(t);
  const archive = path.join(dir, 'good.tar');
  hostileArchive(archive, goodEntries(t), () => {});
  const target = path.join(dir, 'target');
  restoreBackup({ from: archive, dataDir: target, force: false });
  t.match(readFileSync(path.join(target, 'hsm', 'softhsm2.conf'), 'utf8'), `directories.tokendir = ${path.join(target, 'hsm', 'tokens')}\n`);
  t.equal(readFileSync(path.join(target, 'hsm', 'tokens', 'x', 'token.object'), 'utf8'), 'token');
  t.same(readdirSync(dir).sort(), ['good.tar', 'target'], 'no staging left');
});

t.test("a restored configuration that loads a library from the data directory is refused; a different one needs --accept-config", async (t) => {
  const dir = tempDir(t);
  const entries = goodEntries(t);
  const withConfig = (config: unknown): Array<[string, Buffer]> => [['config.json', Buffer.from(JSON.stringify(config))], ...entries, ['data/evil.so', Buffer.from('\x7fELF')]];
  const fresh = (name: string) => path.join(dir, name, 'target');

  // The archive ships the library and points hsm.module at it, by the old absolute path or relatively.
  for (const [i, module] of ['/var/lib/proofgate/evil.so', './evil.so'].entries()) {
    const archive = path.join(dir, `code-${i}.tar`);
    hostileArchive(archive, withConfig({ server: { dataDir: '/var/lib/proofgate' }, hsm: { module } }), () => {});
    const target = fresh(`code-${i}`);
    t.throws(() => restoreBackup({ from: archive, dataDir: target, force: false, acceptConfig: true }), {
      code: 'ERR_CONFIG', message: new RegExp(`sets hsm\\.module to ${path.join(target, 'evil.so')}, inside the restored data directory`),
    }, module);
    t.same(readdirSync(path.dirname(target)), [], 'nothing restored, no staging left');
  }

  // The configuration in use trusts one client; the archive's trusts another and a proxy.
  const client = (clientId: string) => ({ clientId, appId: clientId, tenants: ['9a8b7c6d-1111-4222-8333-444455556666'] });
  const inUse = path.join(dir, 'in-use.json');
  writeFileSync(inUse, JSON.stringify({ server: { dataDir: '/srv/proofgate', port: 9000 }, oidc: { clients: [client('a1a1a1a1-0000-4000-8000-000000000001')] } }));
  const hostile = { server: { dataDir: '/var/lib/proofgate', port: 9001, trustedProxies: ['10.0.0.0/8'] }, oidc: { clients: [client('e1e1e1e1-0000-4000-8000-000000000002')] } };
  const archive = path.join(dir, 'differs.tar');
  hostileArchive(archive, withConfig(hostile), () => {});
  const target = fresh('differs');
  t.throws(() => restoreBackup({ from: archive, dataDir: target, force: false, currentConfigFile: inUse }), {
    code: 'ERR_CONFIG', message: `the backup's configuration differs from ${inUse} in security-relevant keys: oidc.clients, server.trustedProxies; review them (the archive is not authenticated) and pass --accept-config to restore it as it is`,
  });
  t.same(readdirSync(path.dirname(target)), [], 'refused: nothing restored');
  const report = restoreBackup({ from: archive, dataDir: target, force: false, currentConfigFile: inUse, acceptConfig: true });
  t.same(report.differences, [{ key: 'oidc.clients', security: true }, { key: 'server.port', security: false }, { key: 'server.trustedProxies', security: true }]);
  t.equal(report.comparedWith, inUse);

  // The same configuration (its data directory moved) restores without --accept-config.
  const same = path.join(dir, 'same.tar');
  hostileArchive(same, withConfig({ server: { dataDir: '/var/lib/proofgate', port: 9000 }, oidc: { clients: [client('a1a1a1a1-0000-4000-8000-000000000001')] } }), () => {});
  const sameReport = restoreBackup({ from: same, dataDir: fresh('same'), force: false, currentConfigFile: inUse });
  t.same(sameReport.differences, []);
});

t.test('ownership: as root the staged tree goes to the owner of what it replaces before the rename; as a user nothing is chowned', async (t) => {
  const dir = tempDir(t);
  const archive = path.join(dir, 'good.tar');
  hostileArchive(archive, goodEntries(t), () => {});
  const me = { uid: process.getuid!(), gid: process.getgid!() };

  // An ordinary user: its files are its own; chown is never called, and --owner someone else is refused.
  const calls: Array<[string, number, number]> = [];
  const spy = (p: string, uid: number, gid: number) => { calls.push([p, uid, gid]); };
  const plain = restoreBackup({ from: archive, dataDir: path.join(dir, 'plain'), force: false, isRoot: false, chown: spy });
  t.same(calls, [], 'not root: no chown');
  t.equal(plain.chownedTo, null);
  t.throws(() => restoreBackup({ from: archive, dataDir: path.join(dir, 'other'), force: false, isRoot: false, chown: spy, owner: { uid: me.uid + 1, gid: me.gid } }), {
    code: 'ERR_BAD_REQUEST', message: /--owner \d+:\d+ needs root .*run it with sudo/,
  });
  t.notOk(existsSync(path.join(dir, 'other')));

  // Root replacing a service's data directory: every staged path is handed to that directory's owner
  // while the old directory is still in place.
  const target = path.join(dir, 'service');
  mkdirSync(target);
  writeFileSync(path.join(target, 'old'), 'old');
  const seen: string[] = [];
  const rootSpy = (p: string, uid: number, gid: number) => {
    t.same([uid, gid], [me.uid, me.gid], `${p}: the replaced directory's owner`);
    t.ok(existsSync(path.join(target, 'old')), 'before the rename');
    seen.push(p);
  };
  const report = restoreBackup({ from: archive, dataDir: target, force: true, isRoot: true, chown: rootSpy });
  t.same(report.chownedTo, me);
  const staged = seen.map((p) => /\/\.service\.restore-[^/]+\/data(\/.*)?$/.exec(p)?.[1] ?? (p.endsWith('/data') ? '' : `not staged: ${p}`));
  t.same(staged.sort(), ['', '/hsm', '/hsm/softhsm2.conf', '/hsm/tokens', '/hsm/tokens/x', '/hsm/tokens/x/token.object', '/proofgate.json', '/proofgate.sqlite'], 'the whole staged tree, nothing else');

  // A new target under new parents, with --owner: the parents root creates are the owner's too.
  const given = { uid: 4242, gid: 4343 };
  const owned: Array<[string, number, number]> = [];
  const fresh = path.join(dir, 'new', 'parent', 'data');
  restoreBackup({ from: archive, dataDir: fresh, force: false, isRoot: true, owner: given, chown: (p, uid, gid) => { owned.push([p, uid, gid]); } });
  t.ok(owned.every(([, uid, gid]) => uid === 4242 && gid === 4343), 'all to --owner');
  t.same(owned.slice(0, 2).map(([p]) => p), [path.join(dir, 'new', 'parent'), path.join(dir, 'new')], 'the parents it created');
});

t.test('a target whose parent this user cannot write is refused with what to do, and nothing is written', { skip: process.getuid?.() === 0 && 'root can write anywhere' }, async (t) => {
  const dir = tempDir(t);
  const archive = path.join(dir, 'good.tar');
  hostileArchive(archive, goodEntries(t), () => {});
  const parent = path.join(dir, 'var-lib');
  mkdirSync(path.join(parent, 'proofgate'), { recursive: true });
  writeFileSync(path.join(parent, 'proofgate', 'proofgate.sqlite'), 'running');
  chmodSync(parent, 0o555);
  t.teardown(() => chmodSync(parent, 0o755));
  t.throws(() => restoreBackup({ from: archive, dataDir: path.join(parent, 'proofgate'), force: true }), {
    code: 'ERR_BAD_REQUEST', message: /^cannot stage the restore beside .*var-lib\/proofgate \(EACCES in .*var-lib\): .*run it as root \(sudo proofgate restore \.\.\.\)/,
  });
  t.same(readdirSync(path.join(parent, 'proofgate')), ['proofgate.sqlite']);
});

t.test('run as root, restore really hands every restored file to --owner', { skip: process.getuid?.() !== 0 && 'needs root' }, async (t) => {
  const dir = tempDir(t);
  const archive = path.join(dir, 'good.tar');
  hostileArchive(archive, goodEntries(t), () => {});
  const target = path.join(dir, 'service');
  restoreBackup({ from: archive, dataDir: target, force: false, owner: { uid: 65534, gid: 65534 } });
  const notOwned: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.uid !== 65534 || st.gid !== 65534) notOwned.push(`${p} ${st.uid}:${st.gid}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(path.join(p, n));
  };
  walk(target);
  t.same(notOwned, [], 'all of it');
  t.equal(lstatSync(path.join(target, 'proofgate.json')).mode & 0o777, 0o600, 'still private');
});

t.test('a listed file that the archive holds as a directory is refused like a missing one', async (t) => {
  const dir = tempDir(t);
  const entries = goodEntries(t);
  const archive = path.join(dir, 'dir.tar');
  hostileArchive(archive, entries, (m) => { m.files.push({ path: 'data/hsm', bytes: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }); });
  t.throws(() => restoreBackup({ from: archive, dataDir: path.join(dir, 'target'), force: false }), { code: 'ERR_BAD_REQUEST', message: /^backup lacks data\/hsm, which its manifest lists$/ });
  t.same(readdirSync(dir), ['dir.tar']);
});
