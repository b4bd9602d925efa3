// §7.9, 7.11, 7.12: narrowed claims requests, unknown parameters, foreign redirect_uri, malformed claims.
import t from 'tap';
import { startOidcTestApp } from '../helpers/oidc-test-app.js';

const claims = (acr: unknown, amr?: unknown) =>
  JSON.stringify({ id_token: { ...(acr === undefined ? {} : { acr }), ...(amr === undefined ? {} : { amr }) } });

t.test('checklist 9: narrowed claims requests are honoured or refused', async (t) => {
  const app = await startOidcTestApp(t);
  const honoured: Array<[string, string, string]> = [
    ['acr inherence only', claims({ essential: true, values: ['inherence'] }, { essential: true, values: ['face'] }), 'inherence'],
    ['acr via "value"', claims({ essential: true, value: 'knowledgeorinherence' }), 'knowledgeorinherence'],
    ['first meetable acr in Entra\'s order', claims({ values: ['possession', 'knowledgeorpossessionorinherence', 'inherence'] }), 'knowledgeorpossessionorinherence'],
    ['amr list with bio and face', claims({ values: ['possessionorinherence'] }, { values: ['bio', 'face'] }), 'possessionorinherence'],
    ['acr null (default)', claims(null), 'possessionorinherence'],
    ['no claims parameter', '', 'possessionorinherence'],
  ];
  for (const [name, claimsParam, acr] of honoured) {
    const fields = await app.entra.request({ fields: { claims: claimsParam || null } });
    const res = await app.authorize(fields);
    t.ok(res.session, `${name}: accepted`);
    const done = await app.completeVerification(res.session!.sessionId, 'verified');
    const { payload } = await app.verifyIdToken(done.fields.id_token);
    t.equal(payload.acr, acr, `${name}: acr ${acr}`);
    t.same(payload.amr, ['face'], `${name}: amr face`);
  }
  const refused: Array<[string, string, RegExp]> = [
    ['acr possession only', claims({ essential: true, values: ['possession'] }), /acr values \(possession\) can be met/],
    ['acr knowledgeorpossession', claims({ values: ['knowledgeorpossession'] }), /can be met/],
    ['amr without any inherence we do', claims({ values: ['possessionorinherence'] }, { values: ['fido', 'otp'] }), /amr values \(fido, otp\)/],
    ['amr fpt only (an inherence factor we do not check)', claims(undefined, { values: ['fpt'] }), /proofgate verifies "face"/],
  ];
  for (const [name, claimsParam, description] of refused) {
    const before = app.rowCounts();
    const fields = await app.entra.request({ fields: { claims: claimsParam } });
    const res = await app.authorize(fields);
    t.equal(res.session, null, `${name}: refused`);
    t.equal(res.formPost?.fields.error, 'access_denied', `${name}: access_denied posted back`);
    t.match(res.formPost?.fields.error_description, description);
    t.same(app.rowCounts(), before, `${name}: nothing written`);
  }
});

t.test('checklist 9: unknown parameters such as login_hint are ignored', async (t) => {
  const app = await startOidcTestApp(t);
  const fields = await app.entra.request({ fields: { login_hint: 'ada@contoso.example', prompt: 'login', foo: '<script>', 'x[y]': '1' } });
  const res = await app.authorize(fields);
  t.ok(res.session, 'accepted');
  const done = await app.completeVerification(res.session!.sessionId, 'verified');
  t.ok(done.fields.id_token);
  const { payload } = await app.verifyIdToken(done.fields.id_token);
  t.match(payload, { nonce: fields.nonce, sub: app.entra.sub }, 'a valid id_token for this request');
});

t.test('checklist 11: an unlisted redirect_uri gets HTTP 400 and no redirect', async (t) => {
  const app = await startOidcTestApp(t);
  const bad = [
    'https://evil.example/common/federation/externalauthprovider',
    'https://login.microsoftonline.com/common/federation/externalauthprovider/',
    'https://login.microsoftonline.com/common/federation/externalauthprovider?x=1',
    'https://LOGIN.microsoftonline.com/common/federation/externalauthprovider',
    'http://login.microsoftonline.com/common/federation/externalauthprovider',
    'https://login.microsoftonline.com.evil.example/common/federation/externalauthprovider',
    'https://login.microsoftonline.com/<script>alert(1)</script>',
    '',
  ];
  for (const redirect of bad) {
    const before = app.rowCounts();
    const res = await app.authorize(await app.entra.request({ fields: { redirect_uri: redirect } }));
    t.equal(res.status, 400, `${JSON.stringify(redirect)}: 400`);
    t.equal(res.formPost, null, 'no form posting anywhere');
    t.equal(res.headers.get('location'), null, 'no Location header');
    t.match(res.text, /redirect_uri is missing or is not an Entra external authentication endpoint/);
    t.notMatch(res.text, /<script>alert/, 'nothing reflected unescaped');
    t.same(app.rowCounts(), before, 'nothing written');
  }
  const missing = await app.authorize(await app.entra.request({ fields: { redirect_uri: null } }));
  t.equal(missing.status, 400, 'missing redirect_uri: 400');
  const fields = new URLSearchParams(await app.entra.request());
  fields.append('redirect_uri', 'https://evil.example/');
  const twice = await app.post('/oidc/authorize', fields);
  t.equal(twice.status, 400, 'redirect_uri given twice: 400');
  t.match(twice.text, /redirect_uri given more than once/);
});

t.test('checklist 12: malformed claims produce an error posted back', async (t) => {
  const app = await startOidcTestApp(t);
  const malformed: Array<[string, RegExp]> = [
    ['{not json', /claims: not valid JSON/],
    ['[]', /claims: must be a JSON object/],
    ['"id_token"', /claims: must be a JSON object/],
    ['{"id_token": []}', /claims: id_token must be an object/],
    ['{"id_token": {"acr": "possessionorinherence"}}', /id_token.acr must be an object or null/],
    ['{"id_token": {"acr": {"values": "inherence"}}}', /id_token.acr.values must be a non-empty array of strings/],
    ['{"id_token": {"acr": {"values": []}}}', /non-empty array/],
    ['{"id_token": {"amr": {"values": [1, 2]}}}', /id_token.amr.values must be a non-empty array of strings/],
    ['{"id_token": {"acr": {"essential": "yes"}}}', /essential must be a boolean/],
    ['{"id_token": {"acr": {"value": "inherence", "values": ["inherence"]}}}', /both value and values/],
    [`{"id_token": {"acr": {"values": ["${'x'.repeat(5000)}"]}}}`, /longer than 4096 bytes/],
  ];
  for (const [claimsParam, description] of malformed) {
    const before = app.rowCounts();
    const fields = await app.entra.request({ fields: { claims: claimsParam } });
    const res = await app.authorize(fields);
    t.equal(res.session, null);
    t.equal(res.formPost?.action, fields.redirect_uri);
    t.equal(res.formPost?.fields.error, 'access_denied');
    t.match(res.formPost?.fields.error_description, description);
    t.equal(res.formPost?.fields.state, fields.state);
    t.same(app.rowCounts(), before, 'nothing written');
  }
});
