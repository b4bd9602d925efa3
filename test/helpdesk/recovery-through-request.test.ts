// Account recovery through a help-desk request, with the appliance's own wiring (start-appliance.ts): the
// recovery service reads the app's store through recoveryRequestsFromStore, the done page asks
// recoveryCompletionExtras, and Graph is the simulated one on loopback (a PS256 assertion signed in SoftHSM).
// The agent creates a `recovery` request, the person opens the link and verifies (remote liveness through
// the capture API), and the done page shows the Temporary Access Pass once. The pass is never in the
// console, the audit trail or the log; a `verify` request, a failed verification, or Graph failing give none.
import t, { type Test } from 'tap';
import { AGENT, UPN, capturePageSession, helpdeskFixture, postForm, type Fixture } from './helpdesk-fixture.js';
import { recoveryCompletionExtras, recoveryRequestsFromStore } from '../../src/helpdesk/recovery-completion.js';
import type { CompletionExtras } from '../../src/helpdesk/person-routes.js';
import { openRecoveryService } from '../../src/recovery/open-recovery.js';
import { ensureGraphClientCertificate, graphClientLabel } from '../../src/recovery/graph-client-key.js';
import { openHsmToken } from '../../src/hsm/open-hsm.js';
import { buildConfig } from '../../src/config/index.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { sessionChallenge } from '../../src/verification/capture/session-challenge.js';
import { sessionReference } from '../../src/verification/flow/session-reference.js';
import { verificationPaths } from '../../src/verification/http/verification-paths.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { API_TEST_MOTION, challengeFrames, challengeItems, challengeLandmarks } from '../helpers/liveness-evidence.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { envelopeAsSent } from '../helpers/test-station.js';
import { createTestToken } from '../helpers/softhsm.js';
import { startSimulatedGraph, type SimulatedGraph } from '../helpers/simulated-graph.js';
import { recordLog } from '../helpers/log-recorder.js';

const enrolled = embedding(1);
// Every scripted step is 7 frames (test/helpers/liveness-evidence.ts); sessions ask for 2 steps.
const FRAMES = 14;
const TAP_SECTION = /id="tap-once-code"[^>]*>([^<]+)</;

interface World {
  fx: Fixture;
  engine: RecordedFaceAnalyzer;
  graph: SimulatedGraph;
  logs: ReturnType<typeof recordLog>;
}

async function world(t: Test): Promise<World> {
  const logs = recordLog();
  const engine = new RecordedFaceAnalyzer([oneFace(enrolled)]);
  let extras: CompletionExtras = async () => null;
  const fx = await helpdeskFixture(t, {
    enrolled: false, faceEngine: engine, log: logs.log, config: { liveness: { motion: API_TEST_MOTION } },
    completionExtras: (request, page) => extras(request, page),
  });
  const { app } = fx;
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: fx.tid, oid: fx.oid, upn: UPN, photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  // The Graph client key and certificate in a SoftHSM token, the certificate uploaded to the simulated tenant.
  const testToken = await createTestToken();
  t.teardown(testToken.cleanup);
  const token = openHsmToken(testToken.hsmConfig, testToken.dir);
  t.teardown(() => token.close());
  const clientId = '6a1c0a55-0f4e-4d3c-9a8b-2f7e5d4c3b2a';
  const graph = await startSimulatedGraph(t, { tenantId: fx.tid, clientId, users: [fx.oid] });
  const { key } = await ensureGraphClientCertificate(token, { label: graphClientLabel(testToken.hsmConfig.keyLabelPrefix, 'graph-client'), validityDays: 365, renew: false, now: Date.now() });
  graph.uploadCertificate(key.pem());
  const config = buildConfig({
    recovery: { tap: { enabled: true, tenantId: fx.tid, clientId, authorityBaseUrl: graph.authorityBaseUrl, graphBaseUrl: graph.graphBaseUrl, timeoutMs: 1500 } },
  }).recovery.tap;
  const recovery = await openRecoveryService({
    config, keyLabelPrefix: testToken.hsmConfig.keyLabelPrefix, token, requests: recoveryRequestsFromStore(app.repository), audit: app.auditTrail, log: logs.log,
  });
  extras = recoveryCompletionExtras(recovery, logs.log);
  return { fx, engine, graph, logs };
}

