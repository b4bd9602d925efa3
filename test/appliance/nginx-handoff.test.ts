// The phone hand-off behind the real nginx (the shipped site files, as nginx-proxy.test.ts renders them):
// the QR link is built under the public URL and prefix, the phone's cookie is Secure and scoped under the
// prefix, and the laptop's progress stream passes nginx event by event (the app's X-Accel-Buffering: no),
// not held back until the stream ends.
import t, { type Test } from 'tap';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { enrolFromReferencePhoto } from '../../src/verification/flow/enrol-from-reference-photo.js';
import { RecordedFaceAnalyzer, embedding, oneFace } from '../helpers/recorded-face-analyzer.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { startVerificationTestApp } from '../helpers/verification-test-app.js';
import { NGINX_DIR, freePort, hasIpv6Loopback, makeTestCertificate, nginxBinary, renderSite, startNginx, writeNginxPrefix } from '../helpers/nginx.js';
import { httpsRequest, type PublicEndpoint } from '../helpers/nginx-https-client.js';

const binary = nginxBinary();
const SKIP = binary ? false : 'nginx is not installed (appliance/setup.sh installs it)';
const VARIANTS = [
  { file: 'proofgate.conf', hostName: 'verify.example.org', prefix: '' },
  { file: 'proofgate-prefix.conf', hostName: 'idp.example.org', prefix: '/proofgate' },
];

/** An open event stream through the public listener: what has arrived so far, and a wait for more. */
function openStream(t: Test, to: PublicEndpoint, pathname: string): Promise<{ status: number; headers: Record<string, unknown>; until: (re: RegExp, ms: number) => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: to.httpsPort, servername: to.hostName, ca: to.ca, agent: false, method: 'GET', path: pathname,
      headers: { host: `${to.hostName}:${to.httpsPort}`, accept: 'text/event-stream' },
    }, (res) => {
      let text = '';
      const waiters: Array<() => void> = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const w of waiters.splice(0)) w();
      });
      t.teardown(() => req.destroy());
      resolve({
        status: res.statusCode ?? 0, headers: res.headers,
        until: (re, ms) => new Promise((done, fail) => {
          const timer = setTimeout(() => fail(new Error(`${re} did not arrive within ${ms} ms; got: ${text}`)), ms);
          const check = () => {
            if (re.test(text)) {
              clearTimeout(timer);
              done(text);
            } else waiters.push(check);
          };
          check();
        }),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

for (const variant of VARIANTS) {
  t.test(`${variant.file}: the hand-off's link, cookie and progress stream through nginx`, { skip: SKIP }, async (t) => {
    const ports = { https: await freePort(), http: await freePort(), monitor: await freePort() };
    const publicBaseUrl = `https://${variant.hostName}:${ports.https}${variant.prefix}`;
    const engine = new RecordedFaceAnalyzer([oneFace(embedding(1))]);
    const app = await startVerificationTestApp(t, {
      faceEngine: engine, config: { verification: { assurance: { returningUser: 'none', firstTime: 'none' } }, server: { publicBaseUrl, trustedProxies: ['127.0.0.1'] } },
    });
    await enrolFromReferencePhoto(
      { repo: app.repository, audit: app.auditTrail, faceEngine: engine, quality: app.config.verification.quality, maxImageBytes: app.config.server.maxImageBytes },
      { tid: app.entra.tid, oid: app.entra.oid, upn: 'ada@contoso.example', photo: faceJpeg('personA'), attestedBy: 'desk-officer-7' },
    );
    const certificate = makeTestCertificate(t, variant.hostName);
    const site = renderSite(readFileSync(path.join(NGINX_DIR, variant.file), 'utf8'), { ports, upstream: new URL(app.baseUrl).host, certificate, ipv6: await hasIpv6Loopback() });
    await startNginx(t, binary!, writeNginxPrefix(t, site), ports.https);
    const endpoint: PublicEndpoint = { hostName: variant.hostName, httpsPort: ports.https, ca: certificate.certPem };

    const request = await app.entra.request();
    const page = await httpsRequest(endpoint, 'POST', `${variant.prefix}/oidc/authorize`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(request).toString(),
    });
    const start = /data-start-url="([^"]+)"/.exec(page.text)?.[1];
    const csrf = /data-csrf-token="([^"]+)"/.exec(page.text)?.[1];
    t.equal(start, `${variant.prefix}/verify/${/\/verify\/([^/]+)\/handoff/.exec(start ?? '')?.[1]}/handoff`, 'the start URL is under the prefix');
    const issued = JSON.parse((await httpsRequest(endpoint, 'POST', start!, { headers: { accept: 'application/json', 'x-csrf-token': csrf! } })).text) as Record<string, string>;
    t.match(issued.url, new RegExp(`^${publicBaseUrl.replace(/[.]/g, '\\.')}/handoff/[A-Za-z0-9_-]{43}$`), 'the QR link is the public URL');

    const stream = await openStream(t, endpoint, issued.eventsUrl);
    t.equal(stream.status, 200);
    await stream.until(/"waiting"/, 5000);
    t.pass('the first event passes nginx while the stream is open (not buffered)');

    const opened = await httpsRequest(endpoint, 'GET', new URL(issued.url).pathname);
    t.equal(opened.status, 303);
    t.equal(opened.headers.location, `${variant.prefix}/handoff/p/${issued.handoffId}`);
    t.match(String(opened.headers['set-cookie']), new RegExp(`^proofgate_handoff=[A-Za-z0-9_-]{43}; Max-Age=\\d+; Path=${variant.prefix}/handoff/p/${issued.handoffId}; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$`), 'Secure over https, scoped under the prefix');
    await stream.until(/"opened"/, 5000);
    t.pass('and so does the next one');
    const cookie = String(opened.headers['set-cookie']).split(';')[0];
    const confirmPage = await httpsRequest(endpoint, 'GET', opened.headers.location as string, { headers: { cookie } });
    t.match(confirmPage.text, new RegExp(`id="handoff-phone-code">${issued.code}<`), 'the phone page, through nginx, shows the code');
  });
}
