// The external witness: checkpoints appended to a file outside the database directory, and
// `audit-verify --witness` catching what the database alone no longer shows (an emptied trail, a
// re-chained one), on a real SQLite file tampered with SQL exactly as the attacker did.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { GENESIS_HASH, auditBody, chainHash } from '../../src/audit/chain.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { configuredWitnessFile, readWitness, WitnessFile } from '../../src/audit/witness.js';
import { auditVerifyCommand } from '../../src/cli/commands/audit.js';
import type { CommandIo } from '../../src/cli/commands/purge.js';
import { buildConfig } from '../../src/config/index.js';
import type { AuditCheckpoint, AuditRecord } from '../../src/core/domain.js';
import type { SqliteRepository } from '../../src/store/sqlite-repository.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { tempDir } from '../helpers/temp-store.js';

function capture(): CommandIo & { outText(): string; errText(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

/** What an attacker with the database file does first: remove the append-only triggers. */
function dropGuards(db: Database.Database): void {
  for (const name of ['audit_records_no_update', 'audit_records_no_delete', 'audit_checkpoints_no_update', 'audit_checkpoints_no_delete']) {
    db.exec(`DROP TRIGGER ${name}`);
  }
}

/** A trail of 7 records (checkpoints at 3 and 6) witnessed into a file in another directory, and the CLI's inputs. */
async function witnessedTrail(t: { teardown(fn: () => void): void }) {
  const witnessDir = tempDir(t, 'proofgate-witness-');
  const witnessFile = path.join(witnessDir, 'audit-witness.jsonl');
  const fx = await auditFixture(t, { checkpointEvery: 3 }, { witness: new WitnessFile(witnessFile) });
  await fx.fill(1, 7);
  const config = buildConfig({ server: { dataDir: fx.dir }, audit: { witnessFile } });
  const jwksFile = path.join(witnessDir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: fx.trusted }));
  const verify = async (...extra: string[]) => {
    const io = capture();
    const code = await auditVerifyCommand(config, ['--jwks', jwksFile, ...extra], { io });
    return { code, out: io.outText(), err: io.errText() };
  };
  return { ...fx, witnessFile, config, verify };
}

/** Rewrites records from `fromSeq` on with recomputed hashes, as an attacker with SQL access can. */
function rechain(repo: SqliteRepository, edit: (r: AuditRecord) => AuditRecord): void {
  const db = repo.database;
  let prev = GENESIS_HASH;
  const update = db.prepare('UPDATE audit_records SET decision = ?, prev_hash = ?, hash = ? WHERE seq = ?');
  for (const original of [...repo.auditRecords()]) {
    const r = edit(original);
    const hash = chainHash(prev, auditBody({ ...r, prevHash: prev }));
    update.run(r.decision, prev, hash, r.seq);
    prev = hash;
  }
}

