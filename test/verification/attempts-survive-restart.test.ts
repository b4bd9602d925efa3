// The retry limit is kept in the store (migration 2, verification_sessions.capture_attempts): a restart of
// the appliance, here a second verification service over a second connection to the same SQLite file,
// continues the count instead of handing out a fresh set of attempts.
import t from 'tap';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { createVerificationCompleter } from '../../src/oidc/complete-verification.js';
import { EvidenceCipher } from '../../src/store/evidence-cipher.js';
import { openSqliteRepository } from '../../src/store/sqlite-repository.js';
import { createVerification } from '../../src/verification/http/create-verification.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, noFace, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { SoftwareDataKeyWrapper } from '../helpers/software-data-key-wrapper.js';
import { faceJpeg } from '../helpers/face-photos.js';

const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };

t.test('capture attempts survive a new service over the same database file', async (t) => {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const dataKeyWrapper = new SoftwareDataKeyWrapper();
  const app = await startVerificationTestApp(t, { faceEngine: engine, dataKeyWrapper, config: ACCEPT_RISK });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: null, photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const opened = await app.openSession();
  engine.willAnswer(noFace(0));
  const post = async () => {
    const res = await fetch(`${app.baseUrl}${opened.captureUrl}`, {
      method: 'POST', body: new Uint8Array(selfie), headers: { accept: 'application/json', 'content-type': 'image/jpeg', 'x-csrf-token': opened.session.csrfToken },
    });
    return (await res.json()) as Record<string, any>;
  };
  t.match(await post(), { outcome: 'retry', attemptsLeft: 2 });
  t.match(await post(), { outcome: 'retry', attemptsLeft: 1 });

  // "Restart": everything built anew over a second connection to the file; only the store carries over.
  const repo = openSqliteRepository(app.databaseFile);
  t.teardown(() => repo.close());
  const audit = new AuditTrail(repo, app.keyRing, app.config.audit, { onCheckpointError: () => undefined, macKeys: app.auditMacKeys });
  await audit.prepare();
  t.teardown(() => audit.flush());
  const evidence = new EvidenceCipher(repo, dataKeyWrapper);
  await evidence.ready();
  const restarted = createVerification({
    config: app.config, repository: repo, audit, faceEngine: engine, evidence,
    completeVerification: createVerificationCompleter({ config: app.config, repository: repo, keyRing: app.keyRing }),
  });
  const reply = await restarted.service.receiveCapture(opened.session.sessionId, opened.session.csrfToken, [
    { kind: 'selfie', mediaType: 'image/jpeg', bytes: selfie, meta: null },
  ]);
  t.match(reply, { outcome: 'decided', decision: 'denied', postBack: { fields: { error: 'access_denied' } } }, 'the third unusable capture after the restart denies');
  const record = repo.lastAuditRecord()!;
  t.match(record, { sessionId: opened.session.sessionId, decision: 'denied' });
  t.match(record.checks.at(-1), { name: 'capture-attempts', score: 3, threshold: 3, outcome: 'fail', reason: 'no usable selfie in 3 attempt(s)' });
  t.equal(record.evidenceSha256.length, 3, 'all three captures are hashed into the record');
});

t.test('the store counts attempts only for an open session', async (t) => {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: ACCEPT_RISK });
  const opened = await app.openSession();
  const id = opened.session.sessionId;
  t.equal(app.repository.countCaptureAttempt(id), 1);
  t.equal(app.repository.countCaptureAttempt(id), 2);
  const again = openSqliteRepository(app.databaseFile);
  t.teardown(() => again.close());
  t.equal(again.countCaptureAttempt(id), 3, 'another connection sees the same count');
  t.ok(app.repository.closeSession(id, 'decided'));
  t.equal(app.repository.countCaptureAttempt(id), null, 'a finished session counts nothing');
  t.equal(app.repository.countCaptureAttempt('no-such-session-0000'), null);
});
