// Incremental export (audit-export --since SEQ): records after SEQ behind an anchor line, only the
// checkpoints and keys over them; it verifies on its own from the anchor, its edits are caught, and the
// export streams (the store is read as the output drains, never the whole trail at once).
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { exportAudit, readAuditExport } from '../../src/audit/export.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditExportCommand, auditVerifyCommand } from '../../src/cli/commands/audit.js';
import type { CommandIo } from '../../src/cli/commands/purge.js';
import { buildConfig } from '../../src/config/index.js';
import type { AuditRecord } from '../../src/core/domain.js';
import { auditFixture } from '../helpers/audit-fixture.js';

function capture(): CommandIo & { outText(): string; errText(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

async function exportText(source: Parameters<typeof exportAudit>[0], since: number): Promise<string> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await exportAudit(source, stream, { since });
  stream.end();
  return Buffer.concat(chunks).toString('utf8');
}

t.test('--since 4: an anchor, records 5..8, the checkpoints over them and their key; it verifies from the anchor', async (t) => {
  const { repo, trusted, fill } = await auditFixture(t); // a checkpoint every 3 records
  await fill(1, 8);
  const all = [...repo.auditRecords()];
  const text = await exportText(repo, 4);
  const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; seq?: number; hash?: string });
  t.same(lines.map((l) => [l.type, l.seq]), [['anchor', 4], ['record', 5], ['record', 6], ['record', 7], ['record', 8], ['checkpoint', 6], ['key', undefined]]);
  t.equal(lines[0].hash, all[3].hash, 'the anchor is record 4\'s hash');
  const parsed = readAuditExport(text);
  t.same(parsed.anchor, { seq: 4, hash: all[3].hash });
  t.same(parsed.records, all.slice(4));
  t.same(verifyAuditChain(parsed, trusted), {
    ok: true, records: 4, lastSeq: 8, checkpoints: 1, sealedThrough: 6, unsealedTail: 2, problem: null, anchor: { seq: 4, hash: all[3].hash },
  });
  t.match(await verifyAuditChain(parsed, trusted, { macKeys: (await auditFixture(t)).macKeys }), { ok: true, macs: { checked: 4, preMac: 0 } },
    'the MACs of an incremental export check too');

  const otherAnchor = text.replace(all[3].hash, all[2].hash);
  t.match(verifyAuditChain(readAuditExport(otherAnchor), trusted).problem, { seq: 5, kind: 'broken-link' }, 'an anchor that is not record 5\'s predecessor is caught');
  const edited = text.replace('"decision":"verified"', '"decision":"denied"');
  t.match(verifyAuditChain(readAuditExport(edited), trusted).problem, { kind: 'record-edited' });
  const dropped = text.split('\n').filter((l) => !l.includes('"seq":5,')).join('\n');
  t.match(verifyAuditChain(readAuditExport(dropped), trusted).problem, { seq: 5, kind: 'missing-record' }, 'a dropped first record is caught');

  // From a sealed seq, the checkpoint there comes along and vouches for the anchor.
  const sealed = await exportText(repo, 3);
  t.same(sealed.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; seq?: number }).filter((l) => l.type === 'checkpoint').map((l) => l.seq), [3, 6]);
  t.match(verifyAuditChain(readAuditExport(sealed), trusted), { ok: true, records: 5, lastSeq: 8, sealedThrough: 6, anchor: { seq: 3, hash: all[2].hash } });
  const sealedOnly = await exportText(repo, 6);
  t.match(verifyAuditChain(readAuditExport(sealedOnly), trusted), { ok: true, records: 2, sealedThrough: 6, unsealedTail: 2 });
  const forgedAnchor = sealed.replace(`"hash":"${all[2].hash}","seq":3,"type":"anchor"`, `"hash":"${'0'.repeat(64)}","seq":3,"type":"anchor"`);
  t.not(forgedAnchor, sealed);
  t.match(verifyAuditChain(readAuditExport(forgedAnchor), trusted).problem, { seq: 3, kind: 'checkpoint-mismatch' }, 'an anchor its checkpoint does not seal is caught');

  t.equal(await exportText(repo, 0), await exportText(repo, 0), 'deterministic');
  t.same(readAuditExport(await exportText(repo, 0)).anchor, null, '--since 0 is the whole trail, without an anchor');
  t.same((await exportText(repo, 8)).trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type), ['anchor'],
    '--since the newest record: the anchor alone');
  await t.rejects(exportText(repo, 9), { code: 'ERR_AUDIT_EXPORT', message: 'audit export --since 9: the trail has no record 9' });
  await t.rejects(exportText(repo, -1), { code: 'ERR_AUDIT_EXPORT' });
  t.throws(() => readAuditExport(`${text.split('\n')[1]}\n${text.split('\n')[0]}\n`), { message: 'audit export line 2: an anchor must be the first line, and only one' });
  t.throws(() => readAuditExport('{"type":"anchor","seq":0,"hash":"x"}'), { message: 'audit export line 1: anchor without an integer seq >= 1 and a SHA-256 hash' });
});

