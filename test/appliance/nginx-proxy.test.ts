// Real nginx (the shipped site files, rendered only with test ports, a certificate made here and the
// app's loopback port) in front of the real app: discovery, JWKS, Entra's GET probe and one complete
// verification over HTTPS, as Entra and the browser reach them; then the attacks on the proxy layer:
// forged X-Forwarded-* headers, /health and /metrics from the public side, plain HTTP, oversized bodies.
// Real parts: nginx, TLS, SQLite on disk, the face engine with the built models, the token completer.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { CAPTURE_ENVELOPE_MEDIA_TYPE } from '../../src/verification/capture/capture.js';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { faceJpeg } from '../helpers/face-photos.js';
import type { EntraRequestOptions } from '../helpers/simulated-entra.js';
import { startVerificationTestApp, type VerificationTestApp } from '../helpers/verification-test-app.js';
import {
  NGINX_DIR, freePort, hasIpv6Loopback, makeTestCertificate, nginxBinary, renderSite, startNginx, writeNginxPrefix, type SitePorts,
} from '../helpers/nginx.js';
import { httpRequest, httpsHeadOnly, httpsRequest, negotiatedProtocol, type PublicEndpoint, type PublicReply } from '../helpers/nginx-https-client.js';

const binary = nginxBinary();
const SKIP = binary ? false : 'nginx is not installed (appliance/setup.sh installs it)';
const HSTS = 'max-age=31536000';

// What an attacker adds to every request: none of it may reach the app or change what it emits.
const FORGED_HEADERS = {
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-proto': 'http',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-prefix': '/evil',
  'x-forwarded-port': '8081',
  'x-forwarded-server': 'evil.example',
  'x-forwarded-ssl': 'off',
  'x-forwarded-scheme': 'http',
  'x-forwarded-uri': '/evil',
  forwarded: 'for=203.0.113.9;host=evil.example;proto=http',
  'x-real-ip': '203.0.113.9',
  'x-original-url': '/evil/health',
  'x-rewrite-url': '/evil/health',
  'x-host': 'evil.example',
  'x_forwarded_host': 'evil.example',
};
const FORGED = /evil|203\.0\.113/;

interface Variant {
  file: string;
  hostName: string;
  prefix: string;
}
const VARIANTS: Variant[] = [
  { file: 'proofgate.conf', hostName: 'verify.example.org', prefix: '' },
  { file: 'proofgate-prefix.conf', hostName: 'idp.example.org', prefix: '/proofgate' },
];

// The supervised-pilot liveness policy lets the face match decide (no depth camera over this API);
// the flow's liveness is tested in test/verification, the proxy here.
const ACCEPT_RISK = { verification: { assurance: { returningUser: 'none', firstTime: 'none' } } };

interface Proxied {
  endpoint: PublicEndpoint;
  ports: SitePorts;
  publicBaseUrl: string;
}

/** nginx on fresh ports with `variant`'s shipped file in front of `upstream` (host:port). */
async function startProxy(t: Test, variant: Variant, ports: SitePorts, upstream: string): Promise<Proxied> {
  const certificate = makeTestCertificate(t, variant.hostName);
  const site = renderSite(readFileSync(path.join(NGINX_DIR, variant.file), 'utf8'), { ports, upstream, certificate, ipv6: await hasIpv6Loopback() });
  await startNginx(t, binary!, writeNginxPrefix(t, site), ports.https);
  return { endpoint: { hostName: variant.hostName, httpsPort: ports.https, ca: certificate.certPem }, ports, publicBaseUrl: `https://${variant.hostName}:${ports.https}${variant.prefix}` };
}

async function freePorts(): Promise<SitePorts> {
  return { https: await freePort(), http: await freePort(), monitor: await freePort() };
}

