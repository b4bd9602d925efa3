// `proofgate profile list|show|delete` over the real app's store and audit trail: a person enrolled and
// verified through the app is listed and shown (never the template), then erased on request: the
// template and every stored image are gone, the erasure and its audit record commit together through the
// trail, the chain still verifies, and the next Entra request for the account opens the first-time page.
// Refusals (unknown account, not confirmed, a bad id) write nothing.
import t from 'tap';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { openConfiguredRepository } from '../../src/store/open-store.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { profileCommand, type ProfileRuntime, type ProfileSubcommand } from '../../src/cli/commands/profile.js';
import { eraseAccount } from '../../src/cli/commands/erase-account.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { auditTrailFor } from '../helpers/audit-fixture.js';
import { tempDir, tempRepository } from '../helpers/temp-store.js';

const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };

function runner(app: Pick<VerificationTestApp, 'repository' | 'auditTrail'>, answers: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  let auditOpened = 0;
  const runtime = async (): Promise<ProfileRuntime> => ({
    repository: app.repository,
    openAudit: async () => { auditOpened += 1; return { audit: app.auditTrail, close: () => app.auditTrail.flush() }; },
    ask: async (q) => { asked.push(q); return answers.shift() ?? ''; },
    now: () => Date.UTC(2026, 5, 1),
    close: () => undefined,
  });
  const run = (sub: ProfileSubcommand, args: string[]) => profileCommand(sub, args, runtime, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { run, out, err, asked, audits: () => auditOpened };
}

async function capture(app: VerificationTestApp, body: Buffer) {
  const opened = await app.openSession();
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: new Uint8Array(body), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
  });
  return (await res.json()) as Record<string, unknown>;
}

t.test('list and show an account verified through the app; delete erases it and the next request is first-time', async (t) => {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: ACCEPT_RISK });
  const { tid, oid } = app.entra;
  const enrolled = await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid, oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  t.match(await capture(app, faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 })), { outcome: 'decided', decision: 'verified' });
  const verifiedSession = app.repository.lastAuditRecord()!.sessionId!;
  const images = app.repository.listEvidence(verifiedSession);
  t.ok(images.length > 0, 'the verification stored its images');

  const cli = runner(app);
  t.equal(await cli.run('list', ['--json']), 0);
  const listed = JSON.parse(cli.out.pop()!) as { profiles: Array<Record<string, unknown>>; next: string | null };
  t.match(listed, { profiles: [{ tid, oid, upn: 'ada@contoso.example', profileId: enrolled.profile.profileId, embedder: enrolled.profile.modelId, lastVerifiedAt: /^\d{4}-/ }], next: null });
  t.equal(await cli.run('list', []), 0);
  t.match(cli.out.join('\n'), new RegExp(`^TID  OID  UPN  ENROLLED  EMBEDDER  LAST VERIFIED\\n${tid}  ${oid}  ada@contoso\\.example  \\S+Z  ${enrolled.profile.modelId}  \\S+Z\\n1 profile\\(s\\)$`));
  cli.out.length = 0;

  t.equal(await cli.run('show', ['--tid', tid.toUpperCase(), '--oid', oid, '--json']), 0, 'ids are matched case-insensitively');
  const shown = JSON.parse(cli.out.pop()!) as Record<string, any>;
  t.match(shown, { tid, oid, profile: { profileId: enrolled.profile.profileId }, sessions: 1, imagesStored: images.length, auditSeqs: [1, 2], auditTotal: 2 });
  t.notMatch(JSON.stringify(shown), /template/, 'never the template');

  // Not confirmed: nothing erased, the HSM trail never opened.
  const declined = runner(app, ['no']);
  t.equal(await declined.run('delete', ['--tid', tid, '--oid', oid]), 1);
  t.match(declined.asked[0], new RegExp(`This erases the face template of profile ${enrolled.profile.profileId} .* and ${images.length} stored image\\(s\\) of account ${tid}/${oid}`));
  t.same(declined.err, ['proofgate profile delete: not confirmed; nothing erased']);
  t.equal(declined.audits(), 0);
  t.ok(app.repository.getProfile(tid, oid), 'the profile is still there');
  t.equal(app.repository.lastAuditRecord()!.seq, 2);

  const confirmed = runner(app, ['erase']);
  t.equal(await confirmed.run('delete', ['--tid', tid, '--oid', oid, '--reference', 'DSAR-2026-0042']), 0);
  t.same(confirmed.out, [`erased ${tid}/${oid}: profile ${enrolled.profile.profileId}, ${images.length} stored image(s); audit record 3`]);
  t.equal(app.repository.getProfile(tid, oid), null, 'the template is gone');
  for (const e of images) t.equal(app.repository.getEvidence(e.evidenceId)!.ciphertext, null, `${e.kind} bytes erased`);
  const record = app.repository.lastAuditRecord()!;
  t.match(record, {
    seq: 3, sessionId: null, tid, oid, upn: null, profileId: enrolled.profile.profileId, flow: 'erasure', decision: 'erased',
    checks: [{ name: 'biometric-erasure', outcome: 'pass', reason: /and \d+ stored image\(s\) erased; their SHA-256 hashes are kept \(request DSAR-2026-0042\)$/ }],
  });
  t.same(record.evidenceSha256, images.map((e) => e.sha256), 'the erased images are named by their hashes only');
  await app.auditTrail.flush();
  t.match(await verifyAuditChain(app.repository, (await app.keyRing.published()).map((k) => k.jwk()), { macKeys: app.auditMacKeys }), { ok: true, records: 3 });

  // The account is now unknown to the biometric side: the next Entra request takes the first-time path.
  const next = await app.openSession();
  t.match(next.html, /<h1>Identity verification is not set up for this account<\/h1>/, 'the first-time page (no document kiosk on this app)');
  t.notMatch(next.html, /Confirm it is you/);

  const again = runner(app);
  t.equal(await again.run('delete', ['--tid', tid, '--oid', oid, '--yes']), 1, 'nothing left to erase');
  t.match(again.err[0], /^proofgate profile delete: unknown account .*: no profile, directory entry or stored image; nothing erased$/);
  t.equal(again.audits(), 0);
  t.equal(app.repository.lastAuditRecord()!.seq, 3, 'a refused erasure writes no record');
});

