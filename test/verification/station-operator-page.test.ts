// The kiosk operator's page at the station (GET /staff/station) behind the real staff gate: a signed-in
// kiosk-operator or admin gets the page carrying their staff id for the agent, with the CSP's connect-src
// naming exactly the agent's origin; a help-desk member is refused, nobody signed in is sent to sign-in;
// with no agent configured the page says so and loads no script.
import t from 'tap';
import { createStationOperatorRouter } from '../../src/verification/http/station-operator-routes.js';
import { staffApp } from '../helpers/staff-app.js';
import { SoftwarePasskey } from '../helpers/software-passkey.js';

const AGENT = 'http://127.0.0.1:7480';

async function appWith(t: Parameters<typeof staffApp>[0], agentOrigin: string | null) {
  return staffApp(t, { verification: { kiosk: { agentOrigin } } }, undefined, (app, auth, config) => app.use(createStationOperatorRouter(auth, config.verification.kiosk)));
}

async function signedIn(app: Awaited<ReturnType<typeof appWith>>, name: string, role: string) {
  const m = app.member(name, role);
  const key = new SoftwarePasskey();
  await app.register(m.link.token, key);
  const res = await app.signIn(key);
  return { staffId: m.member.staffId, cookie: res.cookie! };
}

t.test('a kiosk operator and an admin get the page with their staff id; the CSP admits exactly the agent', async (t) => {
  const app = await appWith(t, AGENT);
  for (const role of ['kiosk-operator', 'admin']) {
    const { staffId, cookie } = await signedIn(app, `Officer ${role}`, role);
    const res = await fetch(`${app.url}/staff/station`, { headers: { cookie } });
    t.equal(res.status, 200, role);
    const text = await res.text();
    t.match(text, `data-agent-origin="${AGENT}" data-staff-id="${staffId}"`, `${role}: the page carries the staff id for the agent`);
    t.match(text, /<script src="\/static\/station-operator\.js" defer><\/script>/);
    t.match(res.headers.get('content-security-policy'), `connect-src 'self' ${AGENT};`);
  }
});

t.test('a help-desk member is refused; nobody signed in is sent to sign-in', async (t) => {
  const app = await appWith(t, AGENT);
  const { cookie } = await signedIn(app, 'Dana Desk', 'helpdesk');
  const desk = await fetch(`${app.url}/staff/station`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
  t.equal(desk.status, 403);
  t.notMatch(await desk.text(), 'data-staff-id');
  const anon = await app.get('/staff/station');
  t.equal(anon.status, 303);
  t.match(anon.location, /\/staff\/sign-in/);
});

t.test('no agent configured: the page says so and loads no script', async (t) => {
  const app = await appWith(t, null);
  const { cookie } = await signedIn(app, 'Kim Kiosk', 'kiosk-operator');
  const res = await fetch(`${app.url}/staff/station`, { headers: { cookie } });
  const text = await res.text();
  t.match(text, /No kiosk agent is configured/);
  t.notMatch(text, 'station-operator.js');
  t.match(res.headers.get('content-security-policy'), "connect-src 'self';");
});
