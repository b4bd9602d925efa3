// `nginx -t` on every site file shipped in appliance/nginx, with the installed nginx (Debian 12: 1.22),
// rendered only by moving its ports, certificate and upstream into a temp prefix; and the body limits in
// those files checked against the appliance's own defaults, so the two cannot drift apart silently.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serverDefaults } from '../../src/config/sections/server.js';
import { verificationDefaults } from '../../src/config/sections/verification.js';
import {
  NGINX_DIR, hasIpv6Loopback, makeTestCertificate, nginxBinary, nginxConfigTest, renderSite, writeNginxPrefix,
} from '../helpers/nginx.js';

const SITE_FILES = readdirSync(NGINX_DIR).filter((f) => f.endsWith('.conf')).sort();
const binary = nginxBinary();
const ports = { https: 18443, http: 18080, monitor: 19180 };

t.same(SITE_FILES, ['proofgate-prefix.conf', 'proofgate.conf'], 'the two shipped variants: own host name and path prefix');

/** "64k", "32m" as nginx reads a size, in bytes. */
function nginxSize(value: string): number {
  const m = /^(\d+)([km]?)$/i.exec(value);
  if (!m) throw new Error(`not an nginx size: ${value}`);
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1024 * 1024 }[m[2].toLowerCase() as '' | 'k' | 'm']);
}

for (const file of SITE_FILES) {
  const text = readFileSync(path.join(NGINX_DIR, file), 'utf8');

  t.test(`${file}: nginx -t accepts it`, { skip: binary ? false : 'nginx is not installed (appliance/setup.sh installs it)' }, async (t) => {
    const certificate = makeTestCertificate(t, 'verify.example.org');
    const prefix = writeNginxPrefix(t, renderSite(text, { ports, upstream: '127.0.0.1:8443', certificate, ipv6: await hasIpv6Loopback() }));
    const check = nginxConfigTest(binary!, prefix);
    t.equal(check.status, 0, check.output);
    t.match(check.output, /test is successful/);
    t.notMatch(check.output, /\[(warn|emerg|alert|crit)\]/, 'no warnings either (a deprecated directive warns before it breaks)');
  });

  t.test(`${file}: body limits follow the appliance's keys`, async (t) => {
    const sizes = [...text.matchAll(/client_max_body_size\s+(\w+);/g)].map((m) => nginxSize(m[1]));
    // Public listener: forms and JSON (server.maxBodyBytes), then the capture route (verification.maxEnvelopeBytes);
    // the monitoring listener takes no bodies.
    t.same(sizes.slice(0, 2), [serverDefaults.maxBodyBytes, verificationDefaults.maxEnvelopeBytes]);
    t.ok(verificationDefaults.maxEnvelopeBytes >= serverDefaults.maxImageBytes && verificationDefaults.maxEnvelopeBytes >= verificationDefaults.maxReturningEnvelopeBytes,
      'the capture route limit is the largest body the appliance accepts');
    t.match(text, /listen 443 ssl http2;/, 'HTTP/2 the nginx 1.22 way');
    t.notMatch(text, /^\s*http2\s+on;/m, '`http2 on;` needs nginx 1.25+');
    t.notMatch(text, /\$proxy_add_x_forwarded_for|\$http_x_forwarded/, 'no forwarded header is built from what the client sent');
  });
}

t.test('nginx -t fails on a broken file (the check above can fail)', { skip: binary ? false : 'nginx is not installed' }, async (t) => {
  const certificate = makeTestCertificate(t, 'verify.example.org');
  const text = readFileSync(path.join(NGINX_DIR, 'proofgate.conf'), 'utf8').replace('ssl_session_tickets off;', 'ssl_session_tickets off;\n    proofgate_no_such_directive on;');
  const check = nginxConfigTest(binary!, writeNginxPrefix(t, renderSite(text, { ports, upstream: '127.0.0.1:8443', certificate, ipv6: false })));
  t.not(check.status, 0);
  t.match(check.output, /unknown directive "proofgate_no_such_directive"/);
  const missingCert = renderSite(readFileSync(path.join(NGINX_DIR, 'proofgate.conf'), 'utf8'), {
    ports, upstream: '127.0.0.1:8443', certificate: { certFile: path.join(certificate.dir, 'absent.pem'), keyFile: certificate.keyFile }, ipv6: false,
  });
  const noCert = nginxConfigTest(binary!, writeNginxPrefix(t, missingCert));
  t.not(noCert.status, 0, 'a missing certificate fails the test as well');
});

t.test('the renderer refuses a site file it cannot fully render', async (t) => {
  const certificate = { certFile: '/x/cert.pem', keyFile: '/x/key.pem' };
  t.throws(() => renderSite('server { listen 8080; }', { ports, upstream: '127.0.0.1:1', certificate, ipv6: false }), /no longer contains "listen 80;"/);
});
