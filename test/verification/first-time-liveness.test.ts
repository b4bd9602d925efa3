// First-time verification with depth liveness and the active challenge, over HTTP against the real app
// with the default liveness policy (depth required, mask defence: challenge). The document checks are
// the real ones on a rendered card; the face analyzer is SCRIPTED here because the case needs the
// depth frame and the selfie's landmarks to describe the same face, which only the synthetic RGB-D
// generator can give (no depth camera in a test; test/helpers/liveness-evidence.ts). The real engine's
// first-time decisions are in first-time-decision.test.ts and first-time-flow.test.ts.
import t, { type Test } from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { HOLDER_CLAIMS, buildTd1, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';
import { API_TEST_MOTION, challengeFrames, challengeItems, challengeLandmarks, depthEvidence, depthItems } from '../helpers/liveness-evidence.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { envelopeAsSent } from '../helpers/test-station.js';

const CONFIG = { documents: { mrz: { acceptSpecimens: true } }, liveness: { motion: API_TEST_MOTION } };
const documents = await DocumentsInspector.load(buildConfig(CONFIG).documents);
const card = await renderIdCard(buildTd1(), 'personA');
const selfie = selfieOf('personA');
const holder = embedding(1);

async function attempt(t: Test, depthLabel: 'bona-fide' | 'print-flat') {
  const engine = new RecordedFaceAnalyzer([oneFace(holder)]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, documents, config: CONFIG });
  const opened = await app.openSession({ id_token_hint: await app.entra.mintHint({ claims: HOLDER_CLAIMS }) });
  const { steps, nonce } = sessionChallenge(opened.session, app.config.liveness.challenge);
  const depth = depthEvidence(depthLabel, 1);
  // Calls in order: the selfie (the depth face's landmarks), the document's portrait, then each challenge frame.
  engine.willAnswer(oneFace(holder, {}, { landmarks468: depth.landmarks }), oneFace(holder), ...challengeLandmarks(steps).map((l) => oneFace(holder, {}, { landmarks468: l })));
  const now = Date.now();
  const items = [
    ...kioskCaptures(card, selfie).map((c) => ({ kind: c.kind, mediaType: c.mediaType, data: c.bytes.toString('base64') })),
    ...depthItems(depth, nonce, now - 100), ...challengeItems(challengeFrames(steps), 14, nonce, now - 1500),
  ];
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: JSON.stringify(envelopeAsSent(app.repository, opened.session, items)),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': opened.session.csrfToken },
  });
  return { app, status: res.status, json: (await res.json()) as Record<string, any> };
}

t.test('a live face (depth + challenge) with the holder\'s document: verified, liveness passed, profile stored', async (t) => {
  const { app, status, json } = await attempt(t, 'bona-fide');
  t.equal(status, 200);
  t.match(json, { outcome: 'decided', decision: 'verified' });
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit, { flow: 'first-time', decision: 'verified' });
  t.match(audit.checks.find((c) => c.name === 'liveness'), { outcome: 'pass', reason: /^evidence: depth\+challenge; verdict: depth-and-challenge/ });
  for (const n of ['liveness-depth-nose-prominence', 'liveness-challenge', 'liveness-challenge-same-person', 'holder-binding', 'portrait-match', 'document-mrz-policy']) {
    t.equal(audit.checks.find((c) => c.name === n)?.outcome, 'pass', `${n} passed`);
  }
  t.match(app.repository.getProfile(app.entra.tid, app.entra.oid)?.enrolment, { liveness: 'depth-and-challenge' });
});

t.test('a flat print in front of the depth camera: denied by liveness, no profile', async (t) => {
  const { app, json } = await attempt(t, 'print-flat');
  t.match(json, { outcome: 'decided', decision: 'denied' });
  const audit = app.repository.lastAuditRecord()!;
  t.match(audit.checks.find((c) => c.name === 'liveness'), { outcome: 'fail', reason: /verdict: depth-failed/ });
  t.equal(audit.checks.find((c) => c.name === 'portrait-match')?.outcome, 'pass', 'the document and the face match: liveness alone denied');
  t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid), null);
});
