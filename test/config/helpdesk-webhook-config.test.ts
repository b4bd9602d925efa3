// Configuration of the help desk's completion webhook (src/config/sections/helpdesk.ts): a URL is logged and
// stored with each delivery, so one that could carry a credential is refused at start-up by name.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';

const SECRET = 's'.repeat(32);
const hook = (urls: unknown) => ({ helpdesk: { webhook: { urls, secret: SECRET } } });

t.test('webhook URLs: plain http(s) receivers accepted', async (t) => {
  t.same(buildConfig(hook(['https://itsm.example.test/proofgate', 'http://127.0.0.1:8080/hook'])).helpdesk.webhook.urls,
    ['https://itsm.example.test/proofgate', 'http://127.0.0.1:8080/hook']);
  t.same(buildConfig({}).helpdesk.webhook.urls, [], 'no webhook by default');
});

t.test('webhook URLs with user info, a query or a fragment are refused, naming the entry', async (t) => {
  for (const [what, url] of [
    ['user info', 'https://svc:hunter2@itsm.example.test/hook'],
    ['a query (where tokens hide)', 'https://itsm.example.test/hook?token=abc'],
    ['a fragment', 'https://itsm.example.test/hook#x'],
    ['over 2048 characters', `https://itsm.example.test/${'a'.repeat(2048)}`],
  ] as const) {
    t.throws(() => buildConfig(hook([url])), { code: 'ERR_CONFIG', message: /config\.helpdesk\.webhook\.urls\[0\]: expected an http\(s\) URL/ }, what);
  }
  t.throws(() => buildConfig(hook(Array.from({ length: 11 }, (_, i) => `https://h${i}.example.test/`))), { code: 'ERR_CONFIG', message: /at most 10 URLs/ });
  t.throws(() => buildConfig(hook(['ftp://itsm.example.test/hook'])), { code: 'ERR_CONFIG' }, 'not http(s)');
});
