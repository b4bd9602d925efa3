// Proof that the operator's log carries no secret and no biometric or personal data beyond what
// docs/observability.md lists: real flows through the app (an authorize with a real signed hint, a
// capture as a raw JPEG and as a base64 envelope, a verified decision with its signed id_token, a
// cancel, refusals of every kind) with the product logger, then every line is searched for the
// id_token_hint, the id_token, anything JWT-shaped, the CSRF token, the cookie sent, the nonce, image
// bytes in base64 and hex, the embedding's values and the account's UPN and name. A last case shows the
// search fails when a token is logged under a field name the redact paths do not know.
import t from 'tap';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { REDACTED } from '../../src/observability/pino-logger.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { recordLog } from '../helpers/log-recorder.js';

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/;

/** Every place in `raw` where one of `secrets` (or something JWT-shaped) appears: [what, line]. */
export function findLeaks(raw: readonly string[], secrets: Record<string, readonly string[]>): Array<[string, string]> {
  const leaks: Array<[string, string]> = [];
  for (const line of raw) {
    if (JWT_SHAPE.test(line)) leaks.push(['something JWT-shaped', line]);
    for (const [what, needles] of Object.entries(secrets)) {
      if (needles.some((n) => n.length > 0 && line.includes(n))) leaks.push([what, line]);
    }
  }
  return leaks;
}

/** Fragments of a value long enough to be unmistakable: its start, middle and end. */
const fragments = (s: string, n = 24) => [s.slice(0, n), s.slice(Math.floor(s.length / 2), Math.floor(s.length / 2) + n), s.slice(-n)];

t.test('real flows: no token, CSRF token, cookie, nonce, image, embedding or UPN in any log line', async (t) => {
  const recorder = recordLog();
  const template = embedding(1);
  const engine = new RecordedFaceAnalyzer([oneFace(template)]);
  const app = await startVerificationTestApp(t, { faceEngine: engine, config: { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } }, log: recorder.log });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  const selfie = faceJpeg('personA', { width: 320, height: 240, zoom: 1.4 });
  const cookie = `pg_session=${'c00k1e'.repeat(8)}`;
  const seen = { hints: [] as string[], nonces: [] as string[], csrf: [] as string[], idTokens: [] as string[] };
  const post = (url: string, body: BodyInit, headers: Record<string, string>) =>
    fetch(`${app.baseUrl}${url}`, { method: 'POST', body, headers: { accept: 'application/json', cookie, ...headers } });

  // 1. Accepted, then a raw JPEG capture decided 'verified' (a signed id_token goes back).
  const first = await app.openSession();
  seen.hints.push(first.request.id_token_hint); seen.nonces.push(first.request.nonce); seen.csrf.push(first.session.csrfToken);
  const verified = await (await post(first.captureUrl, new Uint8Array(selfie), { 'content-type': 'image/jpeg', 'x-csrf-token': first.session.csrfToken })).json() as Record<string, any>;
  t.equal(verified.decision, 'verified');
  seen.idTokens.push(verified.postBack.fields.id_token);

  // 2. A capture envelope (the image in base64) refused for a malformed item, then a wrong CSRF token that looks like a JWT.
  const second = await app.openSession();
  seen.hints.push(second.request.id_token_hint); seen.nonces.push(second.request.nonce); seen.csrf.push(second.session.csrfToken);
  const envelope = JSON.stringify({ captures: [{ kind: 'selfie', mediaType: 'image/jpeg', data: selfie.toString('base64'), meta: { nonce: second.request.nonce } }, { kind: 'bogus' }] });
  t.equal((await post(second.captureUrl, envelope, { 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'x-csrf-token': second.session.csrfToken })).status, 400);
  t.equal((await post(second.captureUrl, new Uint8Array(selfie), { 'content-type': 'image/jpeg', 'x-csrf-token': verified.postBack.fields.id_token })).status, 403);
  // 3. The person cancels: a decision.
  t.equal((await fetch(`${app.baseUrl}${second.cancelUrl}`, {
    method: 'POST', body: new URLSearchParams({ csrf: second.session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  })).status, 200);

  // 4. Authorize refusals: a replayed hint, a tampered hint, a hint from an unknown key, a nonce reused.
  const replayed = await fetch(`${app.issuer}/oidc/authorize`, { method: 'POST', body: new URLSearchParams(first.request), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
  t.equal(replayed.status, 200, 'refused by a form_post back to Entra');
  for (const hint of [await app.entra.mintHint({ tamperPayload: true }), await app.entra.mintHint({ kid: 'unknown-kid' })]) {
    const fields = await app.entra.request({ hint });
    seen.hints.push(hint); seen.nonces.push(fields.nonce);
    await fetch(`${app.issuer}/oidc/authorize`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
  }

  const events = new Set(recorder.lines().map((l) => l.event));
  for (const e of ['oidc.authorize_accepted', 'oidc.authorize_refused', 'verification.capture_refused', 'verification.decision']) t.ok(events.has(e), `${e} was logged`);
  t.ok(recorder.lines().length >= 8, `${recorder.lines().length} lines searched`);

  const base64 = selfie.toString('base64');
  const leaks = findLeaks(recorder.raw, {
    'id_token_hint': seen.hints.flatMap((h) => fragments(h)),
    'id_token': seen.idTokens.flatMap((h) => fragments(h)),
    'CSRF token': seen.csrf,
    'cookie': [cookie, 'c00k1e'],
    'nonce': seen.nonces,
    'image bytes (base64)': fragments(base64),
    'image bytes (base64url)': fragments(selfie.toString('base64url')),
    'image bytes (hex)': fragments(selfie.toString('hex'), 32),
    'embedding': Array.from(template.slice(0, 4), (v) => String(v)).concat(Buffer.from(template.buffer).toString('base64').slice(0, 24)),
    'UPN or name': ['ada@contoso.example', 'Lovelace'],
  });
  t.same(leaks, [], 'nothing secret, biometric or personal beyond the documented fields');
});

t.test('the search fails when a token is logged; the redact paths catch the telling field names', async (t) => {
  const recorder = recordLog();
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
  recorder.log('oidc.authorize_refused', { code: 'ERR_INVALID_HINT', detail: token });
  const leaks = findLeaks(recorder.raw, { 'id_token_hint': [token] });
  t.same(leaks.map(([what]) => what), ['something JWT-shaped', 'id_token_hint'], 'a token under an unknown field name is found');

  const guarded = recordLog();
  guarded.log('oidc.authorize_refused', {
    id_token_hint: token, nonce: 'n-0S6_WzA2Mj', csrfToken: 'csrf-secret', upn: 'ada@contoso.example', pin: '123456', embedding: [0.1, 0.2],
    params: { id_token: token, 'x-csrf-token': 'csrf-secret' },
  });
  t.same(findLeaks(guarded.raw, { secrets: [token, 'n-0S6_WzA2Mj', 'csrf-secret', 'ada@contoso.example', '123456', '0.1,0.2'] }), [], 'redacted by name');
  t.match(guarded.lines()[0], { id_token_hint: REDACTED, nonce: REDACTED, upn: REDACTED, pin: REDACTED, embedding: REDACTED, params: { id_token: REDACTED, 'x-csrf-token': REDACTED } });
});
