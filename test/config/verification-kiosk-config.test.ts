// verification.kiosk: the station agent's loopback origin (or null) and the kiosk page's idle timeout,
// validated with messages that name the key.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';

t.test('defaults: the agent on its default loopback port, a 90 s idle timeout', async (t) => {
  t.same(buildConfig({}).verification.kiosk, { agentOrigin: 'http://127.0.0.1:7480', idleSeconds: 90 });
});

t.test('null offers no station path; loopback origins with a port are accepted', async (t) => {
  t.equal(buildConfig({ verification: { kiosk: { agentOrigin: null } } }).verification.kiosk.agentOrigin, null);
  for (const origin of ['http://127.0.0.1:9000', 'http://localhost:7480', 'http://[::1]:7480']) {
    t.equal(buildConfig({ verification: { kiosk: { agentOrigin: origin } } }).verification.kiosk.agentOrigin, origin);
  }
});

t.test('anything else is refused, naming the key', async (t) => {
  for (const bad of ['http://127.0.0.1', 'https://127.0.0.1:7480', 'http://10.0.0.5:7480', 'http://127.0.0.1:7480/', 'http://127.0.0.1:70000', 'http://kiosk.example:7480', '', 7480]) {
    t.throws(() => buildConfig({ verification: { kiosk: { agentOrigin: bad } } }), { message: /verification\.kiosk\.agentOrigin/ }, `refused: ${JSON.stringify(bad)}`);
  }
  t.throws(() => buildConfig({ verification: { kiosk: { idleSeconds: 5 } } }), { message: /verification\.kiosk\.idleSeconds/ });
  t.throws(() => buildConfig({ verification: { kiosk: { idle: 30 } } }), { message: /verification\.kiosk\.idle/ });
});
