// The staff-attested enrolment path (`proofgate enrol`) runs the same duplicate-person search: a reference
// photo of a face already enrolled on another account is held (DuplicateEnrolmentError, one audit record,
// no profile), and `proofgate enrolment holds|release|reject` lists and settles holds over the real store
// and audit trail, refusing a malformed id before anything is opened.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { DuplicateEnrolmentError, enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { openDuplicateSearch } from '../../src/verification/policy/duplicate-person.js';
import { enrolmentCommand, type EnrolmentRuntime, type EnrolmentSubcommand } from '../../src/cli/commands/enrolment.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { missingModels } from '../helpers/face-engine-fixture.js';
import { faceJpeg } from '../helpers/face-photos.js';

const config = buildConfig({});
const TID = '11111111-2222-4333-8444-555555555555';
const oid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

const missing = missingModels();
if (missing) {
  t.fail(missing);
} else {
  const engine = await e2eFaceEngine();

  t.test('a reference photo of a face enrolled on another account is held; the CLI lists, releases and rejects holds', async (t) => {
    const fx = await auditFixture(t);
    const duplicates = await openDuplicateSearch(config, fx.repo, engine.modelId);
    const deps = { repo: fx.repo, audit: fx.trail, faceEngine: engine, quality: config.verification.quality, maxImageBytes: config.server.maxImageBytes, duplicates };
    const a = await enrolFromReferencePhoto(deps, { tid: TID, oid: oid(1), upn: 'ada@contoso.example', photo: faceJpeg('personA', { width: 480, height: 480 }), attestedBy: 'desk 1' });
    t.match(a.checks.find((c) => c.name === 'duplicate-person'), { outcome: 'pass' });
    // Someone else enrols on a second account: not a duplicate.
    await enrolFromReferencePhoto(deps, { tid: TID, oid: oid(2), upn: 'cy@contoso.example', photo: faceJpeg('personC', { width: 480, height: 480 }), attestedBy: 'desk 1' });
    await duplicates.index!.catchUp();
    t.equal(duplicates.index!.size, 2, 'the index follows the store');

    const photo = faceJpeg('personA', { width: 520, height: 480, zoom: 1.2, dx: 8 });
    const err = await enrolFromReferencePhoto(deps, { tid: TID, oid: oid(3), upn: 'ada2@contoso.example', photo, attestedBy: 'desk 2' }).catch((e: unknown) => e);
    t.ok(err instanceof DuplicateEnrolmentError, String(err));
    const dup = err as DuplicateEnrolmentError;
    t.match(dup, { code: 'ERR_PROFILE_EXISTS', status: 409, match: { profileId: a.profile.profileId, oid: oid(1) }, message: /enrolment held for review as hold [0-9a-f]{32}; audit record 3$/ });
    t.equal(fx.repo.getProfile(TID, oid(3)), null, 'nothing enrolled');
    t.match(fx.repo.lastAuditRecord(), { seq: 3, oid: oid(3), flow: 'first-time', decision: 'denied', profileId: null, sessionId: null });
    const holdId = dup.hold!.holdId;

    const out: string[] = [];
    let opened = 0;
    const runtime = async (): Promise<EnrolmentRuntime> => {
      opened += 1;
      return { repository: fx.repo, openAudit: async () => ({ audit: fx.trail, close: () => fx.trail.flush() }), now: () => Date.now(), close: () => undefined };
    };
    const run = (sub: EnrolmentSubcommand, args: string[]) => enrolmentCommand(sub, args, runtime, { out: (l) => out.push(l), err: (l) => out.push(l) });

    t.equal(await run('holds', []), 0);
    t.equal(out[0], 'ID  STATE  ACCOUNT  UPN  HELD AT  MATCHED PROFILE (ACCOUNT)  DISTANCE');
    t.match(out[1], new RegExp(`^${holdId}  held  ${TID}/${oid(3)}  ada2@contoso\\.example  \\S+Z  ${a.profile.profileId} \\(${TID}/${oid(1)}\\)  0\\.\\d+ <= 0\\.4$`));
    t.equal(out[2], '1 hold(s)');
    out.length = 0;
    t.equal(await run('holds', ['--json', '--state', 'held']), 0);
    t.match(JSON.parse(out[0]), { holds: [{ id: holdId, state: 'held', matchedProfileId: a.profile.profileId, threshold: 0.4 }] });
    t.notMatch(out[0], /template/);
    out.length = 0;

    // Refused before anything is opened.
    const before = opened;
    await t.rejects(run('release', ['XYZ']), { code: 'ERR_USAGE', message: /a hold ID is 32 lowercase hex characters/ });
    await t.rejects(run('release', []), { code: 'ERR_USAGE', message: /the hold ID is required; usage: proofgate enrolment release ID/ });
    await t.rejects(run('holds', ['--state', 'pending']), { code: 'ERR_USAGE', message: /--state must be one of held, released, rejected, erased/ });
    await t.rejects(run('holds', ['--limit', '0']), { code: 'ERR_USAGE', message: /--limit must be an integer 1\.\.1000/ });
    t.equal(opened, before, 'nothing opened for a refused command');

    t.equal(await run('release', [holdId]), 0);
    const profile = fx.repo.getProfile(TID, oid(3))!;
    t.match(out[0], new RegExp(`^hold ${holdId} released: ${TID}/${oid(3)} enrolled as profile ${profile.profileId}; audit record 4$`));
    t.match(profile.enrolment, { method: 'staff-attested-reference-photo', attestedBy: 'desk 2', releasedFromHold: holdId });
    await t.rejects(run('reject', [holdId]), { code: 'ERR_BAD_REQUEST', message: /already released/ });

    // A second hold, rejected.
    const again = (await enrolFromReferencePhoto(deps, { tid: TID, oid: oid(4), upn: null, photo, attestedBy: 'desk 2' }).catch((e: unknown) => e)) as DuplicateEnrolmentError;
    out.length = 0;
    t.equal(await run('reject', [again.hold!.holdId]), 0);
    t.match(out[0], /rejected: nothing enrolled for .*, its template erased; audit record 6$/);
    t.equal(fx.repo.getProfile(TID, oid(4)), null);
    t.match(fx.repo.enrolmentHolds.get(again.hold!.holdId), { state: 'rejected', template: null });
    t.match(await verifyAuditChain(fx.repo, fx.trusted, { macKeys: fx.macKeys }), { ok: true, records: 6 });
  });
}

