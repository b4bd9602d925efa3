// The first-time decision with the real engines: the face engine (built models), the native OCR-B MRZ
// reader and the document checks, on an ID card rendered by the addon's test renderer with a face from
// the face-api demo photos as its portrait, and selfies cut from the same photos. Liveness runs the real
// policy: 'accept-risk' where a case needs it accepted (no depth camera in a test; the depth checks have
// their own tests), the default 'refuse' for the refusal.
import { verificationPolicy } from '../../src/config/sections/verification.js';
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import type { VerificationSession } from '../../src/core/domain.js';
import { decideFirstTime, type FirstTimeContext, type FirstTimeOutcome } from '../../src/verification/policy/decide-first-time.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { documentNumberHash } from '../../src/verification/first-time/enrolment-summary.js';
import { unavailableDocumentInspector } from '../../src/verification/first-time/load-document-inspector.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { missingModels } from '../helpers/face-engine-fixture.js';
import { tempRepository } from '../helpers/temp-store.js';
import { HOLDER_CLAIMS, buildTd1, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';

const missing = missingModels();
if (missing) {
  t.fail(missing);
} else {
  const acceptRisk = buildConfig({ documents: { mrz: { acceptSpecimens: true } }, verification: { assurance: { returningUser: 'none', firstTime: 'none' } } });
  const refuse = buildConfig({ documents: { mrz: { acceptSpecimens: true } } });
  const engine = await e2eFaceEngine();
  const documents = await DocumentsInspector.load(acceptRisk.documents);
  const { repo } = tempRepository(t);
  let n = 0;
  const session = (claims: Record<string, unknown> = HOLDER_CLAIMS): VerificationSession => ({
    sessionId: `s-${++n}`, tid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', oid: '9b2c1a7e-1d2f-4c3b-8a9d-0e1f2a3b4c5d', sub: 'sub', clientId: 'c',
    redirectUri: 'https://login.microsoftonline.com/common/federation/externalauthprovider', nonce: 'n', state: null, clientRequestId: null,
    acr: 'possessionorinherence', amr: 'face', hintClaims: claims, csrfToken: 'csrf', challenge: { nonce: `first-time-nonce-${n}-0123456789` },
    status: 'open', createdAt: Date.now(), expiresAt: Date.now() + 300_000,
  });
  const ctx = (s: VerificationSession, config = acceptRisk): FirstTimeContext => ({
    engine, documents, policy: verificationPolicy(config), liveness: config.liveness,
    challenge: { steps: ['blink'], nonce: s.challenge.nonce as string }, replayGuard: repo, now: Date.now(), requiredTier: config.verification.assurance.firstTime,
  });
  const check = (o: FirstTimeOutcome, name: string) => o.checks.find((c) => c.name === name);
  const failed = (o: FirstTimeOutcome) => o.checks.filter((c) => c.outcome === 'fail' || c.outcome === 'error').map((c) => c.name);

  const validCard = await renderIdCard(buildTd1(), 'personA');

  t.test('the holder of a valid card, named in the hint, with a live selfie: verified, with the enrolment to store', async (t) => {
    const s = session();
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(validCard, selfieOf('personA')));
    t.equal(o.kind, 'decided', `decided (failed: ${JSON.stringify(failed(o))})`);
    if (o.kind !== 'decided') return;
    t.equal(o.decision, 'verified', JSON.stringify(o.checks.filter((c) => c.outcome !== 'pass')));
    t.same(failed(o), [], 'no check failed');
    t.equal(new Set(o.checks.map((c) => c.name)).size, o.checks.length, 'each check appears once');
    for (const name of ['document-found', 'document-aspect', 'document-sharpness', 'document-glare', 'document-mrz-read', 'document-mrz-check-digits',
      'document-expiry', 'document-holder-age', 'document-mrz-policy', 'face-count', 'quality-face-size', 'portrait-found', 'portrait-match', 'holder-binding']) {
      t.equal(check(o, name)?.outcome, 'pass', `${name} passed`);
    }
    for (const name of ['document-ir', 'document-uv', 'document-chip', 'document-mrz-viz-consistency']) t.equal(check(o, name)?.outcome, 'skipped', `${name} skipped`);
    t.match(check(o, 'liveness'), { outcome: 'skipped', reason: /no-evidence-risk-accepted/ }, 'liveness accepted without evidence by policy, never as passed');
    t.match(check(o, 'portrait-match'), { threshold: acceptRisk.biometrics.matching.threshold });
    t.match(check(o, 'holder-binding'), { score: 1, threshold: acceptRisk.documents.binding.nameThreshold });
    t.ok(o.checks.every((c) => 'score' in c && 'threshold' in c && typeof c.reason === 'string'), 'every check has score, threshold and reason');
    t.ok(o.enrolment, 'an enrolment to store');
    t.equal(o.enrolment!.modelId, engine.modelId);
    t.equal(o.enrolment!.template.length, 128 * 4, 'the selfie template (128 float32)');
    t.match(o.enrolment!.summary, {
      method: 'document-verification', documentType: 'I', issuer: 'UTO', holderSource: 'mrz',
      documentNumberSha256: documentNumberHash('UTO', 'D23145890'), chip: { read: false }, liveness: 'no-evidence-risk-accepted',
    });
    t.notMatch(JSON.stringify(o.enrolment!.summary), /D23145890/, 'the document number itself is not kept');
    t.comment(`portrait distance ${check(o, 'portrait-match')?.score}`);
  });

  t.test('a hint naming someone else: denied by the binding, nothing to store', async (t) => {
    const s = session({ name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(validCard, selfieOf('personA')));
    t.match(o, { kind: 'decided', decision: 'denied', enrolment: null });
    t.same(failed(o), ['holder-binding'], 'denied by the binding alone');
  });

  t.test('a birth date in the directory that differs from the document: denied', async (t) => {
    const s = session({ ...HOLDER_CLAIMS, birthdate: '1975-08-12' });
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(validCard, selfieOf('personA')));
    t.match(o, { kind: 'decided', decision: 'denied' });
    t.match(check(o, 'holder-binding'), { outcome: 'fail', score: 0, reason: /date of birth mismatch/ });
  });

  t.test('a selfie of another person than the portrait: denied by the portrait match', async (t) => {
    const s = session();
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(validCard, selfieOf('personC')));
    t.match(o, { kind: 'decided', decision: 'denied', enrolment: null });
    t.same(failed(o), ['portrait-match']);
    t.comment(`portrait distance (other person) ${check(o, 'portrait-match')?.score}`);
  });

  t.test('an expired document: denied', async (t) => {
    const s = session();
    const expired = await renderIdCard(buildTd1({ expiry: '240101' }), 'personA');
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(expired, selfieOf('personA')));
    t.match(o, { kind: 'decided', decision: 'denied', enrolment: null });
    t.same(failed(o).sort(), ['document-expiry', 'document-mrz-policy']);
    t.match(check(o, 'document-mrz-policy'), { reason: /POLICY_EXPIRED/ });
  });

  t.test('liveness refused by the default policy (no depth frame: tier none below kiosk-depth): denied, every other check still recorded', async (t) => {
    const s = session();
    const o = await decideFirstTime(ctx(s, refuse), s, kioskCaptures(validCard, selfieOf('personA')));
    t.match(o, { kind: 'decided', decision: 'denied', enrolment: null, liveness: { accepted: false, reason: 'tier-too-low', tier: 'none', required: 'kiosk-depth' } });
    t.same(failed(o), ['liveness', 'liveness-tier']);
    t.equal(check(o, 'portrait-match')?.outcome, 'pass');
  });

  t.test('a card without a face on it asks for the document again', async (t) => {
    const s = session();
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(await renderIdCard(buildTd1(), null), selfieOf('personA')));
    t.match(o, { kind: 'retry', advice: /photo on the document/ });
    t.equal(check(o, 'portrait-found')?.outcome, 'fail');
  });

  t.test('a selfie of the whole card (no live face) or a group: retry with advice', async (t) => {
    const s = session();
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(validCard, Buffer.from(await renderIdCard(buildTd1(), null))).map((c) => (c.kind === 'selfie' ? { ...c, mediaType: validCard[0] === 0xff ? 'image/jpeg' : 'image/png' } as typeof c : c)));
    t.match(o, { kind: 'retry', checks: [{ name: 'face-count', outcome: 'fail' }] });
  });

  t.test('an identity card with the MRZ on the back: the back is read, the portrait comes from the front', async (t) => {
    const s = session();
    const front = await renderIdCard([], 'personA');
    const back = await renderIdCard(buildTd1(), null);
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(front, selfieOf('personA'), [{ kind: 'document-back', mediaType: 'image/png', bytes: back, meta: null }]));
    t.match(o, { kind: 'decided', decision: 'verified' }, JSON.stringify(o.checks.filter((c) => c.outcome !== 'pass')));
    t.match(check(o, 'document-mrz-read'), { outcome: 'skipped', reason: 'the MRZ was read from the back' });
    t.match(check(o, 'document-back-mrz-read'), { outcome: 'pass' });
    t.match(check(o, 'document-back-expiry'), { outcome: 'pass' });
    t.match(check(o, 'portrait-match'), { outcome: 'pass' });
  });

  t.test('IR and UV images are checked when sent: a UV image that glows (ordinary paper) denies', async (t) => {
    const s = session();
    // The visible photo stands in for both: its MRZ reads (IR passes) and white card stock is far too bright for UV.
    const extra = [
      { kind: 'document-ir', mediaType: 'image/png', bytes: validCard, meta: null },
      { kind: 'document-uv', mediaType: 'image/png', bytes: validCard, meta: null },
    ] as const;
    const o = await decideFirstTime(ctx(s), s, kioskCaptures(validCard, selfieOf('personA'), extra.map((c) => ({ ...c }))));
    t.match(o, { kind: 'decided', decision: 'denied' });
    t.match(check(o, 'document-ir-mrz-visible'), { outcome: 'pass' });
    t.match(check(o, 'document-uv-dull-background'), { outcome: 'fail', threshold: acceptRisk.documents.imaging.uv.maxBackgroundMeanGray });
    t.ok(failed(o).every((n) => n.startsWith('document-uv-')), `only UV checks failed: ${failed(o).join(', ')}`);
  });

  t.test('document checks that failed to load: unavailable, not denied', async (t) => {
    const s = session();
    const o = await decideFirstTime({ ...ctx(s), documents: unavailableDocumentInspector(new Error('OCR-B font missing')) }, s, kioskCaptures(validCard, selfieOf('personA')));
    t.match(o, { kind: 'decided', decision: 'unavailable', enrolment: null, checks: [{ name: 'document-analysis', outcome: 'error', reason: /OCR-B font missing/ }] });
  });

  t.test('malformed first-time requests are refused before any work', async (t) => {
    const s = session();
    await t.rejects(decideFirstTime(ctx(s), s, kioskCaptures(validCard, selfieOf('personA')).filter((c) => c.kind !== 'document-front')),
      { code: 'ERR_BAD_REQUEST', status: 400, message: /document-front capture is required/ });
    const chip = (bytes: Buffer) => kioskCaptures(validCard, selfieOf('personA'), [{ kind: 'document-chip', mediaType: 'application/octet-stream', bytes, meta: null }]);
    await t.rejects(decideFirstTime(ctx(s), s, chip(Buffer.from('not json'))), { code: 'ERR_BAD_REQUEST', message: /JSON container/ });
    await t.rejects(decideFirstTime(ctx(s), s, chip(Buffer.from(JSON.stringify({ sod: 'AAAA', dataGroups: { 99: 'AAAA' } })))), { code: 'ERR_BAD_REQUEST', message: /not a data-group number/ });
    await t.rejects(decideFirstTime(ctx(s), s, chip(Buffer.from(JSON.stringify({ sod: '!!', dataGroups: { 1: 'AAAA' } })))), { code: 'ERR_BAD_REQUEST', message: /sod must be/ });
    await t.rejects(decideFirstTime(ctx(s), s, [...kioskCaptures(validCard, selfieOf('personA')), { kind: 'document-front', mediaType: 'image/png', bytes: validCard, meta: null }]),
      { code: 'ERR_BAD_REQUEST', message: /at most one document-front/ });
  });
}
