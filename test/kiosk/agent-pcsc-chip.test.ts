// The agent's chip step with the CLI's real chip device (cli/real-devices.ts: PcscChipReader) against the virtual ePassport on a private pcscd (Debian's vpcd + vicc): POST /chip with
// the MRZ key reads the chip and holds the `document-chip` container; a wrong key is access-denied, said
// as such, and keeps the session.
import t from 'tap';
import { realDevices } from '../../src/kiosk/cli/real-devices.js';
import { createKioskAgent } from '../../src/kiosk/agent/create-kiosk-agent.js';
import { loadKioskConfig } from '../../src/kiosk/config/load-kiosk-config.js';
import { SimulatedRgbdCamera } from '../helpers/kiosk/simulated-rgbd-camera.js';
import { SaneScanner } from '../../src/kiosk/devices/scanner/sane-scanner.js';
import { startVirtualEpassport, virtualEpassportUnavailable, type VirtualEpassport } from '../helpers/virtual-epassport.js';
import { testPassport } from '../helpers/virtual-epassport-document.js';

const ORIGIN = 'https://idv.contoso.example';
const unavailable = virtualEpassportUnavailable();
if (unavailable) {
  t.plan(0, `virtual ePassport: ${unavailable}`);
} else {
  const passport = testPassport();
  let card: VirtualEpassport;
  t.before(async () => { card = await startVirtualEpassport(passport); });
  t.teardown(async () => { await card?.close(); });

  t.test('POST /chip through the PC/SC reader: the MRZ key reads the chip; a wrong key is access-denied and keeps the session', async (t) => {
    const config = loadKioskConfig(null, { applianceUrl: ORIGIN, listen: { port: 0 }, chip: { reader: 'Virtual PCD', timeoutMs: 20_000 } });
    const chip = realDevices(config).chip; // the CLI's chip device, as `proofgate-kiosk start` builds it
    const agent = createKioskAgent({
      config, devices: { camera: new SimulatedRgbdCamera(), scanner: new SaneScanner(config.scanner), chip },
      signer: { sign: async () => { throw new Error('not used'); } } as never,
    });
    const running = await agent.listen(0);
    t.teardown(() => running.close());
    const call = async (body: unknown) => {
      const res = await fetch(`${running.url}/chip`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() as Record<string, unknown> };
    };
    const ids = { sessionId: 'S'.repeat(43), nonce: 'n'.repeat(43) };
    t.match((await chip.selftest()), { ok: true, detail: /Virtual PCD/ });

    const wrong = await call({ ...ids, accessKey: { ...passport.key, documentNumber: 'X0000000' } });
    t.match(wrong, { status: 403, json: { error: 'device-access-denied', reset: false } });

    const read = await call({ ...ids, accessKey: passport.key });
    t.match(read, { status: 200, json: { protocol: 'BAC' } });
    const held = agent.held.get(ids.sessionId)!;
    t.same(held.captures.map((c) => c.kind), ['document-chip']);
    const container = JSON.parse(held.captures[0].bytes.toString('utf8'));
    t.same(Object.keys(container.dataGroups), ['1', '2'], 'DG1 and DG2 as the appliance reads them');
  });
}
