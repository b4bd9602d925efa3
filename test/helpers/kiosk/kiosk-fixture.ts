// A kiosk agent for tests: the real agent and its loopback API, the station key in a throwaway SoftHSM
// token made by the agent's own `init`, the real SANE scanner on SANE's `test` backend, and simulated
// camera and chip-reader doubles injected through createKioskAgent (the CLI never builds those). A test
// may put another scanner or chip reader in (opts.devices): the passport-page scanner double, the real
// PC/SC reader in front of the virtual ePassport.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Teardown } from '../loopback-app.js';
import { loadKioskConfig } from '../../../src/kiosk/config/load-kiosk-config.js';
import type { KioskConfig } from '../../../src/kiosk/config/kiosk-config.js';
import { initStationKey } from '../../../src/kiosk/key/init-station-key.js';
import { openStationToken, Pkcs11StationSigner } from '../../../src/kiosk/key/station-key.js';
import { createKioskAgent, type KioskAgent, type RunningKioskAgent } from '../../../src/kiosk/agent/create-kiosk-agent.js';
import { SaneScanner } from '../../../src/kiosk/devices/scanner/sane-scanner.js';
import { SimulatedRgbdCamera } from './simulated-rgbd-camera.js';
import { ChipReaderDouble } from './chip-reader-double.js';
import { saneTestBackend } from './sane-test-backend.js';
import type { DocumentScanner } from '../../../src/kiosk/devices/scanner/document-scanner.js';
import type { ChipReaderPort } from '../../../src/kiosk/devices/chip-port.js';

export const APPLIANCE_ORIGIN = 'https://idv.contoso.example';

export interface KioskFixture {
  config: KioskConfig;
  agent: KioskAgent;
  running: RunningKioskAgent;
  camera: SimulatedRgbdCamera;
  /** The chip-reader double (the agent's chip reader unless opts.devices.chip replaced it). */
  chip: ChipReaderDouble;
  publicKeyPem: string;
  /** fetch() against the agent as the appliance's page in the station's browser calls it. */
  call(pathname: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
}

export async function startKioskFixture(t: Teardown, overrides: Record<string, unknown> = {}, opts: { now?: () => number; port?: number; devices?: { scanner?: DocumentScanner; chip?: ChipReaderPort } } = {}): Promise<KioskFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-kiosk-'));
  const sane = saneTestBackend();
  const config = loadKioskConfig(null, {
    applianceUrl: APPLIANCE_ORIGIN, dataDir, listen: { port: 0 }, camera: { challengeFrames: 14 }, scanner: { device: 'test', resolutionDpi: 75 }, ...overrides,
  });
  const previousConf = process.env.SOFTHSM2_CONF;
  const init = await initStationKey(config);
  const token = openStationToken(config);
  const signer = new Pkcs11StationSigner(token, config.key.keyLabel);
  const camera = new SimulatedRgbdCamera(opts.now);
  const chip = new ChipReaderDouble();
  const agent = createKioskAgent({ config, devices: { camera, scanner: opts.devices?.scanner ?? new SaneScanner(config.scanner, { env: sane.env }), chip: opts.devices?.chip ?? chip }, signer, ...(opts.now ? { now: opts.now } : {}) });
  const running = await agent.listen(opts.port ?? 0);
  t.teardown(async () => {
    await running.close();
    await signer.close();
    sane.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
  });
  return {
    config, agent, running, camera, chip, publicKeyPem: init.publicKeyPem,
    async call(pathname, body, headers = {}) {
      const res = await fetch(`${running.url}${pathname}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { origin: config.allowedOrigin, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let json: unknown = null;
      try { json = JSON.parse(text); } catch { json = text; }
      return { status: res.status, json, headers: res.headers };
    },
  };
}
