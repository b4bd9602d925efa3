#!/usr/bin/env node
// The `proofgate-kiosk` command, run on the station:
//   init      create the station's token (SoftHSM) and P-256 key if absent; print its SPKI PEM for `proofgate station add`
//   selftest  every device, the key (a test signature), the registration and the clock against the appliance
//   start     serve the loopback API for the station's browser
// Each takes --config FILE (default /etc/proofgate-kiosk/kiosk.json).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_KIOSK_CONFIG_FILE, loadKioskConfig } from '../config/load-kiosk-config.js';
import type { KioskConfig } from '../config/kiosk-config.js';
import { initStationKey } from '../key/init-station-key.js';
import { openStationToken, Pkcs11StationSigner, stationKeyProtection } from '../key/station-key.js';
import { createKioskAgent, type KioskDevices } from '../agent/create-kiosk-agent.js';
import { kioskSelftest } from '../agent/kiosk-selftest.js';
import { realDevices } from './real-devices.js';

export const KIOSK_USAGE = `usage: proofgate-kiosk <command> [--config FILE]
  init       create the station key in the PKCS#11 token (and the SoftHSM token) if absent; print its public key (SPKI PEM) for \`proofgate station add\`
  selftest   report every device, the key, the registration and the clock skew against the appliance [--json]
  start      serve the loopback API on 127.0.0.1 for the station's browser
default --config: ${DEFAULT_KIOSK_CONFIG_FILE}`;

export interface KioskCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** The devices to drive (the CLI's own are always the real adapters; tests of `selftest` pass the same). */
  devices?: (config: KioskConfig) => KioskDevices;
  /** Called with the running agent's close(), so a test can stop `start`. */
  onStarted?: (url: string, close: () => Promise<void>) => void;
}

export async function runKioskCli(argv: string[], io: KioskCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    io.err(`${(e as Error).message}\n${KIOSK_USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help) {
    io.out(`${KIOSK_USAGE}\n`);
    return 0;
  }
  if (!command || rest.length > 0 || !['init', 'selftest', 'start'].includes(command) || (parsed.values.json && command !== 'selftest')) {
    io.err(`${KIOSK_USAGE}\n`);
    return 2;
  }
  try {
    const config = loadKioskConfig(parsed.values.config ?? DEFAULT_KIOSK_CONFIG_FILE);
    const devices = (io.devices ?? realDevices)(config);
    if (command === 'init') {
      const report = await initStationKey(config);
      io.err(`token "${config.key.tokenLabel}": ${report.tokenCreated ? 'created' : 'present'}; station key "${config.key.keyLabel}": ${report.keyCreated ? 'created' : 'present'} (ECDSA P-256, non-extractable)\n`);
      for (const f of report.filesWritten) io.err(`wrote ${f}\n`);
      io.err('register it on the appliance: proofgate station add "<station name>" --public-key station.pem (this public key):\n');
      io.out(report.publicKeyPem);
      return 0;
    }
    if (command === 'selftest') {
      const token = () => openStationToken(config);
      const report = await kioskSelftest({
        config, devices,
        openSigner: () => new Pkcs11StationSigner(token(), config.key.keyLabel),
        keyProtection: async () => { const t = token(); try { return await stationKeyProtection(t, config.key.keyLabel); } finally { await t.close(); } },
      });
      if (parsed.values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else {
        for (const d of report.devices) io.out(`${d.ok ? 'ok  ' : 'FAIL'} ${d.device}: ${d.detail}${d.remedy ? `\n     → ${d.remedy}` : ''}\n`);
        for (const c of report.checks) io.out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}${c.remedy ? `\n     → ${c.remedy}` : ''}\n`);
      }
      return report.ok ? 0 : 1;
    }
    const signer = new Pkcs11StationSigner(openStationToken(config), config.key.keyLabel);
    try {
      await signer.publicKey(); // fail at start-up, not at the first envelope, when `init` was never run
    } catch (e) {
      await signer.close();
      throw new Error(`the station key cannot be read (${(e as Error).message}): run \`proofgate-kiosk init\` first`);
    }
    const agent = createKioskAgent({ config, devices, signer, log: (event, fields) => io.err(`${JSON.stringify({ event, ...fields })}\n`) });
    const running = await agent.listen();
    io.err(`proofgate-kiosk listening on ${running.url} for ${config.allowedOrigin}\n`);
    const close = async () => { await running.close(); await signer.close(); };
    io.onStarted?.(running.url, close);
    return 0;
  } catch (e) {
    io.err(`proofgate-kiosk ${command}: ${(e as Error).message}\n`);
    return 1;
  }
}

const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) {
  const code = await runKioskCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s),
    // systemd stops the agent with SIGTERM: wipe the held captures and close the token before exiting.
    onStarted: (_url, close) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { void close().finally(() => process.exit(0)); });
    },
  });
  // `start` keeps running on its server; the others exit with their status.
  if (code !== 0 || process.argv[2] !== 'start') process.exitCode = code;
}
