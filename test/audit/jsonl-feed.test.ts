// The JSON-lines destination: one canonical-JSON record per line, appended and fsynced per batch to a
// private file a log shipper tails; a torn last line (a crash mid-write) is cut before the next batch;
// a restart resumes from the cursor; a file that cannot be written delays the feed, never the trail.
import t from 'tap';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { JsonLinesSink } from '../../src/audit/feed/jsonl-sink.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { eventually, startTestFeed } from '../helpers/audit-feed-fixture.js';
import { auditEntryFixture } from '../helpers/store-fixtures.js';
import { tempDir } from '../helpers/temp-store.js';

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

t.test('records land one per line, as their canonical JSON, in a 0640 file; a restart appends only what is new', async (t) => {
  // The appliance's unit runs with UMask=0077: the file must still come out 0640 for a shipper in the group.
  const umask = process.umask(0o077);
  t.teardown(() => void process.umask(umask));
  const { repo, fill } = await auditFixture(t);
  const dir = tempDir(t);
  const file = path.join(dir, 'proofgate-audit.jsonl');
  await fill(1, 5);
  const first = startTestFeed(t, repo, new JsonLinesSink(file), dir, { batchSize: 2 });
  await eventually('delivered through 5', () => first.feed.deliveredSeq() === 5);
  t.same(lines(file), [...repo.auditRecords()].map((r) => canonicalJson(r)));
  t.equal(statSync(file).mode & 0o777, 0o640, '0640 under umask 077');
  t.equal(first.feed.destination, `jsonl:${file}`);
  await first.stop();

  // A crash inside a write left half a line; the next start cuts it and the feed sends that record again.
  appendFileSync(file, '{"at":1767225606000,"checks":[{"na');
  await fill(6, 7);
  const second = startTestFeed(t, repo, new JsonLinesSink(file), dir);
  await eventually('delivered through 7', () => second.feed.deliveredSeq() === 7);
  t.same(lines(file).map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2, 3, 4, 5, 6, 7], 'every line whole, nothing repeated');
  t.ok(readFileSync(file, 'utf8').endsWith('\n'));
});

t.test('a file that cannot be written: the feed waits and reports it; the trail goes on; then it catches up', async (t) => {
  const { repo, trail, fill } = await auditFixture(t);
  const dir = tempDir(t);
  const file = path.join(dir, 'not-yet', 'audit.jsonl');
  const { feed, logs } = startTestFeed(t, repo, new JsonLinesSink(file), dir);
  await fill(1, 3);
  await eventually('the failure is seen', () => !feed.health().ok);
  t.match(logs.find((l) => l.event === 'audit-feed-failed')?.fields, { destination: `jsonl:${file}`, error: /ENOENT/ });
  t.equal(trail.record(auditEntryFixture(4)).seq, 4, 'the trail writes regardless');
  t.equal(feed.lag(), 4);
  mkdirSync(path.dirname(file));
  await eventually('caught up', () => feed.deliveredSeq() === 4 && feed.health().ok);
  t.same(lines(file).map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2, 3, 4]);
});

t.test('an unreadable cursor is logged as an error and the feed sends from the first record', async (t) => {
  const { repo, fill } = await auditFixture(t);
  const dir = tempDir(t);
  const file = path.join(dir, 'audit.jsonl');
  await fill(1, 2);
  writeFileSync(path.join(dir, 'audit-feed-cursor.json'), '{"destination": "jsonl:');
  const { feed, logs } = startTestFeed(t, repo, new JsonLinesSink(file), dir);
  await eventually('delivered through 2', () => feed.deliveredSeq() === 2);
  t.match(logs.find((l) => l.event === 'audit-feed-cursor-unreadable'), { level: 'error', fields: { effect: /sending from the first record/ } });
  t.same(lines(file).map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2]);
});
