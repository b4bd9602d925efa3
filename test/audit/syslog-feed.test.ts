// The audit feed against a real receiver: a loopback TCP (and TLS) server that parses every octet-counted
// frame with the strict RFC 5424 parser and refuses anything malformed. Records come from real
// verifications through the app and from the trail itself; the receiver goes down, drops connections,
// and the feed is restarted from its cursor: every record arrives, in seq order, at least once.
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { auditFeedSink } from '../../src/cli/start/start-audit-feed.js';
import { buildConfig } from '../../src/config/index.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { eventually, loopbackSyslogSink, startTestFeed } from '../helpers/audit-feed-fixture.js';
import { cancelled } from '../helpers/cancel-verification.js';
import { RecordedFaceAnalyzer } from '../helpers/recorded-face-analyzer.js';
import { startSyslogReceiver, type ReceivedSyslog } from '../helpers/syslog-receiver.js';
import { syslogTestPki } from '../helpers/syslog-tls.js';
import { tempDir } from '../helpers/temp-store.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';

const RECORD_KEYS = ['at', 'checks', 'clientRequestId', 'decision', 'evidenceSha256', 'flow', 'hash', 'mac', 'oid', 'prevHash', 'profileId', 'seq', 'sessionId', 'tid', 'upn'];

const seqOf = (m: ReceivedSyslog) => Number(m.structuredData[0].params.find(([k]) => k === 'seq')![1]);

/** The seqs in arrival order with repeats dropped, checking that every repeat is a resend (never a jump back past a gap). */
function dedupe(t: Test, messages: ReceivedSyslog[]): number[] {
  const seen: number[] = [];
  for (const m of messages) {
    const seq = seqOf(m);
    if (seen.includes(seq)) continue;
    t.equal(seq, seen.length + 1, `record ${seq} arrives after every record before it`);
    seen.push(seq);
  }
  return seen;
}

t.test('records of real verifications arrive as RFC 5424 messages carrying the whole record, and nothing biometric', async (t) => {
  const app = await startVerificationTestApp(t, { faceEngine: new RecordedFaceAnalyzer([]) });
  const receiver = await startSyslogReceiver(t);
  const { feed } = startTestFeed(t, app.repository, loopbackSyslogSink(receiver.port), tempDir(t), { batchSize: 2 });
  for (let i = 0; i < 3; i += 1) await cancelled(t, app);
  const messages = await receiver.waitForMessages(3);
  const records = [...app.repository.auditRecords()];
  t.equal(records.length, 3);
  t.same(receiver.errors, [], 'the strict receiver refused nothing');
  for (const [i, m] of messages.entries()) {
    const r = records[i];
    t.match(m, {
      facility: 10, severity: 4, timestamp: new Date(r.at).toISOString(), hostname: 'gate-1.example.test', appName: 'proofgate',
      procId: String(process.pid), msgId: 'first-time.denied', msgIsUtf8: true,
    }, `record ${r.seq}: header (a cancelled first-time verification)`);
    t.same(m.structuredData, [{
      id: 'proofgate@32473',
      params: [['seq', String(r.seq)], ['hash', r.hash], ['outcome', 'denied'], ['flow', 'first-time'], ['sessionId', r.sessionId!], ['clientRequestId', r.clientRequestId!]],
    }]);
    t.equal(m.msg, canonicalJson(r), 'MSG is the record\'s canonical JSON');
    const sent = JSON.parse(m.msg!) as Record<string, unknown>;
    t.same(Object.keys(sent).sort(), RECORD_KEYS, 'exactly the audit record\'s fields');
    for (const c of sent.checks as Record<string, unknown>[]) t.ok(Object.keys(c).every((k) => ['name', 'score', 'threshold', 'outcome', 'reason'].includes(k)), 'checks carry scores, not data');
    t.ok((sent.evidenceSha256 as string[]).every((h) => /^[0-9a-f]{64}$/.test(h)), 'evidence as SHA-256 digests only');
    t.ok(m.msg!.length < 4096, 'no room for an image or a template');
  }
  await eventually('the feed counts all 3 delivered', () => feed.deliveredSeq() === 3);
  t.equal(feed.lag(), 0);
  t.same(feed.health(), { ok: true, detail: '0 record(s) behind' });

  // A receiver outage during decisions: they complete (each with its record) while the feed cannot deliver.
  await receiver.stop();
  await cancelled(t, app);
  await cancelled(t, app);
  t.equal(app.repository.lastAuditRecord()?.seq, 5, 'decisions and their records went on');
  await eventually('the feed reports the outage', () => !feed.health().ok);
  t.match(feed.health(), { ok: false, detail: /^delivery failing for \d+ s; 2 record\(s\) behind$/ });
  await receiver.start();
  await eventually('records 4 and 5 arrive after the outage', () => dedupe(t, receiver.messages).length === 5);
  t.same(receiver.errors.filter((e) => !/ECONNRESET|socket hang up/.test(e)), []);
});

