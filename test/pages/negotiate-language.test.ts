// Accept-Language negotiation for the pages: q-values, primary subtags, "*", q=0 exclusions, and the
// English default for anything absent, malformed or unknown.
import t from 'tap';
import { negotiateLanguage } from '../../src/pages/messages/negotiate-language.js';

t.test('picks the best supported language by q-value', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'en'],
    ['', 'en'],
    ['de', 'de'],
    ['de-DE', 'de'],
    ['DE-at', 'de'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-CH, fr;q=0.9, de;q=0.8, en;q=0.7', 'de'],
    ['fr-CH;q=0.4, de-DE;q=0.9, en;q=0.8', 'de'],
    ['en;q=0.5, de;q=0.6', 'de'],
    ['de;q=0.5, en;q=0.5', 'de'],
    ['en;q=0.5, de;q=0.5', 'en'],
    ['fr, it', 'en'],
    ['*', 'en'],
    ['en;q=0, *', 'de'],
    ['de;q=0, en;q=0', 'en'],
    ['fr;q=1.0, de;q=0.001', 'de'],
  ];
  for (const [header, expected] of cases) t.equal(negotiateLanguage(header), expected, `${JSON.stringify(header)} → ${expected}`);
});

t.test('malformed or hostile headers fall back to English without throwing', async (t) => {
  const cases = ['de;q=2', 'de;q=abc', ';;;', 'de;q=0.5x', '<script>', 'x'.repeat(100_000), Array.from({ length: 1000 }, () => 'fr').join(',') + ',de'];
  for (const header of cases) t.equal(negotiateLanguage(header), 'en', `${header.slice(0, 30)}…`);
  t.equal(negotiateLanguage('de;q=2, de-AT;q=0.5'), 'de', 'a malformed range is skipped, the next one counts');
});
