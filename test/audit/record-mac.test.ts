// Record MACs: each audit record carries HMAC-SHA256(K_seq, `${seq}.${hash}`) under a position key the HSM
// derives, so a row written with database access but without the HSM is told apart, never sealed, and
// reported by audit-verify. Driven through the running verification app (wired as start-appliance.ts
// wires it) where it matters; the real SoftHSM appliance is in test/cli/forged-audit-record.test.ts.
import t from 'tap';
import { AuditTrail, AUDIT_MAC_WINDOW } from '../../src/audit/audit-trail.js';
import { auditBody, chainHash, GENESIS_HASH, recordMac } from '../../src/audit/chain.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditVerifyCommand } from '../../src/cli/commands/audit.js';
import { buildConfig } from '../../src/config/index.js';
import type { AuditMacKeys } from '../../src/hsm/audit-mac-keys.js';
import { hsmUnavailable } from '../../src/hsm/hsm-errors.js';
import { SoftwareAuditMacKeys } from '../../src/hsm/software-audit-mac-keys.js';
import { auditFixture, auditTrailFor, testKeyRing } from '../helpers/audit-fixture.js';
import { tempDir } from '../helpers/temp-store.js';
import { openSqliteRepository } from '../../src/store/sqlite-repository.js';
import path from 'node:path';
import { forgeAuditRow, preMacDatabase, type ForgedMac } from '../helpers/forge-audit-row.js';
import { RecordedFaceAnalyzer } from '../helpers/recorded-face-analyzer.js';
import { auditEntryFixture } from '../helpers/store-fixtures.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { cancel, cancelled, trustedKeys } from '../helpers/cancel-verification.js';

const EVERY_SECOND = { audit: { checkpointEvery: 2, checkpointIntervalSeconds: 0 } };

t.test('each record carries HMAC-SHA256(K_seq, "<seq>.<hash>"); the chain hash is what it was', async (t) => {
  const { repo, trail, macKeys, trusted, fill } = await auditFixture(t);
  await fill(1, 4);
  let prevHash = GENESIS_HASH;
  for (const r of repo.auditRecords()) {
    t.equal(r.hash, chainHash(prevHash, auditBody(r)), `record ${r.seq}: the hash covers the entry and seq, not the MAC`);
    t.equal(r.mac, recordMac(await macKeys.positionKey(r.seq), r.seq, r.hash), `record ${r.seq}: MAC under K_${r.seq}`);
    prevHash = r.hash;
  }
  t.same(await verifyAuditChain(repo, trusted, { macKeys }),
    { ok: true, records: 4, lastSeq: 4, checkpoints: 1, sealedThrough: 3, unsealedTail: 1, problem: null, macs: { checked: 4, preMac: 0 } });
  t.match(await verifyAuditChain(repo, trusted, { macKeys: new SoftwareAuditMacKeys() }),
    { ok: false, problem: { seq: 1, kind: 'record-mac' } }, 'another HSM\'s key does not verify them');
  t.same(trail.health(), { witnessProblem: null, forgedRecord: null });
  t.equal(AUDIT_MAC_WINDOW, 256);
});

