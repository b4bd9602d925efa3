// The pages' catalogue: every language defines every key of the English one, no more, with the same
// placeholders, and no text is empty; every key is used by a page, the page script or the UI.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';
import { CATALOGUES, DEFAULT_LANGUAGE, LANGUAGES } from '../../src/pages/messages/messages.js';
import { fillMessage, fillText } from '../../src/pages/messages/fill-message.js';
import { html } from '../../src/pages/html.js';

const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort();

t.test('every language has every key, the same placeholders, and no empty text', async (t) => {
  t.same(LANGUAGES, ['en', 'de']);
  t.equal(DEFAULT_LANGUAGE, 'en');
  const english = CATALOGUES.en as Record<string, string>;
  for (const language of LANGUAGES) {
    const catalogue = CATALOGUES[language] as Record<string, string>;
    t.same(Object.keys(catalogue).sort(), Object.keys(english).sort(), `${language}: the same keys as en`);
    for (const [key, text] of Object.entries(catalogue)) {
      if (text.trim().length === 0) t.fail(`${language} ${key}: empty`);
      if (placeholders(text).join() !== placeholders(english[key] ?? '').join()) t.fail(`${language} ${key}: placeholders ${placeholders(text)} differ from en's ${placeholders(english[key] ?? '')}`);
    }
  }
  t.not(CATALOGUES.de['capture.title'], CATALOGUES.en['capture.title'], 'German is not English');
});

t.test('every key is used somewhere', async (t) => {
  const sources = [
    ...readdirSync(path.join(projectRoot, 'src', 'pages')).filter((f) => f.endsWith('.ts')).map((f) => path.join('src', 'pages', f)),
    'src/pages/static/capture.js', 'src/verification/http/verification-ui.ts',
  ].map((f) => readFileSync(path.join(projectRoot, f), 'utf8')).join('\n');
  for (const key of Object.keys(CATALOGUES.en)) {
    // Challenge steps are looked up as `step.${kind}`.
    if (key.startsWith('step.')) continue;
    if (!sources.includes(`'${key}'`)) t.fail(`${key} is not used`);
  }
  t.pass('checked');
});

t.test('fillMessage escapes the text and the values, and keeps safe markup', async (t) => {
  t.equal(fillMessage('for {account} & <you>', { account: html`<strong>${'a<b>'}</strong>` }).value, 'for <strong>a&lt;b&gt;</strong> &amp; &lt;you&gt;');
  t.equal(fillMessage('{n} left', { n: '<3' }).value, '&lt;3 left');
  t.equal(fillMessage('missing {value}').value, 'missing {value}', 'a missing value stays visible');
  t.equal(fillText('Press "{button}".', { button: 'Go' }), 'Press "Go".');
});
