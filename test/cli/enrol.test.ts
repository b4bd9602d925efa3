import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildConfig } from '../../src/config/index.js';
import { enrolCommand, parseEnrolArgs, type EnrolRuntime } from '../../src/cli/commands/enrol.js';
import { RecordedFaceAnalyzer, embedding, noFace, oneFace } from '../helpers/recorded-face-analyzer.js';
import { tempRepository } from '../helpers/temp-store.js';
import { auditTrailFor } from '../helpers/audit-fixture.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { faceJpeg } from '../helpers/face-photos.js';

t.test('argument parsing names the problem', async (t) => {
  const ok = ['--tid', 'T', '--oid', 'O', '--photo', 'p.jpg', '--attested-by', 'desk 7'];
  t.same(parseEnrolArgs([...ok, '--upn', 'a@b', '--replace']), { tid: 'T', oid: 'O', photo: 'p.jpg', attestedBy: 'desk 7', upn: 'a@b', replace: true, config: undefined });
  t.throws(() => parseEnrolArgs(ok.slice(2)), { code: 'ERR_USAGE', message: /^--tid is required; usage: proofgate enrol/ });
  t.throws(() => parseEnrolArgs([...ok, '--colour', 'x']), { code: 'ERR_USAGE', message: /^unknown option "--colour"/ });
  t.throws(() => parseEnrolArgs([...ok, '--upn']), { code: 'ERR_USAGE', message: '--upn needs a value' });
  t.throws(() => parseEnrolArgs([...ok, '--tid', 'X']), { code: 'ERR_USAGE', message: '--tid given twice' });
});

t.test('enrolment stores the profile and one attested audit record; refusals store nothing', async (t) => {
  const { repo, dir } = tempRepository(t);
  const config = buildConfig({});
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(3))], 'dlib-resnet-v1');
  const { trail } = await auditTrailFor(repo, config.audit);
  const runtime = async (): Promise<EnrolRuntime> => ({ config, repository: repo, audit: trail, faceEngine: engine, close: () => trail.flush() });
  const photo = path.join(dir, 'ref.jpg');
  writeFileSync(photo, faceJpeg('personA'));
  const tid = randomUUID().toUpperCase();
  const oid = randomUUID();
  const args = ['--tid', tid, '--oid', oid, '--photo', photo, '--attested-by', 'desk officer 7', '--upn', 'ada@contoso.example'];
  const lines: string[] = [];

  t.equal(await enrolCommand(args, runtime, (l) => lines.push(l)), 0);
  const profile = repo.getProfile(tid.toLowerCase(), oid)!;
  t.ok(profile, 'profile stored under the lowercased tenant id');
  t.equal(profile.modelId, 'dlib-resnet-v1');
  t.equal(profile.template.length, 128 * 4, 'float32 template');
  t.match(profile.enrolment, { method: 'staff-attested-reference-photo', attestedBy: 'desk officer 7', photoSha256: /^[0-9a-f]{64}$/ });
  t.match(lines[0], new RegExp(`^enrolled ${tid.toLowerCase()}/${oid}: profile ${profile.profileId} \\(model dlib-resnet-v1\\), audit record 1$`));
  t.match(lines.join('\n'), /pass staff-attestation: identity attested in person by desk officer 7/);
  const audit = repo.lastAuditRecord()!;
  t.match(audit, { flow: 'first-time', decision: 'verified', profileId: profile.profileId, upn: 'ada@contoso.example', sessionId: null });
  t.equal(audit.evidenceSha256[0], (profile.enrolment as { photoSha256: string }).photoSha256);

  await t.rejects(enrolCommand(args, runtime), { code: 'ERR_PROFILE_EXISTS', message: /already has a profile \(use --replace/ });
  const refusals: Array<[string, unknown[], string[], string | RegExp]> = [
    ['ERR_NO_FACE', [noFace(0)], [], 'reference photo refused: no face found'],
    ['ERR_NO_FACE', [noFace(3)], [], 'reference photo refused: 3 faces found; exactly one is required'],
    ['ERR_IMAGE_QUALITY', [oneFace(embedding(3), { faceSizePx: 30, yaw: 50 })], [], /^reference photo refused: face size \(px\) 30 is below 80; head yaw \(deg\) 50 exceeds 30$/],
  ];
  for (const [code, answers, extra, message] of refusals) {
    engine.willAnswer(...(answers as Parameters<typeof engine.willAnswer>));
    await t.rejects(enrolCommand([...args, '--replace', ...extra], runtime), { code, message }, code);
  }
  t.equal(repo.getProfile(tid.toLowerCase(), oid)!.profileId, profile.profileId, 'refusals left the profile alone');
  t.equal(repo.lastAuditRecord()!.seq, 1, 'and wrote no audit record');

  engine.willAnswer(oneFace(embedding(4)));
  t.equal(await enrolCommand([...args, '--replace'], runtime, () => undefined), 0);
  const replaced = repo.getProfile(tid.toLowerCase(), oid)!;
  t.not(replaced.profileId, profile.profileId, 're-enrolment makes a new profile');
  t.match(replaced.enrolment, { replacedProfileId: profile.profileId });

  const notImage = path.join(dir, 'notes.txt');
  writeFileSync(notImage, 'hello');
  await t.rejects(enrolCommand(['--tid', tid, '--oid', oid, '--photo', notImage, '--attested-by', 'x', '--replace'], runtime), { code: 'ERR_IMAGE_INVALID' });
  await t.rejects(enrolCommand(['--tid', 'tenant', '--oid', oid, '--photo', photo, '--attested-by', 'x'], runtime), { code: 'ERR_BAD_REQUEST', message: 'tid must be the tenant id (a GUID)' });
  await t.rejects(enrolCommand(['--tid', tid, '--oid', oid, '--photo', path.join(dir, 'missing.jpg'), '--attested-by', 'x'], runtime), { code: 'ERR_BAD_REQUEST', message: /^cannot read photo/ });
  const small = { ...config, server: { ...config.server, maxImageBytes: 1000 } };
  await t.rejects(enrolCommand(args, async () => ({ config: small, repository: repo, audit: trail, faceEngine: engine, close: () => trail.flush() })), { code: 'ERR_IMAGE_TOO_LARGE' });
});

t.test('the enrolment record goes through the audit trail: a due count checkpoint is signed before the command returns', async (t) => {
  const { repo, dir } = tempRepository(t);
  const config = buildConfig({ audit: { checkpointEvery: 1 } });
  const { trail, ring, errors } = await auditTrailFor(repo, config.audit);
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(5))], 'dlib-resnet-v1');
  const photo = path.join(dir, 'ref.jpg');
  writeFileSync(photo, faceJpeg('personA'));
  const runtime = async (): Promise<EnrolRuntime> => ({ config, repository: repo, audit: trail, faceEngine: engine, close: () => trail.flush() });
  t.equal(await enrolCommand(['--tid', randomUUID(), '--oid', randomUUID(), '--photo', photo, '--attested-by', 'desk 7'], runtime, () => undefined), 0);
  const record = repo.lastAuditRecord()!;
  t.same(repo.auditCheckpoints().map((c) => [c.seq, c.hash]), [[1, record.hash]]);
  t.match(verifyAuditChain(repo, (await ring.published()).map((k) => k.jwk())), { ok: true, sealedThrough: 1 });
  t.same(errors, []);
});