t.test('every stored checkpoint is also one canonical JSON line in the witness file', async (t) => {
  const { repo, witnessFile, verify } = await witnessedTrail(t);
  const lines = readFileSync(witnessFile, 'utf8').trimEnd().split('\n');
  t.equal(lines.length, 2);
  t.match(lines[0], /^\{"at":\d+,"hash":"[0-9a-f]{64}","kid":"[^"]+","seq":3,"signature":"[A-Za-z0-9_-]+"\}$/);
  t.same(readWitness(readFileSync(witnessFile, 'utf8')), repo.auditCheckpoints());
  const ok = await verify('--witness', witnessFile);
  t.equal(ok.code, 0, ok.out);
  t.match(ok.out, 'witness: 2 checkpoint line(s), the trail matches it through seq 6\n');
  t.match(ok.out, 'result: OK');
});

t.test('an emptied trail verifies alone, but audit-verify --witness catches it', async (t) => {
  const { repo, witnessFile, verify } = await witnessedTrail(t);
  const sealed = repo.auditCheckpoints()[1];
  dropGuards(repo.database);
  repo.database.exec('DELETE FROM audit_checkpoints; DELETE FROM audit_records;');

  const alone = await verify();
  t.equal(alone.code, 0, 'the attack as reported: the database alone says OK');
  t.match(alone.out, 'records: 0, checkpoints: 0');

  const witnessed = await verify('--witness', witnessFile);
  t.equal(witnessed.code, 1);
  t.match(witnessed.out, `result: FAILED at seq 1 (witness-truncated)\n  witness attests seq 6 hash ${sealed.hash.slice(0, 12)}…, database has 0 records: records 1..6 were removed`);
});

t.test('a re-chained trail (checkpoints deleted, a record edited, hashes recomputed) is caught by the witness', async (t) => {
  const { repo, witnessFile, verify } = await witnessedTrail(t);
  dropGuards(repo.database);
  repo.database.exec('DELETE FROM audit_checkpoints');
  rechain(repo, (r) => (r.seq === 5 ? { ...r, decision: 'denied' } : r));

  const alone = await verify();
  t.equal(alone.code, 0, 'the attack as reported: a consistent chain with no checkpoint verifies alone');

  const witnessed = await verify('--witness', witnessFile);
  t.equal(witnessed.code, 1);
  t.match(witnessed.out, 'result: FAILED at seq 6 (witness-mismatch)\n  record 6 differs from what checkpoint 6 in the witness sealed');
  t.match(witnessed.out, 'records 4..6, after witnessed seq 3, which matches, were rewritten or re-chained');
});

t.test('a forged witness line is refused, and an unreadable witness is a usage error', async (t) => {
  const { witnessFile, verify, repo, trusted } = await witnessedTrail(t);
  const lines = readWitness(readFileSync(witnessFile, 'utf8'));
  const forged: AuditCheckpoint = { ...lines[1], hash: 'f'.repeat(64) };
  t.match(verifyAuditChain(repo, trusted, { witness: [lines[0], forged] }).problem, { seq: 6, kind: 'witness-signature' });
  writeFileSync(witnessFile, 'not json\n', { flag: 'a' });
  const torn = await verify('--witness', witnessFile);
  t.equal(torn.code, 2);
  t.match(torn.err, `cannot read --witness ${witnessFile}: audit witness ${witnessFile} line 3: not JSON`);
});

t.test('a failed witness append is reported and the database keeps the checkpoint', async (t) => {
  const witnessDir = tempDir(t, 'proofgate-witness-');
  const fx = await auditFixture(t, { checkpointEvery: 2 }, { witness: new WitnessFile(path.join(witnessDir, 'missing-dir', 'w.jsonl')) });
  await fx.fill(1, 2);
  t.same(fx.repo.auditCheckpoints().map((c) => c.seq), [2], 'the checkpoint is stored');
  t.match(fx.trail.health().witnessProblem, /^checkpoint 2 not witnessed: ENOENT/);
  t.same(fx.errors, [], 'not a checkpoint failure');
});

t.test('start-up refuses a witness inside the database directory, naming the key', async (t) => {
  const dir = tempDir(t, 'proofgate-data-');
  const inside = buildConfig({ server: { dataDir: dir }, audit: { witnessFile: path.join(dir, 'audit', 'witness.jsonl') } });
  t.throws(() => configuredWitnessFile(inside), {
    code: 'ERR_CONFIG',
    message: `config config.audit.witnessFile: expected a path outside the database's directory ${dir} (the witness must survive the database), received "${path.join(dir, 'audit', 'witness.jsonl')}"`,
  });
  const outside = path.join(tempDir(t, 'proofgate-log-'), 'witness.jsonl');
  t.equal(configuredWitnessFile(buildConfig({ server: { dataDir: dir }, audit: { witnessFile: outside } })), outside);
  t.equal(configuredWitnessFile(buildConfig({ server: { dataDir: dir } })), null);
});
