// An expired session returns the person to Entra, never a dead end, in headless Chromium: a capture
// sent after the session expired gets the error form back and the page posts it; a page left open past
// the expiry posts it by itself (its timer submits the cancel form, which the server answers with the
// expiry form_post). The appliance's clock is moved forward; the page's clock is Playwright's fake one.
import t, { type Test } from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg, mjpegOf } from '../helpers/face-photos.js';
import { launchWithCamera, startRound } from '../helpers/capture-browser.js';

const EXPIRED = 'the verification session expired';

async function appWithClock(t: Test): Promise<{ app: VerificationTestApp; engine: RecordedFaceAnalyzer; later: (ms: number) => void }> {
  let offset = 0;
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } }, now: () => Date.now() + offset });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { app, engine, later: (ms) => { offset += ms; } };
}

t.test('a photo taken after the session expired: the page posts the expiry back to Entra', async (t) => {
  const { app, engine, later } = await appWithClock(t);
  const browser = await launchWithCamera(t, mjpegOf(faceJpeg('personA', { width: 640, height: 480, zoom: 1.5 }), 10));
  const { page, request, postBack } = await startRound(browser, app);
  const calls = engine.calls;
  later(app.config.oidc.sessionLifetimeSeconds * 1000 + 1000);
  await page.locator('#start-camera').click();
  const fields = await postBack;
  t.same(fields, { error: 'access_denied', error_description: EXPIRED, state: request.state });
  t.equal(engine.calls, calls, 'nothing was judged');
  t.match(app.repository.lastAuditRecord(), { decision: 'denied', checks: [{ name: 'session-expiry', outcome: 'fail' }] });
});

t.test('a page left open past the expiry returns to Entra by itself', async (t) => {
  const { app, later } = await appWithClock(t);
  const browser = await launchWithCamera(t, null);
  const { page, request, postBack } = await startRound(browser, app, { fakeClock: true });
  const lifetimeMs = app.config.oidc.sessionLifetimeSeconds * 1000;
  later(lifetimeMs + 1000);
  await page.clock.fastForward(lifetimeMs + 1000);
  const fields = await postBack;
  t.same(fields, { error: 'access_denied', error_description: EXPIRED, state: request.state });
  const record = app.repository.lastAuditRecord()!;
  t.match(record, { decision: 'denied', checks: [{ name: 'session-expiry', outcome: 'fail' }] });
  t.notOk(record.checks.some((c) => c.name === 'user-cancel'), 'recorded as an expiry, not as a cancel');
});