t.test('enrolment.duplicates is validated with messages naming the key', async (t) => {
  t.match(buildConfig({}).enrolment.duplicates, { enabled: true, threshold: 0.4, action: 'hold', topK: 10, indexEncoding: 'int8', searchThreads: 2 });
  const refused = (over: Record<string, unknown>, message: RegExp) => t.throws(() => buildConfig({ enrolment: { duplicates: over } }), { code: 'ERR_CONFIG', message });
  refused({ threshold: 0.48 }, /config\.enrolment\.duplicates\.threshold.*below biometrics\.matching\.threshold \(0\.48\)/);
  refused({ threshold: -1 }, /config\.enrolment\.duplicates\.threshold.*a positive number or null/);
  refused({ action: 'block' }, /config\.enrolment\.duplicates\.action.*one of hold, refuse/);
  refused({ topK: 0 }, /config\.enrolment\.duplicates\.topK/);
  refused({ enabled: 'yes' }, /config\.enrolment\.duplicates\.enabled.*true or false/);
  refused({ indexEncoding: 'int4' }, /config\.enrolment\.duplicates\.indexEncoding/);
  refused({ treshold: 0.3 }, /config\.enrolment\.duplicates\.treshold.*no such key/);
  t.equal(buildConfig({ enrolment: { duplicates: { threshold: 0.35, action: 'refuse' } } }).enrolment.duplicates.threshold, 0.35);
  // A tighter verification threshold tightens the default in proportion, and bounds an explicit value.
  t.equal(buildConfig({ biometrics: { matching: { threshold: 0.3 } } }).enrolment.duplicates.threshold, 0.25);
  t.throws(() => buildConfig({ biometrics: { matching: { threshold: 0.38 } }, enrolment: { duplicates: { threshold: 0.4 } } }), { code: 'ERR_CONFIG', message: /enrolment\.duplicates\.threshold.*below biometrics\.matching\.threshold \(0\.38\)/ });
});
