import t from 'tap';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { exportAudit, readAuditExport } from '../../src/audit/export.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditExportCommand, auditVerifyCommand } from '../../src/cli/commands/audit.js';
import { purgeCommand, type CommandIo } from '../../src/cli/commands/purge.js';
import { buildConfig } from '../../src/config/index.js';
import { EvidenceCipher } from '../../src/store/evidence-cipher.js';
import { openSqliteRepository } from '../../src/store/sqlite-repository.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { sessionFixture } from '../helpers/store-fixtures.js';
import { SoftwareDataKeyWrapper } from '../helpers/software-data-key-wrapper.js';

function capture(): CommandIo & { outText(): string; errText(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

async function exportText(source: Parameters<typeof exportAudit>[0]): Promise<string> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await exportAudit(source, stream);
  stream.end();
  return Buffer.concat(chunks).toString('utf8');
}

t.test('export is JSON lines: records, then checkpoints, then keys; it round-trips and verifies', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t);
  await fill(1, 7);
  const text = await exportText(repo);
  const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
  t.same(lines.map((l) => l.type), ['record', 'record', 'record', 'record', 'record', 'record', 'record', 'checkpoint', 'checkpoint', 'key']);
  t.notMatch(text, /\n\n|": | ,/, 'no whitespace inside lines');
  const parsed = readAuditExport(text);
  t.same(parsed.records, [...repo.auditRecords()]);
  t.same(parsed.checkpoints, repo.auditCheckpoints());
  t.same(parsed.keys, repo.auditKeys());
  t.same(verifyAuditChain(parsed, trusted), verifyAuditChain(repo, trusted));
  t.ok(verifyAuditChain(parsed, trusted).ok);

  const edited = text.replace('"decision":"verified"', '"decision":"denied"');
  t.match(verifyAuditChain(readAuditExport(edited), trusted).problem, { seq: 1, kind: 'record-edited' }, 'an edited export line is caught');
  const dropped = text.split('\n').filter((l) => !(l.includes('"type":"record"') && l.includes('"seq":2,'))).join('\n');
  t.match(verifyAuditChain(readAuditExport(dropped), trusted).problem, { seq: 2, kind: 'missing-record' }, 'a dropped export line is caught');
  t.throws(() => readAuditExport('{"type":"record","seq":1}\nnot json\n'), { code: 'ERR_AUDIT_EXPORT', message: 'audit export line 2: not JSON' });
  t.throws(() => readAuditExport('{"type":"note"}'), { code: 'ERR_AUDIT_EXPORT', message: 'audit export line 1: unknown line type "note"' });
});

t.test('CLI: audit-export writes a private file; audit-verify checks the database and the export', async (t) => {
  const { repo, dir, trusted, fill } = await auditFixture(t);
  await fill(1, 4);
  const config = buildConfig({ server: { dataDir: dir } });
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: trusted }));
  const exportFile = path.join(dir, 'audit.jsonl');

  const ex = capture();
  t.equal(await auditExportCommand(config, ['--out', exportFile], ex), 0);
  t.equal(ex.errText(), `exported 4 record(s), 1 checkpoint(s), 1 key(s) to ${exportFile}`);
  t.equal(statSync(exportFile).mode & 0o777, 0o600);
  t.equal(readFileSync(exportFile, 'utf8'), await exportText(repo));
  t.equal(await auditExportCommand(config, ['--out', exportFile], capture()), 2, 'never overwrites an existing export');

  const v = capture();
  t.equal(await auditVerifyCommand(config, ['--jwks', jwksFile], { io: v }), 0);
  t.equal(v.outText(), [
    `audit trail: database ${path.join(dir, 'proofgate.sqlite')}`,
    'records: 4 (seq 1..4), checkpoints: 1, sealed through seq 3',
    'result: OK',
    'note: 1 record(s) after the newest checkpoint are chained but not yet signed',
  ].join('\n'));

  const fromExport = capture();
  t.equal(await auditVerifyCommand(config, ['--export', exportFile, '--jwks', jwksFile], { io: fromExport }), 0);
  t.match(fromExport.outText(), `audit trail: export ${exportFile}\nrecords: 4 (seq 1..4)`);

  const stored = capture();
  t.equal(await auditVerifyCommand(config, ['--trust-stored-keys'], { io: stored }), 0);
  t.match(stored.errText(), /^warning: trusting the public keys stored beside the trail/);

  const nokeys = capture();
  t.equal(await auditVerifyCommand(config, [], { io: nokeys }), 2);
  t.match(nokeys.errText(), 'no trusted key was given');
  t.equal(await auditVerifyCommand(config, [], { io: capture(), trustedKeys: trusted }), 0, 'keys handed in by the caller (the HSM ring)');
  const bad = capture();
  t.equal(await auditVerifyCommand(config, ['--frobnicate'], { io: bad }), 2);
  t.match(bad.errText(), "Unknown option '--frobnicate'");

  writeFileSync(exportFile + '.edited', readFileSync(exportFile, 'utf8').replace('"decision":"verified"', '"decision":"denied"'));
  const tampered = capture();
  t.equal(await auditVerifyCommand(config, ['--export', exportFile + '.edited', '--jwks', jwksFile], { io: tampered }), 1);
  t.match(tampered.outText(), /result: FAILED at seq 1 \(record-edited\)\n {2}record 1: stored hash/);

  const missing = capture();
  t.equal(await auditVerifyCommand(buildConfig({ server: { dataDir: path.join(dir, 'nowhere') } }), [], { io: missing }), 2);
  t.match(missing.errText(), 'no database at');
});

t.test('CLI: purge applies the configured retention', async (t) => {
  const { repo, dir } = await auditFixture(t);
  repo.createSession(sessionFixture('s1'));
  const cipher = new EvidenceCipher(repo, new SoftwareDataKeyWrapper(), { now: () => Date.now() - 40 * 86_400_000 });
  const { evidenceId } = await cipher.storeEvidence('s1', 'selfie', 'image/jpeg', Buffer.from('old image'));
  const config = buildConfig({ server: { dataDir: dir }, store: { retentionDays: 30 } });
  const io = capture();
  t.equal(await purgeCommand(config, [], io), 0);
  t.match(io.outText(), /purged 1 evidence image\(s\) captured before .* \(store\.retentionDays = 30\)/);
  const check = openSqliteRepository(path.join(dir, 'proofgate.sqlite'));
  t.teardown(() => check.close());
  t.equal(check.getEvidence(evidenceId)?.ciphertext, null);
  t.equal(await purgeCommand(config, ['extra'], capture()), 2);
});