t.test('refusals: an unknown account, a bad id, a bad reference, a bad page size; nothing is written', async (t) => {
  const { repo } = tempRepository(t);
  const { trail } = await auditTrailFor(repo);
  const cli = runner({ repository: repo, auditTrail: trail });
  const tid = '11111111-1111-4111-8111-111111111111';
  const oid = '22222222-2222-4222-8222-222222222222';
  t.equal(await cli.run('delete', ['--tid', tid, '--oid', oid, '--yes']), 1);
  t.same(cli.err, [`proofgate profile delete: unknown account ${tid}/${oid}: no profile, directory entry or stored image; nothing erased`]);
  t.equal(await cli.run('show', ['--tid', tid, '--oid', oid]), 1);
  t.equal(cli.err[1], `proofgate profile show: unknown account ${tid}/${oid} (no profile, no session, no audit record)`);
  await t.rejects(cli.run('delete', ['--tid', 'contoso', '--oid', oid]), { code: 'ERR_USAGE', message: /^--tid must be a GUID \(got "contoso"\); usage: proofgate profile delete/ });
  await t.rejects(cli.run('delete', ['--oid', oid]), { code: 'ERR_USAGE', message: /^--tid is required/ });
  await t.rejects(cli.run('delete', ['--tid', tid, '--oid', oid, '--reference', 'x'.repeat(201)]), { code: 'ERR_USAGE', message: /^--reference must be 1\.\.200 printable characters/ });
  await t.rejects(cli.run('list', ['--limit', '5000']), { code: 'ERR_USAGE', message: /^--limit must be an integer 1\.\.1000/ });
  await t.rejects(cli.run('list', ['--after', 'nonsense']), { code: 'ERR_USAGE', message: /^--after must be TID\/OID/ });
  t.equal(cli.audits(), 0);
  t.equal(repo.lastAuditRecord(), null, 'no audit record');
});