for (const mac of ['none', 'random'] as ForgedMac[]) {
  t.test(`through the app: a row inserted with SQL (valid chain hash, ${mac === 'none' ? 'no' : 'a random'} MAC) is never sealed, and audit-verify names it`, async (t) => {
    const app = await startVerificationTestApp(t, { faceEngine: new RecordedFaceAnalyzer([]), config: EVERY_SECOND });
    await cancelled(t, app);
    await app.auditTrail.flush();
    t.same(app.repository.auditCheckpoints(), [], 'record 1 alone: no count checkpoint yet');

    const forged = forgeAuditRow(app.databaseFile, auditEntryFixture(99, { decision: 'verified', at: Date.now() }), mac);
    t.equal(forged.seq, 2);
    t.ok(verifyAuditChain(app.repository, await trustedKeys(app)).ok, 'the chain alone cannot tell: the hash is valid');

    await cancelled(t, app); // record 3, chained after the forged row
    await cancelled(t, app); // record 4: the count rule wants a checkpoint over it
    await app.auditTrail.flush();
    const records = [...app.repository.auditRecords()];
    t.same(records.map((r) => [r.seq, r.mac === null]), [[1, false], [2, mac === 'none'], [3, false], [4, false]]);
    t.same(app.repository.auditCheckpoints().map((c) => [c.seq, c.hash]), [[1, records[0].hash]],
      'the checkpoint stops at record 1, before the forged row; nothing after it is sealed');
    t.same(app.forgedRecords, [2], 'reported once (start-appliance logs audit-record-forged)');
    t.match(app.auditTrail.health().forgedRecord, { seq: 2, reason: /^record 2(: its MAC does not verify| has no MAC)/ });
    t.match(await app.auditTrail.checkpoint(), null, 'an explicit checkpoint refuses too');
    t.same(app.forgedRecords, [2], 'not reported again');

    const verified = await verifyAuditChain(app.repository, await trustedKeys(app), { macKeys: app.auditMacKeys });
    t.match(verified, { ok: false, records: 1, sealedThrough: 1, problem: { seq: 2, kind: 'record-mac' }, macs: { checked: 1, preMac: 0 } });
    t.match(verified.problem?.reason, mac === 'none'
      ? 'record 2 has no MAC, but records after seq 0 must carry one (the row was written without the HSM)'
      : "record 2: its MAC does not verify under the HSM's key for position 2 (the row was written without the HSM)");

    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const config = buildConfig({ server: { dataDir: app.config.server.dataDir } });
    t.equal(await auditVerifyCommand(config, [], { trustedKeys: await trustedKeys(app), macKeys: app.auditMacKeys, io }), 1);
    t.match(out.join('\n'), /\nrecord MACs: 1 verified under the HSM's key\nresult: FAILED at seq 2 \(record-mac\)\n/);
    out.length = 0;
    t.equal(await auditVerifyCommand(config, ['--no-hsm'], { trustedKeys: await trustedKeys(app), macKeys: app.auditMacKeys, io }), 0,
      'without the HSM the rest still verifies');
    t.match(err.join('\n'), 'note: record MACs not checked (no HSM)');
    t.match(out.join('\n'), 'result: OK');
    t.same(app.checkpointErrors, []);
  });
}

/** Software position keys whose derivation waits while `closed` (an HSM that has stopped answering). */
function gatedMacKeys(): AuditMacKeys & { open(): void; close(): void; asked: number[] } {
  const inner = new SoftwareAuditMacKeys();
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const asked: number[] = [];
  return {
    asked,
    async positionKey(seq) {
      asked.push(seq);
      await gate;
      return inner.positionKey(seq);
    },
    close() { gate = new Promise((resolve) => { release = resolve; }); },
    open() { release(); gate = Promise.resolve(); },
  };
}

t.test('through the app: a record whose position key is not ready rolls the decision back (503), and it goes through once the key is', async (t) => {
  const macKeys = gatedMacKeys();
  const app = await startVerificationTestApp(t, {
    faceEngine: new RecordedFaceAnalyzer([]), config: { audit: { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 } },
    auditMacKeys: macKeys, auditMacWindow: 1,
  });
  t.same(macKeys.asked, [1], 'window of one: K_1 derived by prepare()');
  macKeys.close();
  await cancelled(t, app); // record 1 with the ready K_1; the refill for K_2 now waits on the HSM
  const opened = await app.openSession();
  const refused = await cancel(app, opened);
  t.equal(refused.status, 503);
  t.equal(app.repository.lastAuditRecord()?.seq, 1, 'no record 2');
  t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'open', 'the session was not left decided');

  macKeys.open();
  await app.auditTrail.prepare();
  const res = await cancel(app, opened);
  t.equal(res.status, 200);
  t.equal(app.repository.getSession(opened.session.sessionId)?.status, 'decided');
  t.match(app.repository.lastAuditRecord(), { seq: 2, sessionId: opened.session.sessionId });
  t.ok((await verifyAuditChain(app.repository, [], { macKeys })).ok, 'both records carry good MACs');
});