/** The app (public URL = nginx's), Ada enrolled from a reference photo, and nginx in front of it. */
async function proxiedApp(t: Test, variant: Variant): Promise<Proxied & { app: VerificationTestApp }> {
  const ports = await freePorts();
  const publicBaseUrl = `https://${variant.hostName}:${ports.https}${variant.prefix}`;
  const faceEngine = await e2eFaceEngine();
  const app = await startVerificationTestApp(t, { faceEngine, config: { ...ACCEPT_RISK, server: { publicBaseUrl, trustedProxies: ['127.0.0.1'] } } });
  await enrolFromReferencePhoto(
    { repo: app.repository, audit: app.auditTrail, faceEngine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
    { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
  );
  return { app, ...(await startProxy(t, variant, ports, new URL(app.baseUrl).host)) };
}

function json(reply: PublicReply): Record<string, any> {
  return JSON.parse(reply.text) as Record<string, any>;
}

/** Entra's form POST through nginx; the capture URL and CSRF token the page hands the browser. */
async function openSession(p: Proxied & { app: VerificationTestApp }, variant: Variant, entraRequest: EntraRequestOptions = {}) {
  const request = await p.app.entra.request(entraRequest);
  const page = await httpsRequest(p.endpoint, 'POST', `${variant.prefix}/oidc/authorize`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...FORGED_HEADERS }, body: new URLSearchParams(request).toString(),
  });
  const cancel = /action="([^"]*\/verify\/([^/"]+)\/cancel)"/.exec(page.text);
  if (!cancel) throw new Error(`no verification page (HTTP ${page.status}): ${page.text.slice(0, 300)}`);
  const session = p.app.repository.getSession(cancel[2])!;
  return { page, request, session, captureUrl: cancel[1].replace(/\/cancel$/, '/capture') };
}

for (const variant of VARIANTS) {
  const where = `${variant.file} (${variant.hostName}${variant.prefix})`;

  t.test(`${where}: discovery, JWKS, the GET probe and a complete verification over HTTPS`, { skip: SKIP }, async (t) => {
    const p = await proxiedApp(t, variant);
    t.equal(await negotiatedProtocol(p.endpoint), 'h2', 'HTTP/2 offered');

    const discovery = await httpsRequest(p.endpoint, 'GET', `${variant.prefix}/.well-known/openid-configuration`);
    t.equal(discovery.status, 200);
    t.equal(discovery.headers['strict-transport-security'], HSTS, 'exactly one HSTS header');
    const metadata = json(discovery);
    t.equal(metadata.issuer, p.publicBaseUrl, 'issuer = the public URL');
    t.equal(metadata.authorization_endpoint, `${p.publicBaseUrl}/oidc/authorize`);
    t.equal(metadata.jwks_uri, `${p.publicBaseUrl}/oidc/jwks`);
    const forged = await httpsRequest(p.endpoint, 'GET', `${variant.prefix}/.well-known/openid-configuration`, { headers: FORGED_HEADERS });
    t.same(json(forged), metadata, 'forged X-Forwarded-* headers change nothing in discovery');

    const jwksReply = await httpsRequest(p.endpoint, 'GET', new URL(metadata.jwks_uri).pathname);
    t.equal(jwksReply.status, 200);
    const jwks = json(jwksReply) as JSONWebKeySet;
    t.ok(jwks.keys.length >= 1, 'JWKS through the proxy');

    const probe = await httpsRequest(p.endpoint, 'GET', new URL(metadata.authorization_endpoint).pathname);
    t.equal(probe.status, 200, "Entra's GET probe on the authorization endpoint");
    t.match(probe.headers['content-type'], /^text\/html/);

    const opened = await openSession(p, variant);
    t.equal(opened.page.status, 200);
    t.ok(opened.captureUrl.startsWith(`${variant.prefix}/verify/`), `capture URL under the real prefix: ${opened.captureUrl}`);
    t.notMatch(opened.page.text, FORGED, 'nothing forged in the page');

    const selfie = faceJpeg('personA', { width: 640, height: 480, zoom: 1.5, dx: 12, dy: 8, quality: 85 });
    const captured = await httpsRequest(p.endpoint, 'POST', opened.captureUrl, {
      headers: { 'content-type': 'image/jpeg', accept: 'application/json', 'x-csrf-token': opened.session.csrfToken, ...FORGED_HEADERS }, body: selfie,
    });
    t.equal(captured.status, 200, captured.text.slice(0, 300));
    const reply = json(captured);
    t.match(reply, { outcome: 'decided', decision: 'verified' });
    t.equal(reply.postBack.redirectUri, 'https://login.microsoftonline.com/common/federation/externalauthprovider');
    t.equal(reply.postBack.fields.state, opened.request.state);
    // Entra's side: the id_token checked against the JWKS fetched through the proxy, issuer = discovery's.
    const { payload } = await jwtVerify(reply.postBack.fields.id_token, createLocalJWKSet(jwks), {
      issuer: metadata.issuer, audience: p.app.entra.clientId, algorithms: ['RS256'],
    });
    t.equal(payload.sub, p.app.entra.sub);
    t.equal(payload.nonce, opened.request.nonce);
    t.match(p.app.repository.lastAuditRecord(), { sessionId: opened.session.sessionId, decision: 'verified' });
  });

  t.test(`${where}: the proxy's own refusals`, { skip: SKIP }, async (t) => {
    const p = await proxiedApp(t, variant);

    for (const probe of ['/health', '/HEALTH', '/health/', '/%68ealth', '/health?full=1', '/metrics', '/Metrics/', '/oidc/../health']) {
      const reply = await httpsRequest(p.endpoint, 'GET', `${variant.prefix}${probe}`);
      t.equal(reply.status, 403, `public ${variant.prefix}${probe} refused`);
      t.equal(reply.headers['strict-transport-security'], HSTS, 'HSTS on the refusal too');
    }
    const monitored = await httpRequest(p.ports.monitor, 'localhost', 'GET', '/health');
    t.equal(monitored.status, 200, 'the monitoring listener answers /health from loopback');
    t.match(json(monitored), { status: 'ok' });
    // /metrics passes two allow-lists: nginx's on the listener, then the app's server.metricsAllowFrom,
    // checked against the monitor's own address that the listener forwards (loopback here, in the default).
    const scraped = await httpRequest(p.ports.monitor, 'localhost', 'GET', '/metrics');
    t.equal(scraped.status, 200, 'the monitoring listener answers /metrics from loopback');
    t.match(scraped.headers['content-type'], /^text\/plain/);
    t.match(scraped.text, /^# HELP /m, 'in Prometheus text format');
    t.equal((await httpRequest(p.ports.monitor, 'localhost', 'GET', '/oidc/authorize')).status, 404, 'and serves nothing else');

    const redirect = await httpRequest(p.ports.http, 'evil.example', 'GET', `${variant.prefix}/oidc/authorize?probe=1`);
    t.equal(redirect.status, 301, 'plain HTTP redirects');
    t.equal(redirect.headers.location, `https://${variant.hostName}${variant.prefix}/oidc/authorize?probe=1`, 'to the public name, not the Host sent');

    const opened = await openSession(p, variant);
    const overLimit = await httpsHeadOnly(p.endpoint, 'POST', opened.captureUrl, {
      'Content-Type': CAPTURE_ENVELOPE_MEDIA_TYPE, 'X-CSRF-Token': opened.session.csrfToken, 'Content-Length': String(p.app.config.verification.maxEnvelopeBytes + 1),
    });
    t.equal(overLimit.status, 413, 'a capture over verification.maxEnvelopeBytes is refused by nginx');
    t.match(overLimit.head, /strict-transport-security: max-age=31536000/i);
    const bigForm = await httpsHeadOnly(p.endpoint, 'POST', `${variant.prefix}/oidc/authorize`, {
      'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(p.app.config.server.maxBodyBytes + 1),
    });
    t.equal(bigForm.status, 413, 'a form over server.maxBodyBytes is refused by nginx');

    // A body of exactly verification.maxEnvelopeBytes is one the appliance accepts: nginx must pass it
    // on. A first-time session (no profile) is admitted up to that limit, so the app reads it all and
    // answers itself (the envelope is not JSON), changing nothing.
    const firstTime = await openSession(p, variant, { hint: await p.app.entra.mintHint({ claims: { oid: randomUUID() } }) });
    const envelope = Buffer.alloc(p.app.config.verification.maxEnvelopeBytes, 0x20);
    envelope.write('{"captures":[');
    const atLimit = await httpsRequest(p.endpoint, 'POST', firstTime.captureUrl, {
      headers: { 'content-type': CAPTURE_ENVELOPE_MEDIA_TYPE, accept: 'application/json', 'x-csrf-token': firstTime.session.csrfToken }, body: envelope,
    });
    t.equal(atLimit.status, 400, atLimit.text.slice(0, 300));
    t.match(json(atLimit), { error: 'ERR_BAD_REQUEST' }, 'the app, not nginx, answered');
    t.equal(p.app.repository.getSession(firstTime.session.sessionId)?.status, 'open', 'the session is untouched');
    t.equal(p.app.repository.listEvidence(firstTime.session.sessionId).length, 0, 'nothing stored');
  });

  t.test(`${where}: what reaches the upstream is nginx's, never the client's`, { skip: SKIP }, async (t) => {
    const received: IncomingHttpHeaders[] = [];
    const echo = createServer((req, res) => {
      received.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => echo.close(() => resolve())));
    const p = await startProxy(t, variant, await freePorts(), `127.0.0.1:${(echo.address() as { port: number }).port}`);

    const reply = await httpsRequest(p.endpoint, 'GET', `${variant.prefix}/oidc/authorize`, { headers: FORGED_HEADERS });
    t.equal(reply.status, 200);
    const [headers] = received;
    const forwarded = Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith('x-forwarded-') || k === 'forwarded' || k.startsWith('x-real') || k.startsWith('x-orig') || k.startsWith('x-rewrite') || k === 'x-host' || k.includes('_')));
    t.same(forwarded, {
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': variant.hostName,
      'x-forwarded-port': String(p.ports.https),
      ...(variant.prefix ? { 'x-forwarded-prefix': variant.prefix } : {}),
    }, 'exactly the forwarded headers nginx sets');
    t.equal(headers.host, variant.hostName);
    for (const [name, value] of Object.entries(headers)) t.notMatch(String(value), FORGED, `${name} carries nothing the client forged`);
  });
}
