// Reads kiosk.json, merges it over the documented defaults and validates it (kiosk-config.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, mergeConfig } from '../../config/validate.js';
import { kioskDefaults, readKioskConfig, type KioskConfig } from './kiosk-config.js';

export const DEFAULT_KIOSK_CONFIG_FILE = '/etc/proofgate-kiosk/kiosk.json';
const MAX_CONFIG_BYTES = 64 * 1024;

/** The validated configuration of `file`, or of `overrides` alone (tests). */
export function loadKioskConfig(file: string | null, overrides: Record<string, unknown> = {}): KioskConfig {
  let fromFile: unknown = {};
  if (file !== null) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError('kiosk', `a readable configuration file at ${file}`, (e as NodeJS.ErrnoException).code ?? String(e));
    }
    if (text.length > MAX_CONFIG_BYTES) throw new ConfigError('kiosk', `a configuration file of at most ${MAX_CONFIG_BYTES} bytes`, `${text.length} bytes`);
    try {
      fromFile = JSON.parse(text);
    } catch (e) {
      throw new ConfigError('kiosk', `JSON in ${file}`, (e as Error).message);
    }
  }
  return readKioskConfig(mergeConfig(mergeConfig(kioskDefaults, fromFile), overrides));
}

/** A path from the key section: relative ones are under dataDir. */
export function kioskPath(config: Pick<KioskConfig, 'dataDir'>, p: string): string {
  return path.isAbsolute(p) ? p : path.join(config.dataDir, p);
}
