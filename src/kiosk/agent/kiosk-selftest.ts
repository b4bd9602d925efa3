// `proofgate-kiosk selftest`: each device's status (and which adapter answered, so a simulated or missing
// device is never taken for a real one), the station key present, protected and usable (a test signature
// checked against its public key), the station's registration in kiosk.json, and the clock against the
// appliance's.
import { randomBytes, verify } from 'node:crypto';
import type { KioskConfig } from '../config/kiosk-config.js';
import type { DeviceStatus } from '../devices/device.js';
import type { StationSigner } from '../key/station-key.js';
import { readApplianceClock } from '../clock/appliance-clock.js';
import type { KioskDevices } from './create-kiosk-agent.js';

export interface SelftestCheck { name: string; ok: boolean; detail: string; remedy?: string }
export interface SelftestReport { ok: boolean; devices: DeviceStatus[]; checks: SelftestCheck[] }

export interface SelftestDeps {
  config: KioskConfig;
  devices: KioskDevices;
  /** Opens the station key (the token may be missing: that is a finding, not a crash). */
  openSigner: () => StationSigner;
  keyProtection: () => Promise<{ sensitive: boolean; extractable: boolean }>;
  now?: () => number;
}

async function keyCheck(deps: SelftestDeps): Promise<SelftestCheck> {
  let signer: StationSigner | undefined;
  try {
    signer = deps.openSigner();
    const publicKey = await signer.publicKey();
    const probe = randomBytes(32);
    const signature = await signer.sign(probe);
    const verified = verify('sha256', probe, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    const protection = await deps.keyProtection();
    if (!verified) return { name: 'station key', ok: false, detail: 'the token\'s test signature does not verify under its public key', remedy: 'run `proofgate-kiosk init` on a fresh token' };
    if (!protection.sensitive || protection.extractable) {
      return { name: 'station key', ok: false, detail: 'the private key is extractable or not sensitive', remedy: 'create a new key with `proofgate-kiosk init` and register it again' };
    }
    return { name: 'station key', ok: true, detail: `ECDSA P-256 "${deps.config.key.keyLabel}" in token "${deps.config.key.tokenLabel}" (${deps.config.key.module}); non-extractable; test signature verified` };
  } catch (e) {
    return { name: 'station key', ok: false, detail: (e as Error).message, remedy: 'run `proofgate-kiosk init`' };
  } finally {
    await signer?.close();
  }
}

export async function kioskSelftest(deps: SelftestDeps): Promise<SelftestReport> {
  const { config } = deps;
  const devices = await Promise.all(Object.values(deps.devices).map((d) => d.selftest().catch((e: unknown): DeviceStatus => ({ device: d.name, ok: false, detail: (e as Error).message }))));
  const checks: SelftestCheck[] = [await keyCheck(deps)];
  checks.push(config.stationId === null
    ? { name: 'registration', ok: false, detail: 'kiosk.json has no stationId', remedy: 'register the key `proofgate-kiosk init` printed with `proofgate station add` on the appliance and put the id it prints in stationId' }
    : { name: 'registration', ok: true, detail: `station ${config.stationId}` });
  try {
    const clock = await readApplianceClock(config.applianceUrl, { timeoutMs: config.clock.checkTimeoutMs, now: deps.now ?? Date.now });
    const s = Math.round(clock.skewMs / 1000);
    const ok = Math.abs(clock.skewMs) <= config.clock.maxSkewSeconds * 1000;
    checks.push({
      name: 'clock', ok,
      detail: `the station's clock is ${Math.abs(s)} s ${s >= 0 ? 'ahead of' : 'behind'} the appliance's (±1 s; at most ${config.clock.maxSkewSeconds} s allowed; round trip ${clock.roundTripMs} ms)`,
      ...(ok ? {} : { remedy: 'set up NTP on the station (and the appliance)' }),
    });
  } catch (e) {
    checks.push({ name: 'clock', ok: false, detail: (e as Error).message, remedy: 'check applianceUrl and the station\'s network' });
  }
  return { ok: devices.every((d) => d.ok) && checks.every((c) => c.ok), devices, checks };
}
