// The verification pages speak the language Accept-Language asks for (English by default), both the
// capture page and the first-time page, from the same catalogue; <html lang> says which.
import t from 'tap';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { faceJpeg } from '../helpers/face-photos.js';

async function pageFor(app: VerificationTestApp, acceptLanguage: string | null): Promise<string> {
  const request = await app.entra.request();
  const res = await fetch(`${app.issuer}/oidc/authorize`, {
    method: 'POST', body: new URLSearchParams(request), redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) },
  });
  t.equal(res.status, 200);
  return res.text();
}

t.test('first-time page: German for de, English otherwise', async (t) => {
  const app = await startVerificationTestApp(t, { faceEngine: new RecordedFaceAnalyzer([]) });
  const de = await pageFor(app, 'de-AT,de;q=0.9,en;q=0.5');
  t.match(de, /<html lang="de">/);
  t.match(de, /<h1>Die Identitätsprüfung ist für dieses Konto nicht eingerichtet<\/h1>/);
  t.match(de, /<title>Prüfung nicht verfügbar<\/title>/);
  t.match(de, />Abbrechen und zur Anmeldung zurückkehren</);
  for (const header of [null, 'fr', 'en-US']) {
    const en = await pageFor(app, header);
    t.match(en, /<html lang="en">/, `${header}: English`);
    t.match(en, /<h1>Identity verification is not set up for this account<\/h1>/);
  }
});

t.test('capture page: German texts, and the account label still escaped inside a translated sentence', async (t) => {
  const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: {} });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const de = await pageFor(app, 'de');
  t.match(de, /<html lang="de">/);
  t.match(de, /<h1>Bestätigen Sie, dass Sie es sind<\/h1>/);
  t.match(de, /Bevor Sicherheitsinformationen für <strong>[^<]+<\/strong> registriert werden/);
  t.match(de, /data-messages="\{&quot;capture\.title&quot;:&quot;Bestätigen Sie, dass Sie es sind&quot;/, 'the script gets the German catalogue');
  t.match(de, /<li class="step" data-kind="[a-z-]+"><svg[^>]*data-direction="(left|right|up|blink)"[^>]*>.*?<\/svg><span>(Drehen Sie den Kopf nach (links|rechts)|Schauen Sie nach oben|Blinzeln Sie langsam)<\/span><\/li>/);
});
