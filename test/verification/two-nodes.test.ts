// Two appliances behind one load balancer: two app instances on one PostgreSQL database, one signing key
// (the same key ring, as two nodes on one HSM token) and one public URL (node A's, so what node B signs must
// verify against the JWKS node A publishes). A verification is opened on one node and finished on the
// other; a capture being judged on one node holds its account on the other; the audit chain that both
// wrote verifies as one.
import t, { type Test } from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { createEntraKeys } from '../../src/oidc/entra-keys.js';
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import type { FaceAnalysisResult } from '../../src/verification/capture/ports.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { SimulatedEntra } from '../helpers/simulated-entra.js';
import { SoftwareDataKeyWrapper } from '../helpers/software-data-key-wrapper.js';
import { cancel } from '../helpers/cancel-verification.js';
import { CLAIM_MARGIN_MS } from '../../src/verification/flow/capture-claims.js';
import { postgresBackend } from '../helpers/store-backends.js';

const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const postgres = postgresBackend(t);

interface TwoNodes { a: VerificationTestApp; b: VerificationTestApp; engineA: RecordedFaceAnalyzer; engineB: RecordedFaceAnalyzer }

/** `now`: one clock for both nodes (and the store's writes), for expiry; default the real one. */
async function twoNodes(t: Test, now?: () => number): Promise<TwoNodes> {
  const store = await postgres.temp(t, now ? { now } : {});
  const clock = now ? { now } : {};
  const entra = await SimulatedEntra.create();
  const keyRing = await SoftwareKeyRing.create();
  // The evidence data key is wrapped by the HSM's key-encryption key: the nodes share it as they share the token.
  const dataKeyWrapper = new SoftwareDataKeyWrapper();
  const engineA = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const engineB = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const a = await startVerificationTestApp(t, { faceEngine: engineA, config: ACCEPT_RISK, entra, keyRing, dataKeyWrapper, repository: store.repo, ...clock });
  const b = await startVerificationTestApp(t, {
    faceEngine: engineB, entra, keyRing, dataKeyWrapper, repository: store.another(), ...clock,
    config: { ...ACCEPT_RISK, server: { publicBaseUrl: a.issuer } },
    entraKeys: createEntraKeys({ config: a.config.oidc.entraKeys, dataDir: a.config.server.dataDir }),
  });
  await enrolFromReferencePhoto(
    { repo: a.repository, audit: a.auditTrail, faceEngine: engineA, quality: a.config.verification.quality, maxImageBytes: a.config.server.maxImageBytes },
    { tid: a.entra.tid, oid: a.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { a, b, engineA, engineB };
}

let selfies = 0;
/** A capture posted to `node`; each one a different picture (a capture seen in an earlier session is refused). */
async function capture(node: VerificationTestApp, opened: OpenedSession) {
  const selfie = faceJpeg('personA', { width: 320 + 8 * (selfies += 1), height: 240, zoom: 1.4 });
  const res = await fetch(`${node.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** The face analysis on `engine` waits until the test opens the gate; `entered` resolves when it is reached. */
function gate(engine: RecordedFaceAnalyzer): { entered: Promise<void>; open(): void } {
  const analyze = engine.analyzeFace.bind(engine);
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  const entered = new Promise<void>((resolve) => { reached = resolve; });
  engine.analyzeFace = async (...args: Parameters<RecordedFaceAnalyzer['analyzeFace']>): Promise<FaceAnalysisResult> => {
    reached();
    await opened;
    engine.analyzeFace = analyze;
    return analyze(...args);
  };
  return { entered, open };
}

t.test('authorize on node A, capture on node B: the id_token B signed verifies against A\'s JWKS; one audit chain with records of both', async (t) => {
  const { a, b } = await twoNodes(t);
  const opened = await a.openSession();
  const reply = await capture(b, opened);
  t.match(reply, { status: 200, json: { outcome: 'decided', decision: 'verified' } }, 'node B judged the session node A opened');
  const token = reply.json.postBack.fields.id_token as string;
  t.match(await a.verifyIdToken(token), { iss: a.issuer, sub: opened.session.sub, nonce: opened.request.nonce }, 'verified with node A\'s published keys and issuer');
  t.equal(b.repository.getSession(opened.session.sessionId)?.status, 'decided');
  t.equal(a.repository.getSession(opened.session.sessionId)?.status, 'decided', 'node A sees the decision');

  // And the other way round: opened on B, cancelled on A.
  const other = await b.openSession();
  const cancelled = await cancel(a, other);
  t.equal(cancelled.status, 200, 'node A ends the session node B opened');

  await a.auditTrail.flush();
  await b.auditTrail.flush();
  const records = [...a.repository.auditRecords()];
  t.same(records.map((r) => [r.seq, r.sessionId]), [[1, null], [2, opened.session.sessionId], [3, other.session.sessionId]],
    'the enrolment (A), the verification (B) and the cancel (A), in one sequence');
  const trusted = (await a.keyRing.published()).map((k) => k.jwk());
  t.match(await verifyAuditChain(b.repository, trusted, { macKeys: a.auditMacKeys }), { ok: true, records: 3, problem: null }, 'the chain verifies, MACs included');
});

t.test('a capture being judged on node A holds its account and its session on node B; released, B judges', async (t) => {
  const { a, b, engineA } = await twoNodes(t);
  const first = await a.openSession();
  const second = await b.openSession();
  const slow = gate(engineA);
  const judged = capture(a, first);
  await slow.entered;
  t.match(await capture(b, second), {
    status: 409, json: { error: 'ERR_REPLAY', error_description: 'a capture for this account is already being checked; wait for its result' },
  }, 'node B refuses a capture of the same account in another session');
  t.match(await capture(b, first), { status: 409, json: { error: 'ERR_REPLAY', error_description: 'a capture for this verification is already being checked' } },
    'and a second capture of the same session');
  t.equal((await cancel(b, first)).status, 409, 'and a cancel of the session being judged');
  t.equal(b.repository.getSession(second.session.sessionId)?.status, 'open', 'the refused session stays open, nothing written');
  slow.open();
  t.match(await judged, { status: 200, json: { decision: 'verified' } }, 'node A decides');
  t.match(await capture(b, second), { status: 200, json: { decision: 'verified' } }, 'then node B judges the other session');
  t.equal([...b.repository.auditRecords()].length, 3, 'the enrolment and the two decisions; the refusals wrote nothing');
});

t.test('node A stops mid-capture: its session stays open with no record; B refuses that account until the claim lapses, then verifies it', async (t) => {
  const clock = { now: Date.now() };
  const { a, b, engineA } = await twoNodes(t, () => clock.now);
  const stranded = await a.openSession();
  const slow = gate(engineA);
  const onA = capture(a, stranded);
  await slow.entered;
  // Node A loses its store in the middle of judging, as a crash would: nothing more it does reaches the
  // store, not even the release of its claims.
  a.repository.close();
  slow.open();
  const answered = await onA;
  t.match(answered, { status: 500, json: { error: 'ERR_STORE', error_description: 'the service is temporarily unavailable' } }, 'node A answers the outage');
  t.equal(b.repository.getSession(stranded.session.sessionId)?.status, 'open', 'its session was not decided');
  t.same([...b.repository.auditRecords()].map((r) => r.sessionId), [null], 'and nothing but the enrolment is recorded');

  const waiting = await b.openSession();
  t.match(await capture(b, waiting), {
    status: 409, json: { error: 'ERR_REPLAY', error_description: 'a capture for this account is already being checked; wait for its result' },
  }, 'node B refuses the account while the stopped node\'s claim holds');

  // The claim lapses a minute after the stranded session's expiry.
  clock.now = stranded.session.expiresAt + CLAIM_MARGIN_MS;
  const hint = await b.entra.mintHint({ claims: b.entra.defaultClaims('public', Math.floor(clock.now / 1000)) });
  const later = await b.openSession({ id_token_hint: hint });
  t.match(await capture(b, later), { status: 200, json: { outcome: 'decided', decision: 'verified' } }, 'node B verifies the account once the claim has lapsed');
  t.equal((await capture(b, stranded)).status, 410, 'the stranded session ends as expired on node B');
  const records = [...b.repository.auditRecords()];
  t.same(records.map((r) => [r.sessionId, r.decision]), [[null, 'verified'], [later.session.sessionId, 'verified'], [stranded.session.sessionId, 'denied']],
    'the enrolment, the verification and the stranded session\'s expiry: each session once, nothing half-written');
  t.equal(b.repository.getSession(waiting.session.sessionId)?.status, 'open', 'the refused session wrote nothing (the sweep expires it)');
  const trusted = (await b.keyRing.published()).map((k) => k.jwk());
  t.match(await verifyAuditChain(b.repository, trusted, { macKeys: b.auditMacKeys }), { ok: true, records: 3, problem: null });
});
