// The app on a PostgreSQL store through a server restart: a request during the outage answers the store's
// error and writes nothing; once the server is back the same appliance (not restarted, the store not
// reopened) finishes the verification, and the audit chain verifies.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type OpenedSession, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { postgresBackend } from '../helpers/store-backends.js';
import { untilStoreAnswers } from '../helpers/postgres-server.js';

const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };
const postgres = postgresBackend(t);

let selfies = 0;
/** A capture posted to the app; each one a different picture (a capture seen before is refused). */
async function capture(app: VerificationTestApp, opened: OpenedSession) {
  const selfie = faceJpeg('personA', { width: 320 + 8 * (selfies += 1), height: 240, zoom: 1.4 });
  const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
    method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

t.test('the PostgreSQL server restarts: a capture during the outage answers ERR_STORE and writes nothing; afterwards the same app verifies', async (t) => {
  const store = await postgres.temp(t);
  const server = await postgres.server();
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: ACCEPT_RISK, repository: store.repo });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const opened = await app.openSession();

  server.stop('fast');
  let running = false;
  t.teardown(() => { if (!running) server.start(); });
  await sleep(100); // the store's worker reads the server's goodbye
  t.match(await capture(app, opened), { status: 500, json: { error: 'ERR_STORE', error_description: 'the service is temporarily unavailable' } },
    'the capture answers the outage as any store failure does');
  t.match(await capture(app, opened), { status: 500, json: { error: 'ERR_STORE', error_description: 'the service is temporarily unavailable' } },
    'and so does the next one, without waiting for a connection');

  server.start();
  running = true;
  t.equal((await untilStoreAnswers(() => app.repository.getSession(opened.session.sessionId)))?.status, 'open', 'the refused captures wrote nothing: the session is still open');
  t.same([...app.repository.auditRecords()].map((r) => r.sessionId), [null], 'and nothing but the enrolment is recorded');

  const reply = await capture(app, opened);
  t.match(reply, { status: 200, json: { outcome: 'decided', decision: 'verified' } }, 'after the restart the same app verifies');
  t.match(await app.verifyIdToken(reply.json.postBack.fields.id_token as string), { sub: opened.session.sub, nonce: opened.request.nonce });
  await app.auditTrail.flush();
  t.same([...app.repository.auditRecords()].map((r) => [r.seq, r.sessionId, r.decision]), [[1, null, 'verified'], [2, opened.session.sessionId, 'verified']]);
  const trusted = (await app.keyRing.published()).map((k) => k.jwk());
  t.match(await verifyAuditChain(app.repository, trusted, { macKeys: app.auditMacKeys }), { ok: true, records: 2, problem: null }, 'the chain verifies, MACs included');
});
