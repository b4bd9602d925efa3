// The shown-once Temporary Access Pass fragment: the pass escaped by construction, its lifetime in words,
// the notice that the help desk cannot see it, the copy script as the appliance's own file (no inline
// script for the CSP to refuse), and the no-store headers for the page that carries it.
import t from 'tap';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeLifetime, renderTapOnce } from '../../src/pages/tap-once-section.js';
import { sendPage } from '../../src/pages/page-shell.js';
import type { Response } from 'express';
import { STATIC_DIR } from '../../src/verification/http/verification-routes.js';

const model = { temporaryAccessPass: 'Xk4#pQ9!mZ', lifetimeInMinutes: 60, isUsableOnce: true, startDateTime: '2026-12-06T11:00:00Z', staticPath: '/eam/static' };

t.test('the pass, its lifetime and the shown-once notice', async (t) => {
  const out = renderTapOnce(model).toString();
  t.match(out, '<code id="tap-once-code" class="tap-once-code" translate="no" spellcheck="false">Xk4#pQ9!mZ</code>');
  t.match(out, 'It works for 1 hour from <time datetime="2026-12-06T11:00:00Z">2026-12-06 11:00 UTC</time>, for one sign-in only.');
  t.match(out, 'This pass is shown once.</strong> The help desk cannot see it');
  t.match(out, '<button id="tap-once-copy" type="button" class="secondary" hidden>Copy</button>', 'the copy button waits for its script');
  t.match(out, '<script src="/eam/static/tap-once.js" defer></script>');
  t.notMatch(out, /<script>(?!<\/script>)/, 'no inline script');
  t.ok(existsSync(path.join(STATIC_DIR, 'tap-once.js')), 'the script is served from src/pages/static');
  t.notMatch(renderTapOnce({ ...model, isUsableOnce: false }).toString(), /one sign-in only/);
});

t.test('whatever Graph answered is escaped, never markup', async (t) => {
  const out = renderTapOnce({ ...model, temporaryAccessPass: '<img src=x onerror=alert(1)>&"', startDateTime: '"><script>x</script>' }).toString();
  t.notMatch(out, /<img|<script>x/);
  t.match(out, '&lt;img src&#61;x onerror&#61;alert(1)&gt;&amp;&quot;</code>');
});

t.test('lifetimes in words, and the headers of a page holding a pass', async (t) => {
  t.same([10, 45, 60, 90, 120, 1440, 43200].map(describeLifetime), ['10 minutes', '45 minutes', '1 hour', '1 hour 30 minutes', '2 hours', '1 day', '30 days']);
  // The page that holds a pass goes out through the page shell, whose headers keep no copy anywhere.
  const headers: Record<string, string> = {};
  const res = { status: () => res, setHeader: (k: string, v: string) => { headers[k] = v; }, type: () => res, send: () => res } as unknown as Response;
  sendPage(res, { title: 't', language: 'en', staticPath: '/static', formTargetOrigin: "'self'", withScript: false, body: renderTapOnce(model) });
  t.match(headers, { 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
});
