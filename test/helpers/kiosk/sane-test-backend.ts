// SANE's own `test` backend (libsane-test from Debian's libsane1), a real SANE stack with virtual devices,
// enabled in a temporary SANE configuration directory (SANE_CONFIG_DIR) so tests never edit /etc/sane.d.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SaneTestBackend {
  /** Environment for scanimage: SANE_CONFIG_DIR naming a dll.conf that enables only `test`. */
  env: NodeJS.ProcessEnv;
  dir: string;
  cleanup(): void;
}

export function saneTestBackend(): SaneTestBackend {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-sane-'));
  writeFileSync(path.join(dir, 'dll.conf'), 'test\n');
  if (existsSync('/etc/sane.d/test.conf')) copyFileSync('/etc/sane.d/test.conf', path.join(dir, 'test.conf'));
  return { env: { ...process.env, SANE_CONFIG_DIR: dir }, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