t.test('the erasure and its record commit together: a record the trail refuses rolls the erasure back', async (t) => {
  const { repo } = tempRepository(t);
  const { trail } = await auditTrailFor(repo);
  const tid = '11111111-1111-4111-8111-111111111111';
  const oid = '22222222-2222-4222-8222-222222222222';
  repo.upsertSubject({ tid, oid, upn: null, displayName: null, givenName: null, familyName: null });
  repo.saveProfile({ profileId: 'p1', tid, oid, template: Buffer.alloc(512, 1), modelId: 'dlib-resnet-v1', enrolment: null });
  const failing = { record: () => { throw Object.assign(new Error('audit MAC key for record 1 not derived yet'), { code: 'ERR_HSM_UNAVAILABLE' }); } };
  t.throws(() => eraseAccount({ repo, audit: failing }, { tid, oid, reference: null, at: 1 }), { code: 'ERR_HSM_UNAVAILABLE' });
  t.ok(repo.getProfile(tid, oid), 'the profile is still there');
  t.ok(repo.getSubject(tid, oid));
  const done = eraseAccount({ repo, audit: trail }, { tid, oid, reference: null, at: 2 });
  t.match(done, { erasure: { profileId: 'p1', imagesErased: 0 }, audit: { seq: 1, flow: 'erasure', decision: 'erased' } });
  await trail.flush();
});

t.test('a write-ahead log another connection keeps from being truncated: the erasure commits, the command says so and exits 3; run again, it truncates', async (t) => {
  const { repo, file } = tempRepository(t, { busyTimeoutMs: 20 });
  const { trail } = await auditTrailFor(repo);
  const cli = runner({ repository: repo, auditTrail: trail });
  const tid = '11111111-1111-4111-8111-111111111111';
  const oid = '22222222-2222-4222-8222-222222222222';
  repo.upsertSubject({ tid, oid, upn: 'ada@contoso.example', displayName: null, givenName: null, familyName: null });
  repo.saveProfile({ profileId: 'p1', tid, oid, template: Buffer.alloc(512, 1), modelId: 'dlib-resnet-v1', enrolment: null });
  const reader = new Database(file); // the server or an export, reading from a snapshot older than the erasure
  t.teardown(() => { if (reader.open) reader.close(); });
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM profiles').get();

  t.equal(await cli.run('delete', ['--tid', tid, '--oid', oid, '--yes']), 3);
  t.match(cli.out, [/^erased .*: profile p1, 0 stored image\(s\); audit record 1$/]);
  t.match(cli.err, [/write-ahead log could not be truncated .*Run proofgate profile delete --tid 1{8}.* again when the appliance is idle/]);
  t.equal(repo.getProfile(tid, oid), null, 'the erasure itself committed');

  reader.exec('COMMIT');
  reader.close();
  t.equal(await cli.run('delete', ['--tid', tid, '--oid', oid, '--yes']), 1, 'nothing left to erase');
  t.equal(cli.err.length, 2, 'and no WAL warning this time');
  t.equal(statSync(`${file}-wal`).size, 0, 'the log is truncated');
  await trail.flush();
});

t.test('through the real CLI: without --yes, a closed or negative stdin confirms nothing (no hang, nothing erased)', async (t) => {
  const dir = tempDir(t, 'proofgate-profile-cli-');
  const raw = { server: { dataDir: dir } };
  const configFile = path.join(dir, 'proofgate.json');
  writeFileSync(configFile, JSON.stringify(raw));
  const tid = '11111111-1111-4111-8111-111111111111';
  const oid = '22222222-2222-4222-8222-222222222222';
  const repo = openConfiguredRepository(buildConfig(raw));
  repo.upsertSubject({ tid, oid, upn: null, displayName: null, givenName: null, familyName: null });
  repo.saveProfile({ profileId: 'p1', tid, oid, template: Buffer.alloc(512, 1), modelId: 'dlib-resnet-v1', enrolment: null });
  repo.close();
  const root = path.resolve(import.meta.dirname, '..', '..');
  for (const input of [null, 'no\n']) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'profile', 'delete', '--tid', tid, '--oid', oid],
      { cwd: root, env: { ...process.env, PROOFGATE_CONFIG: configFile }, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    if (input) child.stdin.write(input);
    child.stdin.end();
    const code = await new Promise((resolve) => child.on('close', resolve));
    t.equal(code, 1, `stdin ${JSON.stringify(input)}: exit 1`);
    t.match(stderr, /Type "erase" to confirm: [\s\S]*proofgate profile delete: not confirmed; nothing erased/);
  }
  const after = openConfiguredRepository(buildConfig(raw));
  t.ok(after.getProfile(tid, oid), 'the profile is still there');
  t.equal(after.lastAuditRecord(), null);
  after.close();
});
