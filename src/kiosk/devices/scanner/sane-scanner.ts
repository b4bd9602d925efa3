// The document scanner through SANE (Debian's sane-utils: `scanimage`), no vendor SDK. White light always;
// infrared and ultraviolet where the backend offers a source or mode that names them (sane-options.ts).
// Each page comes back as a PNG checked whole before it is held. Failures are KioskDeviceErrors whose code
// comes from SANE's status (scanimage exits with it) and whose message quotes scanimage.
import type { KioskConfig } from '../../config/kiosk-config.js';
import type { DeviceStatus } from '../device.js';
import { KioskDeviceError, type KioskDeviceErrorCode } from '../device-error.js';
import type { DocumentScanner, ScanLight, ScannedPage } from './document-scanner.js';
import { lightSettings, parseSaneOptions, whiteSettings, type LightSetting, type SaneOption } from './sane-options.js';
import { checkPngStructure } from './png-structure.js';
import { runScanimage, type ScanimageResult } from './run-scanimage.js';

const LIST_TIMEOUT_MS = 20_000;
const TEXT_OUTPUT_BYTES = 256 * 1024;
const MAX_PIXELS = 120_000_000;

/** scanimage's exit status is the SANE_Status of the failed call (sane/sane.h). */
const SANE_STATUS: Readonly<Record<number, { code: KioskDeviceErrorCode; remedy: string }>> = {
  1: { code: 'unplugged', remedy: 'check that the scanner is plugged in and powered, and that scanner.device names it as `scanimage -L` does' },
  3: { code: 'busy', remedy: 'wait for the scanner to finish, or close the other program using it' },
  4: { code: 'unplugged', remedy: 'check that scanner.device names the scanner as `scanimage -L` does' },
  6: { code: 'removed', remedy: 'clear the paper jam' },
  7: { code: 'removed', remedy: 'place the document on the scanner' },
  8: { code: 'removed', remedy: 'close the scanner\'s cover' },
  9: { code: 'removed', remedy: 'check the scanner\'s cable and power; it stopped answering during the scan' },
  11: { code: 'unplugged', remedy: 'give the agent\'s user access to the scanner (the scanner group)' },
};

export interface SaneScannerOptions {
  /** Environment of scanimage (SANE_CONFIG_DIR). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The line of scanimage's stderr that says what went wrong: the SANE call that failed ("scanimage:
 * sane_read: Error during device I/O") when there is one — scanimage may follow it with "trying to stop
 * scanner" — else its last own line, else the last line.
 */
export function whatScanimageSaid(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const own = lines.filter((l) => l.startsWith('scanimage:'));
  return own.filter((l) => /^scanimage: sane_\w+:/.test(l)).at(-1) ?? own.at(-1) ?? lines.at(-1) ?? '';
}

export class SaneScanner implements DocumentScanner {
  readonly name = 'scanner' as const;
  readonly #config: KioskConfig['scanner'];
  readonly #env: NodeJS.ProcessEnv | undefined;
  #options: Map<string, SaneOption> | undefined;

  constructor(config: KioskConfig['scanner'], opts: SaneScannerOptions = {}) {
    this.#config = config;
    this.#env = opts.env;
  }

  #fail(result: ScanimageResult, what: string): KioskDeviceError {
    const said = whatScanimageSaid(result.stderr);
    if (result.killedFor === 'time') return new KioskDeviceError('scanner', 'timeout', `${what} took longer than ${this.#config.timeoutMs} ms`);
    if (result.killedFor === 'size') return new KioskDeviceError('scanner', 'corrupt', `${what} produced more than ${this.#config.maxImageBytes} bytes`);
    if (result.killedFor === 'aborted') return new KioskDeviceError('scanner', 'removed', `${what} was cancelled`);
    if (result.code === 127) return new KioskDeviceError('scanner', 'unplugged', `scanimage could not be run (${said}): install sane-utils`);
    const known = result.code === null ? undefined : SANE_STATUS[result.code];
    if (known) return new KioskDeviceError('scanner', known.code, `${what} failed: ${said || `status ${result.code}`}; ${known.remedy}`);
    return new KioskDeviceError('scanner', 'corrupt', `${what} failed (${result.signal ? `scanimage died of ${result.signal}` : `exit ${result.code}`}): ${said}`);
  }

