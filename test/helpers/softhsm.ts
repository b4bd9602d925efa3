// Throwaway SoftHSM2 tokens for tests. Real SoftHSM, no mocks: each token lives in its own temp dir
// with its own softhsm2.conf, so tests never touch /var/lib/softhsm or each other.
//
//   import { createTestToken } from '../helpers/softhsm.js';
//   const token = await createTestToken({ label: 'oidc-test' });   // label optional (unique default)
//   t.teardown(token.cleanup);
//   // token.module      '/usr/lib/softhsm/libsofthsm2.so'
//   // token.conf        path of the softhsm2.conf naming this token's directory
//   // token.tokenLabel  the token label to look the slot up by
//   // token.pin / token.soPin   user and SO PINs; token.pinFile: the user PIN in a 0600 file
//   // token.env         { ...process.env, SOFTHSM2_CONF } for child processes (softhsm2-util, pkcs11-tool, the CLI)
//   // token.hsmConfig   a ready HsmConfig (config section "hsm", absolute paths) for this token:
//   //   const hsm = openHsmToken(token.hsmConfig, token.dir);  const ring = openKeyRing(hsm, token.hsmConfig);
//   //   await ring.ensureKey();  (or `await initHsm(token.hsmConfig, token.dir)` for keys + wrapping key)
//
// SoftHSM reads SOFTHSM2_CONF when the library is initialised, per process. createTestToken therefore
// also sets process.env.SOFTHSM2_CONF (cleanup() restores the previous value). Tokens used one after the
// other just work (src/hsm re-initialises the module when SOFTHSM2_CONF changes); tokens used at the
// same time in one process must share a directory: createTestToken({ shareDirWith: firstToken }).
// Each tap test file runs in its own process, so separate files never interfere.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { hsmDefaults, type HsmConfig } from '../../src/config/sections/hsm.js';

const execFileAsync = promisify(execFile);

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface TestToken {
  module: string;
  conf: string;
  /** Temp dir holding conf, tokens/ and the PIN file; removed by cleanup(). */
  dir: string;
  tokenDir: string;
  tokenLabel: string;
  pin: string;
  soPin: string;
  pinFile: string;
  env: NodeJS.ProcessEnv;
  hsmConfig: HsmConfig;
  cleanup(): Promise<void>;
}

export interface CreateTestTokenOptions {
  /** Token label (max 32 chars); a unique one by default. */
  label?: string;
  /** Initialise the new token in this token's directory, so one process can use both. */
  shareDirWith?: TestToken;
  /** Overrides for the returned hsmConfig (e.g. operationTimeoutMs). */
  config?: Partial<HsmConfig>;
}

export async function createTestToken(opts: CreateTestTokenOptions = {}): Promise<TestToken> {
  const label = opts.label ?? `pg-test-${randomBytes(4).toString('hex')}`;
  if (label.length > 32) throw new RangeError(`token label longer than 32 characters: ${label}`);
  const shared = opts.shareDirWith;
  const dir = shared?.dir ?? (await mkdtemp(path.join(tmpdir(), 'proofgate-softhsm-')));
  const tokenDir = path.join(dir, 'tokens');
  const conf = path.join(dir, 'softhsm2.conf');
  if (!shared) {
    await mkdir(tokenDir, { recursive: true, mode: 0o700 });
    await writeFile(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  }
  const pin = randomBytes(6).toString('hex');
  const soPin = randomBytes(6).toString('hex');
  const pinFile = path.join(dir, `${label}.pin`);
  await writeFile(pinFile, `${pin}\n`, { mode: 0o600 });
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  await execFileAsync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin], { env });

  const previousConf = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  let cleaned = false;
  return {
    module: SOFTHSM_MODULE,
    conf,
    dir,
    tokenDir,
    tokenLabel: label,
    pin,
    soPin,
    pinFile,
    env,
    hsmConfig: { ...hsmDefaults, module: SOFTHSM_MODULE, tokenLabel: label, pinFile, softhsmConf: conf, ...opts.config },
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      if (process.env.SOFTHSM2_CONF === conf && !shared) {
        if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
        else process.env.SOFTHSM2_CONF = previousConf;
      }
      // A shared dir belongs to the first token; removing it is that token's job.
      if (!shared) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A temp server.dataDir for tests that let initHsm() create the embedded token in it, as the appliance
 * does. Teardown removes it and restores SOFTHSM2_CONF, which initHsm() points at the dir.
 */
export function embeddedTokenDataDir(t: { teardown(fn: () => unknown): void }, prefix: string): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  const previousConf = process.env.SOFTHSM2_CONF;
  t.teardown(() => {
    rmSync(dataDir, { recursive: true, force: true });
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
  });
  return dataDir;
}
