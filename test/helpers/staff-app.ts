// A staff-auth app on loopback for route tests: the real router and gate over a real SQLite store and
// audit trail, a settable clock, a gated test route (/gated, admin only: GET answers, POST needs _csrf),
// and helpers that run the ceremonies with a SoftwarePasskey through HTTP as a browser would.
import { createServer } from 'node:http';
import express from 'express';
import { buildConfig } from '../../src/config/index.js';
import { bodyParsers } from '../../src/http/body-parsers.js';
import { errorHandler, notFound } from '../../src/http/error-handler.js';
import { silentLogger } from '../../src/core/log.js';
import { createStaffAuth } from '../../src/staff/staff-auth.js';
import { addStaff } from '../../src/staff/staff-admin.js';
import type { StaffPlaces } from '../../src/staff/staff-pages.js';
import { auditFixture } from './audit-fixture.js';
import { manualClock } from './temp-store.js';
import { SoftwarePasskey, type Ceremony } from './software-passkey.js';

export const ORIGIN = 'http://localhost:8443';
export const RP_ID = 'localhost';
export const AT = Date.UTC(2026, 5, 1, 9, 0, 0);

type Tap = Parameters<typeof auditFixture>[0];

export async function staffApp(
  t: Tap, configOverrides: Record<string, unknown> = {}, places?: Partial<StaffPlaces>,
  /** Mounts further routes behind the gate (e.g. another unit's staff page). */
  mount?: (app: express.Express, auth: ReturnType<typeof createStaffAuth>, config: ReturnType<typeof buildConfig>) => void,
) {
  const clock = manualClock(AT);
  const fx = await auditFixture(t, {}, { now: clock.now });
  const config = buildConfig({ server: { publicBaseUrl: ORIGIN }, ...configOverrides });
  const auth = createStaffAuth({ config, repository: fx.repo, audit: fx.trail, log: silentLogger, now: clock.now, places });
  const app = express();
  app.use(...bodyParsers(config.server));
  app.use(auth.router);
  app.get('/gated', auth.require(['admin']), (_req, res) => { res.json({ staff: res.locals.staff, csrf: auth.csrfToken(res) }); });
  app.post('/gated', auth.require(['admin']), (_req, res) => { res.json({ done: true }); });
  app.get('/gated/poll', auth.require(['admin'], { passive: true }), (_req, res) => { res.json({ polled: true }); });
  mount?.(app, auth, config);
  app.use(notFound);
  app.use(errorHandler);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const post = async (path: string, body: unknown, opts: { origin?: string | null; cookie?: string; raw?: string; type?: string; csrfHeader?: string } = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': opts.type ?? 'application/json' };
    if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrfHeader) headers['x-csrf-token'] = opts.csrfHeader;
    const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: opts.raw ?? JSON.stringify(body), redirect: 'manual' });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* an HTML page */ }
    const setCookie = res.headers.get('set-cookie');
    return { status: res.status, json, text, location: res.headers.get('location'), cookie: setCookie ? setCookie.split(';')[0] : null, setCookie };
  };
  const get = async (path: string, cookie?: string) => {
    const res = await fetch(`${url}${path}`, { headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  };

  const member = (name: string, role: string) => addStaff({ repo: fx.repo, audit: fx.trail, now: clock.now }, { name, role, ttlSeconds: config.staff.registrationLinkTtlSeconds, actor: null });

  type Tweak = Partial<Ceremony>;
  /** Asks for creation options and answers them with the passkey (tweaked); returns the final response. */
  const register = async (token: string, passkey: SoftwarePasskey, tweak: Tweak = {}) => {
    const options = await post(`/staff/register/${token}/options`, {});
    if (options.status !== 200) return options;
    const o = options.json.options as { challenge: string; user: { id: string } };
    const answer = passkey.register({ origin: ORIGIN, rpId: RP_ID, challenge: o.challenge, ...tweak }, o.user.id);
    return post(`/staff/register/${token}`, { answer });
  };
  const signInOptions = async () => (await post('/staff/sign-in/options', {})).json.options as { challenge: string };
  const signIn = async (passkey: SoftwarePasskey, tweak: Tweak = {}, bump = 1) => {
    const o = await signInOptions();
    return post('/staff/sign-in', { answer: passkey.assert({ origin: ORIGIN, rpId: RP_ID, challenge: o.challenge, ...tweak }, bump) });
  };
  const staffAudits = () => [...fx.repo.auditRecords()].filter((r) => r.flow === 'staff');

  return { ...fx, clock, config, auth, url, post, get, member, register, signIn, signInOptions, staffAudits };
}
