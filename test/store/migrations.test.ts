import t from 'tap';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/sqlite-database.js';
import { migrate, schemaVersion } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { tempDir } from '../helpers/temp-store.js';

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

t.test('a fresh database gets every migration and the expected settings', async (t) => {
  const file = path.join(tempDir(t), 'fresh.sqlite');
  const db = openDatabase(file, { busyTimeoutMs: 1234 });
  t.teardown(() => db.close());
  t.equal(schemaVersion(db), migrations.length);
  t.same(tables(db), [
    'account_failures', 'account_locks', 'api_tokens', 'audit_checkpoints', 'audit_keys', 'audit_mac_cutoff', 'audit_records', 'capture_claims', 'data_keys',
    'enrolment_holds', 'evidence', 'handoffs', 'one_time_values', 'profile_changes', 'profiles', 'recovery_tap_issues', 'schema_migrations', 'staff', 'staff_challenges',
    'staff_credentials', 'staff_registrations', 'staff_sessions', 'stations', 'subjects', 'verification_requests', 'verification_sessions',
    'webhook_deliveries',
  ]);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('foreign_keys', { simple: true }), 1);
  t.equal(db.pragma('busy_timeout', { simple: true }), 1234);
  t.equal(db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL');
});

t.test('re-opening applies nothing and keeps the data', async (t) => {
  const file = path.join(tempDir(t), 'reopen.sqlite');
  const first = openDatabase(file);
  first.prepare("INSERT INTO subjects VALUES ('t', 'o', NULL, NULL, NULL, NULL, 1, 1)").run();
  first.close();
  const again = new Database(file);
  t.teardown(() => again.close());
  const report = migrate(again);
  t.same(report, { from: migrations.length, to: migrations.length, applied: [] });
  t.equal((again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n, migrations.length);
  t.equal((again.prepare('SELECT count(*) AS n FROM subjects').get() as { n: number }).n, 1);
});

t.test('a later migration is applied on the next open', async (t) => {
  const file = path.join(tempDir(t), 'upgrade.sqlite');
  openDatabase(file).close();
  const next = [...migrations, { version: migrations.length + 1, name: 'add-notes', sql: 'CREATE TABLE notes (n TEXT) STRICT;' }];
  const db = new Database(file);
  t.teardown(() => db.close());
  t.same(migrate(db, next).applied, [migrations.length + 1]);
  t.ok(tables(db).includes('notes'));
});

t.test('a database newer than the code is refused, untouched', async (t) => {
  const file = path.join(tempDir(t), 'newer.sqlite');
  const db = openDatabase(file);
  db.prepare("INSERT INTO schema_migrations VALUES (?, 'from-the-future', 'x', 0)").run(migrations.length + 1);
  db.close();
  t.throws(() => openDatabase(file), {
    code: 'ERR_STORE_SCHEMA',
    message: `database schema version ${migrations.length + 1} is newer than this proofgate knows (${migrations.length}); `
      + 'run the proofgate release that wrote it, or restore a backup made before the upgrade',
  });
  const check = new Database(file);
  t.teardown(() => check.close());
  t.equal(schemaVersion(check), migrations.length + 1);
});

t.test('an edited released migration is refused', async (t) => {
  const file = path.join(tempDir(t), 'edited.sqlite');
  openDatabase(file).close();
  const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
  t.throws(() => openDatabase(file, { migrations: edited }), {
    code: 'ERR_STORE_SCHEMA',
    message: "migration 1 (initial) in the database differs from the code's; released migrations must not be edited",
  });
});

t.test('a failing migration leaves the version where it was', async (t) => {
  const file = path.join(tempDir(t), 'failing.sqlite');
  openDatabase(file).close();
  const broken = [...migrations, { version: migrations.length + 1, name: 'broken', sql: 'CREATE TABLE ok_part (x TEXT); CREATE TABLE subjects (x TEXT);' }];
  t.throws(() => openDatabase(file, { migrations: broken }), { code: 'ERR_STORE_SCHEMA', message: new RegExp(`^migration ${migrations.length + 1} \\(broken\\) failed: table subjects already exists`) });
  const db = new Database(file);
  t.teardown(() => db.close());
  t.equal(schemaVersion(db), migrations.length);
  t.notOk(tables(db).includes('ok_part'), 'the first statement of the failed migration was rolled back');
});
