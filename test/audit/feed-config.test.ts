// audit.feed configuration: off by default; every wrong value refused with the key named; TLS files read
// and checked when the sink is built, before anything opens.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { auditFeedSink } from '../../src/cli/start/start-audit-feed.js';
import { buildConfig, configDefaults } from '../../src/config/index.js';
import { syslogTestPki } from '../helpers/syslog-tls.js';
import { tempDir } from '../helpers/temp-store.js';

const feed = (over: Record<string, unknown>) => buildConfig({ audit: { feed: over } }).audit.feed;
const syslog = { kind: 'syslog', host: 'siem.example.test' };

t.test('defaults: off; ports follow TLS; values as documented', async (t) => {
  t.equal(configDefaults.audit.feed.kind, 'off');
  t.match(feed({}), { kind: 'off', host: null, port: 514, tls: null, file: null, appName: 'proofgate', facility: 'authpriv', cursorFile: 'audit-feed-cursor.json', startFrom: 'first', batchSize: 100 });
  t.equal(auditFeedSink(feed({})), null, 'off: no sink');
  t.equal(feed(syslog).port, 514, 'plain TCP: 514');
  t.equal(feed({ ...syslog, tls: { caFile: '/etc/ssl/siem-ca.pem' } }).port, 6514, 'TLS: 6514 (RFC 5425)');
  t.equal(feed({ ...syslog, port: 10514 }).port, 10514);
  t.same(feed({ ...syslog, tls: { caFile: '/etc/ssl/siem-ca.pem' } }).tls, { caFile: '/etc/ssl/siem-ca.pem', servername: null, certFile: null, keyFile: null });
  t.equal(feed({ kind: 'jsonl', file: '/var/log/proofgate/audit.jsonl' }).file, '/var/log/proofgate/audit.jsonl');
});

t.test('each wrong value is refused, naming the key', async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ kind: 'udp' }, 'config config.audit.feed.kind: expected one of off, syslog, jsonl, received "udp"'],
    [{ kind: 'syslog' }, 'config config.audit.feed.host: expected the syslog receiver\'s host name or IP address when audit.feed.kind is "syslog", received null'],
    [{ ...syslog, host: 'siem example' }, 'config config.audit.feed.host: expected a host name or IP address, received "siem example"'],
    [{ ...syslog, port: 70000 }, 'config config.audit.feed.port: expected an integer in 1..65535, received 70000'],
    [{ ...syslog, port: '514' }, 'config config.audit.feed.port: expected an integer in 1..65535, received "514"'],
    [{ kind: 'jsonl' }, 'config config.audit.feed.file: expected an absolute path of the JSON-lines file when audit.feed.kind is "jsonl", received null'],
    [{ kind: 'jsonl', file: 'audit.jsonl' }, 'config config.audit.feed.file: expected an absolute path of the JSON-lines file a log shipper reads, or null, received "audit.jsonl"'],
    [{ ...syslog, tls: {} }, 'config config.audit.feed.tls.caFile: expected an absolute path of the PEM CA bundle the receiver\'s certificate chains to, received null'],
    [{ ...syslog, tls: true }, 'config config.audit.feed.tls: expected an object, received true'],
    [{ ...syslog, tls: { caFile: '/ca.pem', certFile: '/client.pem' } }, 'config config.audit.feed.tls.keyFile: expected certFile and keyFile together (a client certificate and its key), or neither, received null'],
    [{ ...syslog, tls: { caFile: '/ca.pem', cafile: '/x' } }, 'config config.audit.feed.tls.cafile: expected no such key (misspelled?), received a string of 2 characters (not shown)'],
    [{ ...syslog, tls: { caFile: '/ca.pem', servername: '127.0.0.1:6514' } }, 'config config.audit.feed.tls.servername: expected a DNS name, or null, received "127.0.0.1:6514"'],
    [{ appName: 'proof gate' }, 'config config.audit.feed.appName: expected a string matching /^[!-~]{1,48}$/, received "proof gate"'],
    [{ hostname: 'gäte' }, 'config config.audit.feed.hostname: expected 1 to 255 printable ASCII characters without spaces, or null, received "gäte"'],
    [{ facility: 'local8' }, /^config config\.audit\.feed\.facility: expected one of kern, user, .*, local7, received "local8"$/.source],
    [{ startFrom: 'last' }, 'config config.audit.feed.startFrom: expected one of first, newest, received "last"'],
    [{ batchSize: 0 }, 'config config.audit.feed.batchSize: expected an integer in 1..1000, received 0'],
    [{ retryMinMs: 5000, retryMaxMs: 1000 }, 'config config.audit.feed.retryMaxMs: expected an integer >= audit.feed.retryMinMs (5000), received 1000'],
    [{ hots: 'x' }, 'config config.audit.feed.hots: expected no such key (misspelled?), received a string of 1 character (not shown)'],
  ];
  for (const [over, message] of cases) {
    t.throws(() => feed(over), { code: 'ERR_CONFIG', message: message.startsWith('^') ? new RegExp(message) : message }, JSON.stringify(over));
  }
});

t.test('TLS files are read and checked when the sink is built, the key named', async (t) => {
  const pki = syslogTestPki(t);
  const dir = tempDir(t);
  const notPem = path.join(dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  const missing = path.join(dir, 'missing.pem');
  t.throws(() => auditFeedSink(feed({ ...syslog, tls: { caFile: missing } })), {
    code: 'ERR_CONFIG', message: `config config.audit.feed.tls.caFile: expected a readable PEM file, received "${missing} (ENOENT)"`,
  });
  t.throws(() => auditFeedSink(feed({ ...syslog, tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: missing } })), {
    code: 'ERR_CONFIG', message: /^config config\.audit\.feed\.tls\.keyFile: expected a readable PEM file/,
  });
  t.throws(() => auditFeedSink(feed({ ...syslog, tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: path.join(pki.dir, 'syslog.test.key') } })), {
    code: 'ERR_CONFIG', message: /^config config\.audit\.feed\.tls\.certFile: expected PEM certificates \(and a key matching certFile\)/,
  }, 'a key that does not match the certificate');
  const ok = auditFeedSink(feed({ ...syslog, tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile } }));
  t.equal(ok?.destination, 'syslog+tls://siem.example.test:6514');
  t.throws(() => auditFeedSink(feed({ ...syslog, tls: { caFile: notPem } })), {
    code: 'ERR_CONFIG', message: new RegExp(`^config config\\.audit\\.feed\\.tls\\.caFile: expected a PEM file holding the CA certificate\\(s\\), received "${notPem}`),
  }, 'a CA file without a certificate');
});