t.test('the export reads the store as the output drains: a stalled reader holds back the read', async (t) => {
  const { repo, fill } = await auditFixture(t, { checkpointEvery: 1000 });
  await fill(1, 40);
  let pulled = 0;
  const counting = {
    ...repo,
    auditRecords: function* (from?: number): Iterable<AuditRecord> {
      for (const r of repo.auditRecords(from)) {
        pulled += 1;
        yield r;
      }
    },
    auditCheckpoints: () => repo.auditCheckpoints(),
    auditKeys: () => repo.auditKeys(),
  };
  const held: (() => void)[] = [];
  const slow = new Writable({ highWaterMark: 1, write(_chunk, _enc, done) { held.push(done); } });
  const running = exportAudit(counting, slow, { since: 0 });
  await new Promise((r) => setTimeout(r, 50));
  t.ok(pulled <= 2, `with the reader stalled, at most 2 of 40 records were read (read ${pulled})`);
  const drain = setInterval(() => held.splice(0).forEach((d) => d()), 1);
  const counts = await running;
  clearInterval(drain);
  t.same(counts, { records: 40, checkpoints: 0, keys: 0 });
  t.equal(pulled, 40);
});

t.test('CLI: audit-export --since, --help, and bad values', async (t) => {
  const { dir, trusted, fill } = await auditFixture(t);
  await fill(1, 5);
  const config = buildConfig({ server: { dataDir: dir } });
  const file = path.join(dir, 'since-3.jsonl');
  const io = capture();
  t.equal(await auditExportCommand(config, ['--since', '3', '--out', file], io), 0);
  t.equal(io.errText(), `exported 2 record(s) after seq 3, 1 checkpoint(s), 1 key(s) to ${file}`);
  t.same(readAuditExport(readFileSync(file, 'utf8')).records.map((r) => r.seq), [4, 5]);

  const jwks = path.join(dir, 'jwks.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(jwks, JSON.stringify({ keys: trusted }));
  const v = capture();
  t.equal(await auditVerifyCommand(config, ['--export', file, '--jwks', jwks], { io: v }), 0);
  t.match(v.outText(), /records: 2 \(seq 4\.\.5\), checkpoints: 1, sealed through seq 3\nanchor: continues from record 3, hash [0-9a-f]{64} \(the previous export must end with it\)\nresult: OK/);

  const help = capture();
  t.equal(await auditExportCommand(config, ['--help'], help), 0);
  t.match(help.outText(), /^usage: proofgate audit-export \[--out FILE\] \[--since SEQ\]\n[\s\S]*--since SEQ {3}only records with seq > SEQ/);
  for (const bad of ['-1', 'abc', '1.5', '01', '']) {
    const e = capture();
    t.equal(await auditExportCommand(config, [`--since=${bad}`], e), 2, `--since ${JSON.stringify(bad)} is refused`);
    t.match(e.errText(), `--since expects a record seq (an integer >= 0), received ${JSON.stringify(bad)}`);
  }
  const past = capture();
  t.equal(await auditExportCommand(config, ['--since', '6', '--out', path.join(dir, 'never.jsonl')], past), 2);
  t.equal(past.errText(), 'proofgate audit-export: --since 6 is past the end of the trail (the newest record is 5)');
  const { existsSync } = await import('node:fs');
  t.notOk(existsSync(path.join(dir, 'never.jsonl')), 'a refused export creates no file');
});