  async #discover(signal?: AbortSignal): Promise<Map<string, SaneOption>> {
    if (this.#options) return this.#options;
    const result = await runScanimage(['-d', this.#config.device, '-A'], { timeoutMs: LIST_TIMEOUT_MS, maxBytes: TEXT_OUTPUT_BYTES, env: this.#env, signal });
    if (result.code !== 0 || result.killedFor) throw this.#fail(result, `reading the options of ${this.#config.device}`);
    this.#options = parseSaneOptions(result.stdout.toString('utf8'));
    return this.#options;
  }

  async lights(signal?: AbortSignal): Promise<ScanLight[]> {
    if (this.#config.irUv === 'off') return ['white'];
    const settings = lightSettings(await this.#discover(signal));
    return ['white', ...(['ir', 'uv'] as const).filter((l) => settings[l])];
  }

  async scan(light: ScanLight, signal?: AbortSignal): Promise<ScannedPage> {
    const options = await this.#discover(signal);
    let settings: LightSetting[];
    if (light === 'white') settings = whiteSettings(options);
    else {
      const s = this.#config.irUv === 'off' ? undefined : lightSettings(options)[light];
      if (!s) throw new KioskDeviceError('scanner', 'unplugged', `${this.#config.device} offers no ${light === 'ir' ? 'infrared' : 'ultraviolet'} light`);
      settings = [s];
    }
    const args = ['-d', this.#config.device, '--format=png', `--resolution=${this.#config.resolutionDpi}`,
      ...settings.map((s) => `--${s.option}=${s.value}`), ...this.#config.extraOptions];
    const what = `scanning under ${light} light`;
    const result = await runScanimage(args, { timeoutMs: this.#config.timeoutMs, maxBytes: this.#config.maxImageBytes, env: this.#env, signal });
    if (result.code !== 0 || result.killedFor) throw this.#fail(result, what);
    const shape = checkPngStructure(result.stdout, MAX_PIXELS);
    if ('problem' in shape) throw new KioskDeviceError('scanner', 'corrupt', `${what}: ${shape.problem}`);
    return { light, mediaType: 'image/png', bytes: result.stdout, width: shape.width, height: shape.height };
  }

  async selftest(): Promise<DeviceStatus> {
    const listed = await runScanimage(['-L'], { timeoutMs: LIST_TIMEOUT_MS, maxBytes: TEXT_OUTPUT_BYTES, env: this.#env });
    if (listed.code === 127) return { device: 'scanner', ok: false, detail: 'scanimage is not installed', remedy: 'install sane-utils' };
    const devices = [...listed.stdout.toString('utf8').matchAll(/^device `([^']+)' is an? (.+)$/gm)].map((m) => ({ name: m[1], description: m[2] }));
    const wanted = this.#config.device;
    const found = devices.find((d) => d.name === wanted || d.name.startsWith(`${wanted}:`));
    if (!found) {
      return {
        device: 'scanner', ok: false,
        detail: `SANE scanner ${wanted} not found (${devices.length === 0 ? 'SANE sees no scanner' : `SANE sees ${devices.map((d) => d.name).join(', ')}`})`,
        remedy: 'plug the scanner in and power it, or set scanner.device to a name `scanimage -L` prints',
      };
    }
    try {
      const lights = await this.lights();
      return { device: 'scanner', ok: true, detail: `SANE ${found.name} (${found.description}); lights: ${lights.join(', ')}${lights.length === 1 ? ' (no IR/UV offered)' : ''}` };
    } catch (e) {
      return { device: 'scanner', ok: false, detail: `SANE ${found.name}: ${(e as Error).message}`, remedy: 'check the scanner and run `proofgate-kiosk selftest` again' };
    }
  }
}
