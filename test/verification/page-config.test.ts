// verification.page: the consent notice and whether the camera waits for consent.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';

t.test('defaults: the page\'s own notice, consent required', async (t) => {
  t.same(buildConfig({}).verification.page, { consentNotice: null, consentRequired: true });
  t.same(buildConfig({ verification: { page: { consentNotice: 'Kept 30 days.', consentRequired: false } } }).verification.page, { consentNotice: 'Kept 30 days.', consentRequired: false });
});

t.test('bad page settings name the key', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ consentRequired: 'yes' }, /config\.verification\.page\.consentRequired: expected true or false, received "yes"/],
    [{ consentNotice: '' }, /config\.verification\.page\.consentNotice: expected a non-empty string or null, received ""/],
    [{ consentNotice: '   ' }, /config\.verification\.page\.consentNotice: expected plain text of 1\.\.2000 characters, or null/],
    [{ consentNotice: 'x'.repeat(2001) }, /config\.verification\.page\.consentNotice: expected plain text of 1\.\.2000 characters, or null, received "x+\.\.\."/],
    [{ consentNotice: 42 }, /config\.verification\.page\.consentNotice: expected a non-empty string or null, received 42/],
    [{ notice: 'x' }, /config\.verification\.page\.notice: expected no such key/],
  ];
  for (const [page, message] of cases) t.throws(() => buildConfig({ verification: { page } }), { code: 'ERR_CONFIG', message }, String(message));
});