/** The person opens the link, presses Start and gets the capture page: the session and its CSRF token. */
async function openLink(w: World, link: string) {
  const started = await postForm(link);
  const s = capturePageSession(started.html);
  if (!s) throw new Error(`no capture page: ${started.status}`);
  return s;
}

/** The person's capture: the selfie and the session's challenge, filmed (the scripted analyzer acts it out). */
async function verify(w: World, s: { sessionId: string; csrf: string }) {
  const { app } = w.fx;
  w.fx.clock.now = Date.now();
  const session = app.repository.getSession(s.sessionId)!;
  const { steps, nonce } = sessionChallenge(session, app.config.liveness.challenge);
  w.engine.willAnswer(oneFace(enrolled), ...challengeLandmarks(steps).map((l) => oneFace(enrolled, {}, { landmarks468: l })));
  const selfie = faceJpeg('personA', { width: 640, height: 480, zoom: 1.4 });
  const items = [{ kind: 'selfie', mediaType: 'image/jpeg', data: selfie.toString('base64') }, ...challengeItems(challengeFrames(steps), FRAMES, nonce, w.fx.clock.now - 1200)];
  const res = await fetch(`${app.issuer}${verificationPaths('', s.sessionId).capture}`, {
    method: 'POST', body: JSON.stringify(envelopeAsSent(app.repository, session, items)),
    headers: { accept: 'application/json', 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': s.csrf },
  });
  return (await res.json()) as Record<string, unknown>;
}

const doneFields = (s: { sessionId: string; csrf: string }, reference: string) => ({ reference, session: s.sessionId, csrf: s.csrf });
const reference = (w: World, requestId: string) => sessionReference(w.fx.app.repository.requests.get(requestId)!.sessionId!);

/** Every audit record and log line, as text: the pass must be in none. */
const everything = (w: World) => JSON.stringify([...w.fx.app.repository.auditRecords()]) + w.logs.raw.join('\n');

t.test('a verified recovery request: the done page shows the pass once (no-store); the console and the audit never see it', async (t) => {
  const w = await world(t);
  const { fx } = w;
  const agent = fx.console(AGENT);
  const created = await agent.createRequest({ purpose: 'recovery' });
  t.equal(created.res.status, 201);
  const s = await openLink(w, created.link);
  const decided = await verify(w, s);
  t.match(decided, { outcome: 'decided', decision: 'verified' });
  t.match(fx.app.repository.requests.get(created.requestId)!, { status: 'verified', purpose: 'recovery' });

  const res = await fetch(`${fx.app.issuer}/r/done`, {
    method: 'POST', body: new URLSearchParams(doneFields(s, reference(w, created.requestId))), headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  t.equal(res.status, 200);
  t.match(res.headers.get('cache-control'), /no-store/, 'the page with the pass is never cached');
  const page = await res.text();
  const tap = TAP_SECTION.exec(page)?.[1];
  t.ok(tap, 'the done page shows the Temporary Access Pass');
  t.equal(tap, w.graph.created[0]?.temporaryAccessPass, 'the one Graph created, for the request\'s account');
  t.equal(w.graph.created[0].userId, fx.oid);
  t.match(page, /Done — you can tell the agent/);

  const again = await postForm(`${fx.app.issuer}/r/done`, doneFields(s, reference(w, created.requestId)));
  t.notMatch(again.html, /id="tap-once/, 'not shown a second time');
  t.match(again.html, /shown once already and cannot be shown again/);
  t.equal(w.graph.calls.tap, 1, 'the second post asked Graph for nothing');

  const view = await (await agent.get(`/helpdesk/requests/${created.requestId}`)).text();
  t.match(view, /id="result-decision">verified</, 'the agent sees the result');
  t.notOk(view.includes(tap!), 'the console never shows the pass');
  const issued = [...fx.app.repository.auditRecords()].filter((r) => r.flow === 'recovery');
  t.equal(issued.length, 1, 'one recovery record');
  t.match(issued[0], { decision: 'changed', tid: fx.tid, oid: fx.oid, checks: [{ name: 'tap-issue', outcome: 'pass', reason: new RegExp(`verification request ${created.requestId} \\(opened by staff ${AGENT.name}`) }] });
  t.notOk(everything(w).includes(tap!), 'no audit record and no log line holds the pass');
  t.notOk(JSON.stringify(fx.app.repository.requests.get(created.requestId)).includes(tap!), 'nor the stored request');
});

t.test('a verify request and a failed verification get no pass; Graph is never asked', async (t) => {
  const w = await world(t);
  const { fx } = w;
  const agent = fx.console(AGENT);
  const verifyOnly = await agent.createRequest({ purpose: 'verify' });
  const s = await openLink(w, verifyOnly.link);
  t.match(await verify(w, s), { decision: 'verified' });
  const done = await postForm(`${fx.app.issuer}/r/done`, doneFields(s, reference(w, verifyOnly.requestId)));
  t.match(done.html, /Done — you can tell the agent/);
  t.notMatch(done.html, /tap-once|Temporary Access Pass/, 'a verify request: no pass, no word of one');

  const recovery = await agent.createRequest({ purpose: 'recovery' });
  const r = await openLink(w, recovery.link);
  const cancelled = await postForm(`${fx.app.issuer}/verify/${r.sessionId}/cancel`, { csrf: r.csrf });
  t.equal(cancelled.status, 200);
  t.match(fx.app.repository.requests.get(recovery.requestId)!, { status: 'failed', purpose: 'recovery' });
  const failed = await postForm(`${fx.app.issuer}/r/done`, doneFields(r, reference(w, recovery.requestId)));
  t.notMatch(failed.html, /tap-once|Temporary Access Pass/, 'a failed recovery: no pass');
  t.same(w.graph.calls, { token: 0, tap: 0, delete: 0 }, 'Graph was never called');
  t.equal([...fx.app.repository.auditRecords()].filter((r) => r.flow === 'recovery').length, 0, 'nothing to record');
});

t.test('Graph failing: the person is told to contact the help desk; the request stays verified; the failed attempt is audited', async (t) => {
  const w = await world(t);
  const { fx } = w;
  const created = await fx.console(AGENT).createRequest({ purpose: 'recovery' });
  const s = await openLink(w, created.link);
  t.match(await verify(w, s), { decision: 'verified' });
  w.graph.fail('tap', 500);
  const done = await postForm(`${fx.app.issuer}/r/done`, doneFields(s, reference(w, created.requestId)));
  t.equal(done.status, 200);
  t.notMatch(done.html, /id="tap-once/);
  t.match(done.html, /a Temporary Access Pass could not be issued just now\. Tell the help desk/);
  t.notMatch(done.html, /500|simulated failure|Graph/, 'never the cause');
  t.match(fx.app.repository.requests.get(created.requestId)!, { status: 'verified' }, 'still verified');
  t.equal(fx.app.repository.recoveryTaps.issuedAt(created.requestId), null, 'no pass marked: a new try can issue one');
  const attempts = [...fx.app.repository.auditRecords()].filter((r) => r.flow === 'recovery');
  t.equal(attempts.length, 1, 'the failed attempt is on the audit trail');
  t.match(attempts[0], { decision: 'changed', tid: fx.tid, oid: fx.oid, checks: [{ name: 'tap-issue', outcome: 'error' }] });
  t.equal(w.logs.lines('recovery.tap_failed').length, 1);
  t.equal(w.graph.created.length, 0);
});
