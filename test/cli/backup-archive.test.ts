// The backup archive's reader and restore's checks against hostile or damaged archives: a name that
// climbs out ("..", absolute), a link, a damaged header, a truncated file, a file that does not match
// the manifest, a file the manifest does not list, no manifest at all. Each is refused with a message
// naming the problem, and nothing is left behind: no target directory, no staging directory.
import t from 'tap';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { TarWriter, extractTar } from '../../src/cli/backup/tar.js';
import { restoreBackup } from '../../src/cli/backup/restore-backup.js';
import { BACKUP_FORMAT, type BackupManifest } from '../../src/cli/backup/backup-manifest.js';
import { tempDir, tempRepository } from '../helpers/temp-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function writeArchive(file: string, entries: Array<[string, Buffer]>, patch?: (bytes: Buffer) => void): void {
  const fd = openSync(file, 'wx', 0o600);
  const tar = new TarWriter(fd);
  for (const [name, data] of entries) tar.addBuffer(name, data);
  tar.finish();
  closeSync(fd);
  if (patch) {
    const bytes = readFileSync(file);
    patch(bytes);
    writeFileSync(file, bytes);
  }
}

/** Sets the first header's type flag and recomputes its checksum, as a hostile archiver would. */
function retype(type: string) {
  return (bytes: Buffer) => {
    bytes.write(type, 156, 'ascii');
    bytes.write('        ', 148, 'ascii');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += bytes[i];
    bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  };
}

t.test('the tar round trip keeps names up to 255 bytes, bytes exactly, and writes files 0600 in 0700 directories', async (t) => {
  const dir = tempDir(t);
  const long = `data/${'d'.repeat(90)}/${'f'.repeat(90)}.object`;
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
  const archive = path.join(dir, 'x.tar');
  writeArchive(archive, [['a.txt', Buffer.from('hello')], [long, big]]);
  const out = path.join(dir, 'out');
  mkdirSync(out);
  t.same(extractTar(archive, out), ['a.txt', long]);
  t.equal(readFileSync(path.join(out, 'a.txt'), 'utf8'), 'hello');
  t.ok(readFileSync(path.join(out, long)).equals(big));
  t.equal(statSync(path.join(out, long)).mode & 0o777, 0o600);
  t.equal(statSync(path.dirname(path.join(out, long))).mode & 0o777, 0o700);
});

t.test('hostile entries are refused before anything is written outside the target', async (t) => {
  const dir = tempDir(t);
  const cases: Array<[string, Array<[string, Buffer]>, RegExp, ((b: Buffer) => void)?]> = [
    ['climbs out', [['../evil', Buffer.from('x')]], /archive entry "\.\.\/evil" is not a plain relative path/],
    ['absolute', [['/tmp/evil', Buffer.from('x')]], /archive entry "\/tmp\/evil" is not a plain relative path/],
    ['dot segment', [['data/./x', Buffer.from('x')]], /is not a plain relative path/],
    ['symlink', [['data/link', Buffer.alloc(0)]], /entry data\/link is not a regular file or directory \(type 2\)/, retype('2')],
    ['damaged header', [['data/x', Buffer.from('x')]], /damaged header at byte 0/, (b) => { b[0] ^= 1; }],
  ];
  for (const [label, entries, message, patch] of cases) {
    const archive = path.join(dir, `${label}.tar`);
    writeArchive(archive, entries, patch);
    const out = path.join(dir, `out-${label}`);
    mkdirSync(out);
    t.throws(() => extractTar(archive, out), { code: 'ERR_BAD_REQUEST', message }, label);
    t.same(readdirSync(out), [], `${label}: nothing extracted`);
  }
  t.notOk(existsSync(path.join(dir, 'evil')), 'nothing climbed out');
  const truncated = path.join(dir, 'truncated.tar');
  writeArchive(truncated, [['data/x', Buffer.alloc(4096, 1)]]);
  truncateSync(truncated, 2048);
  mkdirSync(path.join(dir, 'out-truncated'));
  t.throws(() => extractTar(truncated, path.join(dir, 'out-truncated')), { message: /entry data\/x runs past the end/ });
});

