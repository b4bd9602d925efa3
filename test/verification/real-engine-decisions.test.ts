// The decision policy and staff enrolment with the real face engine (built models, native addon) on
// faces cut from the face-api demo photos: same person verified, another person denied, a group photo
// asked to retry, and enrolment refusing a photo with several faces.
import { verificationPolicy } from '../../src/config/sections/verification.js';
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { decideReturningUser, type ReturningUserContext } from '../../src/verification/policy/decide-returning-user.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import type { Capture } from '../../src/verification/capture/capture.js';
import { demoPhotoBytes, faceJpeg } from '../helpers/face-photos.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { tempRepository } from '../helpers/temp-store.js';
import { auditTrailFor } from '../helpers/audit-fixture.js';

// Face matching only: no liveness evidence exists for these photos, so the supervised-pilot setting.
const config = buildConfig({ verification: { assurance: { returningUser: 'none', firstTime: 'none' } } });
const selfie = (bytes: Buffer): Capture[] => [{ kind: 'selfie', mediaType: 'image/jpeg', bytes, meta: null }];
const tid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const oid = '9b2c1a7e-1d2f-4c3b-8a9d-0e1f2a3b4c5d';

t.test('enrol from a reference photo, then decide on selfies', async (t) => {
  const engine = await e2eFaceEngine();
  const { repo } = tempRepository(t);
  const ctx = (e: typeof engine): ReturningUserContext => ({
    engine: e, policy: verificationPolicy(config), liveness: config.liveness, challenge: { steps: ['blink'], nonce: 'real-engine-nonce-0123456789' }, replayGuard: repo, now: Date.now(), requiredTier: config.verification.assurance.returningUser,
    captureHistory: { usedInEarlierSession: () => false },
  });
  const deps = { repo, audit: (await auditTrailFor(repo, config.audit)).trail, faceEngine: engine, quality: config.verification.quality, maxImageBytes: config.server.maxImageBytes };

  await t.rejects(enrolFromReferencePhoto(deps, { tid, oid, upn: null, photo: demoPhotoBytes('sample1.jpg'), attestedBy: 'desk 1' }),
    { code: 'ERR_NO_FACE', message: 'reference photo refused: 3 faces found; exactly one is required' }, 'a group photo is refused');
  t.equal(repo.getProfile(tid, oid), null, 'nothing stored');

  const enrolled = await enrolFromReferencePhoto(deps, { tid, oid, upn: 'ada@contoso.example', photo: faceJpeg('personA', { width: 480, height: 480 }), attestedBy: 'desk 1' });
  t.equal(enrolled.profile.modelId, engine.modelId);
  t.ok(enrolled.checks.every((c) => c.outcome === 'pass'), 'every enrolment gate passed');

  const same = await decideReturningUser(ctx(engine), enrolled.profile, selfie(faceJpeg('personA', { width: 640, height: 480, zoom: 1.6, dx: -10 })));
  t.match(same, { kind: 'decided', decision: 'verified' });
  const other = await decideReturningUser(ctx(engine), enrolled.profile, selfie(faceJpeg('personC', { width: 640, height: 480, zoom: 1.5 })));
  t.match(other, { kind: 'decided', decision: 'denied' });
  t.equal(other.checks.find((c) => c.name === 'face-match')?.outcome, 'fail', 'denied by the face match, not by another gate');
  const group = await decideReturningUser(ctx(engine), enrolled.profile, selfie(demoPhotoBytes('sample6.jpg')));
  t.match(group, { kind: 'retry', advice: /More than one face/, checks: [{ name: 'face-count', score: 4, outcome: 'fail' }] });
  const garbage = await decideReturningUser(ctx(engine), enrolled.profile, selfie(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(500, 7)])));
  t.match(garbage, { kind: 'retry', checks: [{ name: 'image-decode', outcome: 'fail', reason: /^ERR_IMAGE_INVALID/ }] });

  if (same.kind === 'decided' && other.kind === 'decided') {
    const d = (o: typeof same) => o.checks.find((c) => c.name === 'face-match')!.score;
    t.comment(`distance same person ${d(same)}, other person ${d(other)}, threshold ${config.biometrics.matching.threshold}`);
  }
});
