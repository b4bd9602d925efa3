// The configuration template an operator copies (appliance/proofgate.example.json) must stay valid as
// the configuration grows, and every misspelled key must keep being refused.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildConfig, loadConfig } from '../../src/config/index.js';

const templatePath = new URL('../../appliance/proofgate.example.json', import.meta.url);

t.test('the shipped template validates and sets what a production install needs', async (t) => {
  const config = loadConfig(templatePath.pathname);
  t.equal(config.server.publicBaseUrl, 'https://verify.example.org');
  t.same(config.server.trustedProxies, ['127.0.0.1']);
  t.equal(config.oidc.entraKeys.source, 'pinned', 'air-gapped: no outbound call for Entra keys');
  t.equal(config.oidc.clients.length, 1);
  t.same(config.verification.assurance, { returningUser: 'remote-active', firstTime: 'kiosk-depth', tenants: {} }, 'the default assurance tiers');
  t.equal(config.audit.witnessFile, '/var/log/proofgate/audit-witness.jsonl', 'checkpoints witnessed outside the database directory');
});

t.test('audit.witnessFile: null by default, an absolute path otherwise', async (t) => {
  t.equal(buildConfig({}).audit.witnessFile, null);
  t.throws(() => buildConfig({ audit: { witnessFile: 'witness.jsonl' } }), {
    code: 'ERR_CONFIG', message: 'config config.audit.witnessFile: expected an absolute path outside the database\'s directory, or null, received "witness.jsonl"',
  });
});

t.test('a misspelled key in the template would be refused, naming it', async (t) => {
  const raw = JSON.parse(readFileSync(templatePath, 'utf8')) as { server: Record<string, unknown> };
  raw.server.trustedProxy = ['127.0.0.1'];
  t.throws(() => buildConfig(raw), { code: 'ERR_CONFIG', message: /config\.server\.trustedProxy: expected no such key/ });
});