t.test('pre-MAC records (before migration 3) verify and are sealed; a MAC-less row after the first MAC\'d one is forged', async (t) => {
  // Rows as an appliance wrote them before record MACs existed (schema version 2), then the upgrade.
  const file = path.join(tempDir(t), 'proofgate.sqlite');
  preMacDatabase(file, [auditEntryFixture(1), auditEntryFixture(2)]);
  const repo = openSqliteRepository(file);
  t.teardown(() => repo.close());
  t.equal(repo.auditPreMacThrough(), 2, 'migration 3 kept the cut-off');
  const { trail, macKeys, ring, forged } = await auditTrailFor(repo, { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 });
  const trusted = (await ring.published()).map((k) => k.jwk());
  t.equal(repo.lastAuditRecord()?.mac, null);
  for (let i = 3; i <= 5; i += 1) trail.record(auditEntryFixture(i));
  t.match(await trail.checkpoint(), { seq: 5 }, 'pre-MAC records 1-2 and MAC\'d 3-5 sealed together');
  t.same(forged, []);
  t.same(await verifyAuditChain(repo, trusted, { macKeys }),
    { ok: true, records: 5, lastSeq: 5, checkpoints: 1, sealedThrough: 5, unsealedTail: 0, problem: null, macs: { checked: 3, preMac: 2 } });

  const lines: string[] = [];
  const config = buildConfig({ server: { dataDir: repo.database.name.replace(/\/[^/]+$/, '') } });
  t.equal(await auditVerifyCommand(config, [], { trustedKeys: trusted, macKeys, io: { out: (l) => lines.push(l), err: () => undefined } }), 0);
  t.match(lines.join('\n'), "record MACs: 3 verified under the HSM's key, 2 pre-MAC record(s) (written before record MACs existed)");

  forgeAuditRow(file, auditEntryFixture(6), 'none'); // a null MAC now: written without the position keys
  trail.record(auditEntryFixture(7));
  t.equal(await trail.checkpoint(), null, 'nothing after record 5 can be sealed');
  t.same(forged, [6]);
  t.match(await verifyAuditChain(repo, trusted, { macKeys }), { ok: false, problem: { seq: 6, kind: 'record-mac' }, macs: { checked: 3, preMac: 2 } });
});

t.test('an HSM that cannot derive keys: record() answers ERR_HSM_UNAVAILABLE and writes nothing', async (t) => {
  const { repo, trusted } = await auditFixture(t);
  const away: AuditMacKeys = { positionKey: async () => { throw hsmUnavailable('token removed'); } };
  const errors: unknown[] = [];
  const trail = new AuditTrail(repo, await testKeyRing(), { checkpointEvery: 3, checkpointIntervalSeconds: 0 }, { macKeys: away, onMacKeyError: (e) => errors.push(e) });
  await t.rejects(trail.prepare(), { code: 'ERR_HSM_UNAVAILABLE', message: 'HSM unavailable: token removed' });
  t.throws(() => trail.record(auditEntryFixture(1)), { code: 'ERR_HSM_UNAVAILABLE', status: 503, message: 'HSM unavailable: audit MAC key for record 1 not derived yet' });
  await new Promise((resolve) => setImmediate(resolve));
  t.match(errors, [{ code: 'ERR_HSM_UNAVAILABLE' }], 'the background refill failure is reported');
  t.equal(repo.lastAuditRecord(), null);
  t.ok(verifyAuditChain(repo, trusted).ok);
});

t.test('a MAC-less row forged into a database created with record MACs is never "pre-MAC", even as its first record', async (t) => {
  const { repo, file, trail, macKeys, trusted, forged } = await auditFixture(t, { checkpointEvery: 1_000_000, checkpointIntervalSeconds: 0 });
  t.equal(repo.auditPreMacThrough(), 0, 'created new: no record is exempt');
  forgeAuditRow(file, auditEntryFixture(1), 'none');
  t.equal(await trail.checkpoint(), null, 'not sealed');
  t.same(forged, [1]);
  t.match(await verifyAuditChain(repo, trusted, { macKeys }), { ok: false, problem: { seq: 1, kind: 'record-mac' }, macs: { checked: 0, preMac: 0 } });
});