t.test('restore refuses a damaged or foreign archive and leaves no target and no staging directory', async (t) => {
  const dir = tempDir(t);
  const { file: dbFile } = tempRepository(t);
  const db = readFileSync(dbFile);
  const pin = Buffer.from('1234\n');
  const manifest = (files: Array<[string, Buffer]>): Buffer => Buffer.from(JSON.stringify({
    format: BACKUP_FORMAT, createdAt: new Date(0).toISOString(), proofgate: { version: '0.1.0', commit: 'unknown' },
    source: { dataDir: '/var/lib/proofgate', configFile: null },
    database: { path: 'data/proofgate.sqlite', schemaVersion: 4, lastAuditSeq: 0 },
    hsm: { kind: 'external', tokenLabel: 'proofgate', softhsmConf: null, pinsLeftOut: [] },
    files: files.map(([p, b]) => ({ path: p, bytes: b.length, sha256: sha(b) })),
  } satisfies BackupManifest));
  const good: Array<[string, Buffer]> = [['data/proofgate.sqlite', db], ['data/hsm/user.pin', pin]];
  const cases: Array<[string, Array<[string, Buffer]>, RegExp]> = [
    ['no manifest', good, /^not a proofgate backup: manifest\.json missing or unreadable/],
    ['tampered file', [...good.slice(0, 1), ['data/hsm/user.pin', Buffer.from('9999\n')], ['manifest.json', manifest(good)]], /^data\/hsm\/user\.pin in the backup does not match its manifest \(damaged archive\)$/],
    ['unlisted file', [...good, ['data/extra', Buffer.from('x')], ['manifest.json', manifest(good)]], /^backup holds data\/extra, which its manifest does not list$/],
    ['missing file', [good[0], ['manifest.json', manifest(good)]], /^backup lacks data\/hsm\/user\.pin, which its manifest lists$/],
    ['foreign format', [...good, ['manifest.json', Buffer.from('{"format":"other/1"}')]], /^unknown backup format "other\/1"/],
  ];
  for (const [label, entries, message] of cases) {
    const archive = path.join(dir, `${label}.tar`);
    writeArchive(archive, entries);
    const target = path.join(dir, 'restored', label);
    t.throws(() => restoreBackup({ from: archive, dataDir: target, force: false }), { code: 'ERR_BAD_REQUEST', message }, label);
    t.notOk(existsSync(target), `${label}: no target`);
    t.same(readdirSync(path.join(dir, 'restored')), [], `${label}: no staging left`);
  }

  // The good archive restores, and the configuration's paths inside the old data directory move with it.
  const config = Buffer.from(JSON.stringify({ server: { dataDir: '/var/lib/proofgate' }, hsm: { pinFile: '/var/lib/proofgate/hsm/user.pin', softhsmConf: null }, audit: { witnessFile: '/var/log/proofgate/witness.jsonl' } }));
  const withConfig: Array<[string, Buffer]> = [['config.json', config], ...good];
  const archive = path.join(dir, 'good.tar');
  writeArchive(archive, [...withConfig, ['manifest.json', manifest(withConfig)]]);
  const target = path.join(dir, 'restored', 'good');
  const report = restoreBackup({ from: archive, dataDir: target, force: false });
  t.equal(report.configFile, path.join(target, 'proofgate.json'));
  t.same(JSON.parse(readFileSync(report.configFile, 'utf8')), {
    server: { dataDir: target }, hsm: { pinFile: path.join(target, 'hsm', 'user.pin'), softhsmConf: null }, audit: { witnessFile: '/var/log/proofgate/witness.jsonl' },
  }, 'inside paths rebased, the witness outside kept');
  t.equal(readFileSync(path.join(target, 'hsm', 'user.pin'), 'utf8'), '1234\n');
  t.same(readdirSync(path.join(dir, 'restored')), ['good']);

  const target2 = path.join(dir, 'restored', 'bad-config');
  const badConfig = Buffer.from(JSON.stringify({ server: { colour: 'blue' } }));
  const withBad: Array<[string, Buffer]> = [['config.json', badConfig], ...good];
  const badArchive = path.join(dir, 'bad-config.tar');
  writeArchive(badArchive, [...withBad, ['manifest.json', manifest(withBad)]]);
  t.throws(() => restoreBackup({ from: badArchive, dataDir: target2, force: false }), { code: 'ERR_CONFIG', message: /server\.colour/ });
  t.notOk(existsSync(target2));
});
