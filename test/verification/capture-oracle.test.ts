// No face-match oracle: someone with the password who posts candidate photos must not learn which one
// is the account owner's. Under a policy that refuses the evidence sent whatever it shows (the default:
// no depth frame), the owner's face and a stranger's are refused before any analysis, with the same
// HTTP status, JSON reply and post-back fields; every denial reads the same from outside, and only the
// audit says why.
import t, { type Test } from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { RecordedFaceAnalyzer, embedding, noFace, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { challengeItems, challengeLandmarks } from '../helpers/liveness-evidence.js';

const owner = embedding(1);
const stranger = embedding(9);
const STATE = 'same-state-for-both';

async function appWithProfile(t: Test, liveness: Record<string, unknown> = {}) {
  const engine = new RecordedFaceAnalyzer([oneFace(owner)]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { liveness } });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { app, engine };
}

async function post(app: VerificationTestApp, url: string, csrf: string, body: Buffer | string, contentType: string) {
  const res = await fetch(`${app.baseUrl}${url}`, {
    method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { accept: 'application/json', 'content-type': contentType, 'x-csrf-token': csrf },
  });
  // The failure reference is per session by design (the person quotes it to the help desk): set aside.
  const { reference, ...json } = (await res.json()) as Record<string, any>;
  return { status: res.status, json, reference: typeof reference };
}

t.test("default policy, a still selfie (no challenge): the owner's face and a stranger's get the same answer, and neither is analysed", async (t) => {
  const { app, engine } = await appWithProfile(t);
  const replies = [];
  for (const [who, face, photo] of [['owner', owner, 'personA'], ['stranger', stranger, 'personB']] as const) {
    engine.willAnswer(oneFace(face));
    const opened = await app.openSession({ state: STATE });
    replies.push(await post(app, opened.captureUrl, opened.session.csrfToken, faceJpeg(photo, { width: 320, height: 240, zoom: 1.4 }), 'image/jpeg'));
    t.equal(engine.calls, 0, `${who}: refused before the face was analysed (same cost for both)`);
    const audit = app.repository.lastAuditRecord()!;
    t.match(audit, { sessionId: opened.session.sessionId, decision: 'denied', flow: 'returning' });
    t.same(audit.checks.map((c) => c.name), ['liveness', 'liveness-tier'], `${who}: no face check ran`);
    t.match(audit.checks[0], { outcome: 'fail', reason: /^evidence: none; verdict: tier-too-low \(.*refused by the policy before any analysis/ }, `${who}: the audit keeps the real reason`);
  }
  const [ownerReply, strangerReply] = replies;
  t.equal(ownerReply.status, 200);
  t.same(ownerReply, strangerReply, 'identical status and JSON reply, post-back fields included');
  t.same(ownerReply.json, {
    outcome: 'decided', decision: 'denied', message: 'We could not verify that you are the owner of this account. Returning you to sign-in…',
    postBack: { redirectUri: 'https://login.microsoftonline.com/common/federation/externalauthprovider', fields: { error: 'access_denied', error_description: 'the person was not verified', state: STATE } },
  });
});

t.test('challenge-only: a failed challenge on the owner\'s face and a stranger\'s face read the same from outside', async (t) => {
  const { app, engine } = await appWithProfile(t, {});
  const replies = [];
  const frame = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4, quality: 70 });
  for (const [face, photo] of [[owner, 'personA'], [stranger, 'personB']] as const) {
    const opened = await app.openSession({ state: STATE });
    const { nonce } = sessionChallenge(opened.session, app.config.liveness.challenge);
    // The owner's face with a still "challenge" (fails liveness); a stranger's face (fails the match).
    engine.willAnswer(oneFace(face), ...challengeLandmarks('still').map((l) => oneFace(face, {}, { landmarks468: l })));
    const envelope = JSON.stringify({ captures: [
      { kind: 'selfie', mediaType: 'image/jpeg', data: faceJpeg(photo, { width: 640, height: 480, zoom: 1.4 }).toString('base64') },
      ...challengeItems(frame, 5, nonce, Date.now() - 1200),
    ] });
    replies.push(await post(app, opened.captureUrl, opened.session.csrfToken, envelope, CAPTURE_ENVELOPE_MEDIA_TYPE));
  }
  t.same(replies[0], replies[1], 'identical status and JSON reply');
  t.match(replies[0].json, { decision: 'denied', postBack: { fields: { error: 'access_denied', error_description: 'the person was not verified' } } });
  const [first, second] = [...app.repository.auditRecords()].slice(-2);
  t.match(first.checks.find((c) => c.name === 'liveness'), { outcome: 'fail', reason: /verdict: challenge-failed/ }, 'the audit: the owner failed the challenge');
  t.match(second.checks.find((c) => c.name === 'face-match'), { outcome: 'fail' }, 'the audit: the stranger failed the match');
});

t.test('challenge-only without any challenge frame, or depth without the challenge the mask defence needs: refused before analysis', async (t) => {
  const { app, engine } = await appWithProfile(t, {});
  const opened = await app.openSession();
  engine.willAnswer(oneFace(owner));
  const res = await post(app, opened.captureUrl, opened.session.csrfToken, faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 }), 'image/jpeg');
  t.match(res.json, { decision: 'denied', message: /^We could not verify/ });
  t.equal(engine.calls, 0);
  t.match(app.repository.lastAuditRecord()!.checks, [{ name: 'liveness', outcome: 'fail', reason: /^evidence: none; verdict: tier-too-low/ }, { name: 'liveness-tier', reason: /^tier reached: none; tier required: remote-active/ }]);
});

t.test('challenge-only: unusable challenge frames ask the owner and a stranger alike to try again, after the same work', async (t) => {
  const { app, engine } = await appWithProfile(t, {});
  const replies = [];
  const work: number[] = [];
  const frame = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4, quality: 70 });
  for (const [face, photo] of [[owner, 'personA'], [stranger, 'personB']] as const) {
    const opened = await app.openSession({ state: STATE });
    const { nonce } = sessionChallenge(opened.session, app.config.liveness.challenge);
    // The selfie shows the face; no challenge frame shows one. Were liveness judged only after a match,
    // the owner would be asked to retry and the stranger denied: an oracle.
    engine.willAnswer(oneFace(face), noFace());
    const envelope = JSON.stringify({ captures: [
      { kind: 'selfie', mediaType: 'image/jpeg', data: faceJpeg(photo, { width: 640, height: 480, zoom: 1.4 }).toString('base64') },
      ...challengeItems(frame, 5, nonce, Date.now() - 1200),
    ] });
    replies.push(await post(app, opened.captureUrl, opened.session.csrfToken, envelope, CAPTURE_ENVELOPE_MEDIA_TYPE));
    work.push(engine.calls);
  }
  t.same(replies[0], replies[1], 'identical status and JSON reply');
  t.match(replies[0].json, { outcome: 'retry' });
  t.same(work, [work[0], work[0]], `the same analyses for both (${work[0]})`);
});