t.test('outage: records written while the receiver is down all arrive once it is back, in order, at least once', async (t) => {
  const { repo, fill } = await auditFixture(t);
  const receiver = await startSyslogReceiver(t);
  const { feed, logs } = startTestFeed(t, repo, loopbackSyslogSink(receiver.port), tempDir(t), { batchSize: 3 });
  await fill(1, 3);
  await receiver.waitForMessages(3);
  await eventually('delivered through 3', () => feed.deliveredSeq() === 3);

  await receiver.stop();
  await fill(4, 10);
  await eventually('the outage is seen', () => !feed.health().ok);
  t.equal(feed.lag(), 7, '7 records behind');
  t.equal(feed.deliveredSeq(), 3);
  const failed = logs.filter((l) => l.event === 'audit-feed-failed');
  t.equal(failed.length, 1, 'one log line for the outage, not one per retry');
  t.match(failed[0].fields, { destination: `syslog+tcp://127.0.0.1:${receiver.port}`, behind: 7, effect: /decisions are not affected/ });
  t.equal(failed[0].level, 'error', 'an outage of the SIEM feed is an error, not routine');
  await new Promise((r) => setTimeout(r, 300)); // several retries while it stays down

  await receiver.start();
  await eventually('all 10 records arrived', () => new Set(receiver.messages.map(seqOf)).size === 10);
  t.same(dedupe(t, receiver.messages), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const records = [...repo.auditRecords()];
  for (const m of receiver.messages) t.equal(m.msg, canonicalJson(records[seqOf(m) - 1]), `seq ${seqOf(m)} carries its own record`);
  await eventually('caught up', () => feed.lag() === 0 && feed.health().ok);
  t.match(logs.find((l) => l.event === 'audit-feed-resumed'), { level: 'info', fields: { destination: `syslog+tcp://127.0.0.1:${receiver.port}`, failedAttempts: Number } });
  t.same(receiver.errors, []);
});

t.test('a receiver that cuts connections: the batch in flight is sent again, nothing is lost', async (t) => {
  const { repo, fill } = await auditFixture(t, { checkpointEvery: 1000 });
  const receiver = await startSyslogReceiver(t, { dropAfter: 2 });
  const { feed } = startTestFeed(t, repo, loopbackSyslogSink(receiver.port), tempDir(t), { batchSize: 2 });
  await fill(1, 9);
  await eventually('all 9 records arrived', () => new Set(receiver.messages.map(seqOf)).size === 9);
  t.same(dedupe(t, receiver.messages), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.ok(receiver.connections() >= 4, `it took several connections (${receiver.connections()})`);
  await eventually('delivered through 9', () => feed.deliveredSeq() === 9);
});

t.test('restart: the cursor file resumes after the last delivered record; a stale cursor resends from the first', async (t) => {
  const { repo, fill } = await auditFixture(t);
  const receiver = await startSyslogReceiver(t);
  const dir = tempDir(t);
  const first = startTestFeed(t, repo, loopbackSyslogSink(receiver.port), dir);
  await fill(1, 4);
  await eventually('delivered through 4', () => first.feed.deliveredSeq() === 4);
  await first.stop();
  const records = [...repo.auditRecords()];
  t.same(JSON.parse(readFileSync(first.cursorFile, 'utf8')), { destination: `syslog+tcp://127.0.0.1:${receiver.port}`, seq: 4, hash: records[3].hash });

  await fill(5, 6); // written while the feed is down (an appliance restart)
  const second = startTestFeed(t, repo, loopbackSyslogSink(receiver.port), dir);
  await eventually('6 messages', () => receiver.messages.length >= 6);
  await eventually('delivered through 6', () => second.feed.deliveredSeq() === 6);
  t.same(receiver.messages.map(seqOf), [1, 2, 3, 4, 5, 6], 'exactly once across the restart: nothing resent, nothing skipped');
  await second.stop();

  // A cursor the store does not back (a database restored from an older backup): resend everything.
  writeFileSync(first.cursorFile, JSON.stringify({ destination: `syslog+tcp://127.0.0.1:${receiver.port}`, seq: 6, hash: 'f'.repeat(64) }));
  const third = startTestFeed(t, repo, loopbackSyslogSink(receiver.port), dir);
  await eventually('delivered through 6 again', () => third.feed.deliveredSeq() === 6);
  t.same(receiver.messages.map(seqOf).slice(6), [1, 2, 3, 4, 5, 6]);
  t.match(third.logs.find((l) => l.event === 'audit-feed-cursor-mismatch'), { level: 'warn', fields: { seq: 6, effect: /sending from the first record/ } });
  await third.stop();

  // Another destination with startFrom 'newest': only what is written from now on.
  const other = await startSyslogReceiver(t);
  const fourth = startTestFeed(t, repo, loopbackSyslogSink(other.port), dir, { startFrom: 'newest' });
  await eventually('the new destination\'s cursor is written', () => readFileSync(fourth.cursorFile, 'utf8').includes(`:${other.port}`));
  await fill(7, 7);
  await other.waitForMessages(1);
  await eventually('delivered through 7', () => fourth.feed.deliveredSeq() === 7);
  t.same(other.messages.map(seqOf), [7]);
  t.match(fourth.logs.find((l) => l.event === 'audit-feed-new-destination'), { level: 'warn', fields: { startFrom: 'newest' } });
});

t.test('TLS (RFC 5425): the receiver\'s certificate is checked against the configured CA and name; a client certificate is presented', async (t) => {
  const pki = syslogTestPki(t);
  const receiver = await startSyslogReceiver(t, { tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true } });
  const { repo, fill } = await auditFixture(t);
  const feedConfig = (tls: Record<string, unknown>) => buildConfig({
    audit: { feed: { kind: 'syslog', host: '127.0.0.1', port: receiver.port, hostname: 'gate-1', tls, timeoutMs: 2000 } },
  }).audit.feed;
  const sink = auditFeedSink(feedConfig({ caFile: pki.caFile, servername: 'syslog.test', certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }))!;
  t.equal(sink.destination, `syslog+tls://127.0.0.1:${receiver.port}`);
  const { feed } = startTestFeed(t, repo, sink, tempDir(t));
  await fill(1, 2);
  const messages = await receiver.waitForMessages(2);
  t.same(messages.map((m) => [seqOf(m), m.clientCn, m.hostname]), [[1, 'proofgate-appliance', 'gate-1'], [2, 'proofgate-appliance', 'gate-1']]);
  await eventually('delivered', () => feed.deliveredSeq() === 2);

  // Without servername the certificate is checked against the host, here its IP address SAN (no SNI is sent for an IP).
  const byAddress = startTestFeed(t, repo, auditFeedSink(feedConfig({ caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }))!, tempDir(t));
  await eventually('delivered to the IP address SAN', () => byAddress.feed.deliveredSeq() === 2);
  await byAddress.stop();
  t.equal(receiver.messages.length, 4);

  // A receiver whose certificate does not chain to the configured CA gets nothing.
  const wrongCa = startTestFeed(t, repo, auditFeedSink(feedConfig({ caFile: pki.otherCaFile, servername: 'syslog.test', certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }))!, tempDir(t));
  await eventually('refused', () => wrongCa.logs.some((l) => l.event === 'audit-feed-failed'));
  t.match(wrongCa.logs.find((l) => l.event === 'audit-feed-failed')?.fields, { error: /certificate/i });
  t.equal(wrongCa.feed.health().ok, false);
  await wrongCa.stop();
  // Nor one whose certificate does not carry the configured name.
  const wrongName = startTestFeed(t, repo, auditFeedSink(feedConfig({ caFile: pki.caFile, servername: 'siem.example.test', certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }))!, tempDir(t));
  await eventually('refused', () => wrongName.logs.some((l) => l.event === 'audit-feed-failed'));
  t.match(wrongName.logs.find((l) => l.event === 'audit-feed-failed')?.fields, { error: /siem\.example\.test/ });
  await wrongName.stop();
  // And a receiver that asks for a client certificate refuses a feed without one.
  const anonymous = startTestFeed(t, repo, auditFeedSink(feedConfig({ caFile: pki.caFile, servername: 'syslog.test' }))!, tempDir(t));
  await new Promise((r) => setTimeout(r, 300));
  t.equal(anonymous.feed.deliveredSeq(), 0, 'nothing counted delivered without the client certificate');
  await anonymous.stop();
  t.equal(receiver.messages.length, 4, 'the receiver got only the verified feeds\' records');
});
