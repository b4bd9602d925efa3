// `proofgate hsm init`: brings the embedded SoftHSM token to a usable state, idempotently.
//   1. softhsm2.conf + token directory under the data dir (when hsm.softhsmConf is set; rewritten when the
//      data directory has moved, so a restored or copied token is found);
//   2. user and SO PINs generated once into 0600 files (kept if present);
//   3. the token initialised through PKCS#11 C_InitToken/C_InitPIN if no token has the label (in-process,
//      so no PIN ever appears on a command line or in /proc);
//   4. the first signing key with its certificate, the AES wrapping key and the audit MAC key, if missing
//      (a token initialised before the audit MAC existed gets it on the next run).
// A real HSM is initialised with its vendor tools; then only step 4 runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import type { HsmConfig } from '../config/sections/hsm.js';
import { Pkcs11Library } from './pkcs11-library.js';
import { hsmError } from './hsm-errors.js';
import { applySoftHsmConf, hsmPath, openHsmToken, openKeyRing, pinReader } from './open-hsm.js';
import { Pkcs11DataKeyWrapper } from './pkcs11-data-key-wrapper.js';
import { Pkcs11AuditMacKeys } from './pkcs11-audit-mac-keys.js';

export interface HsmInitReport {
  tokenCreated: boolean;
  signingKeyCreated: boolean;
  wrappingKeyCreated: boolean;
  auditMacKeyCreated: boolean;
  kid: string;
  wrappingKeyId: string;
  auditMacKeyId: string;
  /** Files written this run (never their contents). */
  filesWritten: string[];
}

/** A PIN of 32 hex characters (128 bits); SoftHSM accepts 4..255 bytes. */
const newPin = (): string => randomBytes(16).toString('hex');

/** Writes a secret once: mode 0600, refusing to overwrite (flag wx) so a concurrent init cannot swap it. */
export function ensureSecretFile(file: string, written: string[]): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${newPin()}\n`, { mode: 0o600, flag: 'wx' });
    written.push(file);
  }
  return readFileSync(file, 'utf8').split(/\r?\n/, 1)[0];
}

const SOFTHSM_CONF_HEADER = '# Written by `proofgate hsm init`: the embedded SoftHSM2 token store of this appliance.';

/**
 * Writes the embedded token store's softhsm2.conf (0600) naming the tokens/ directory beside it. SoftHSM
 * wants an absolute token directory, so the conf is rewritten whenever the data directory moves (a
 * restore into another directory, a copied data dir); the token files themselves carry no path.
 */
export function writeSoftHsmConf(conf: string, finalConf: string = conf): void {
  // finalConf: where the conf will be once its directory is renamed into place (restore writes it in staging).
  mkdirSync(path.join(path.dirname(conf), 'tokens'), { recursive: true, mode: 0o700 });
  writeFileSync(conf, [
    SOFTHSM_CONF_HEADER,
    `directories.tokendir = ${path.join(path.dirname(finalConf), 'tokens')}`,
    'objectstore.backend = file',
    'log.level = ERROR',
    'slots.removable = false',
    '',
  ].join('\n'), { mode: 0o600 });
  chmodSync(conf, 0o600);
}

/** Whether `conf` is one proofgate wrote whose token directory is no longer the tokens/ beside it. */
function isStaleProofgateConf(conf: string): boolean {
  const text = readFileSync(conf, 'utf8');
  if (!text.startsWith(SOFTHSM_CONF_HEADER)) return false; // the operator's own conf: never rewritten
  const dir = /^directories\.tokendir\s*=\s*(.+?)\s*$/m.exec(text)?.[1];
  return dir !== path.join(path.dirname(conf), 'tokens');
}

function ensureSoftHsmStore(cfg: HsmConfig, dataDir: string, written: string[]): void {
  if (cfg.softhsmConf === null) return;
  const conf = hsmPath(dataDir, cfg.softhsmConf);
  if (existsSync(conf) && !isStaleProofgateConf(conf)) return;
  writeSoftHsmConf(conf);
  written.push(conf);
}

/** Initialises a token labelled cfg.tokenLabel on the module's free slot, unless one exists (also the kiosk agent's `init`). */
export function ensureToken(cfg: Pick<HsmConfig, 'module' | 'tokenLabel'>, userPin: () => string, soPin: () => string): boolean {
  const lib = Pkcs11Library.for(cfg.module);
  lib.attach();
  try {
    const { api } = lib.ensureInitialised();
    let free: Buffer | undefined;
    for (const slot of api.C_GetSlotList(true)) {
      const info = api.C_GetTokenInfo(slot);
      if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) free ??= slot;
      else if (info.label.replace(/[ \0]+$/, '') === cfg.tokenLabel) return false;
    }
    if (!free) throw hsmError(`no token labelled "${cfg.tokenLabel}" and ${cfg.module} offers no free slot; initialise the HSM with its vendor tools`);
    // pkcs11js passes the label pointer as is, and C_InitToken reads exactly 32 bytes: pad it.
    api.C_InitToken(free, soPin(), cfg.tokenLabel.padEnd(32, ' '));
    const session = api.C_OpenSession(free, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
    try {
      api.C_Login(session, pkcs11js.CKU_SO, soPin());
      api.C_InitPIN(session, userPin());
      api.C_Logout(session);
    } finally {
      api.C_CloseSession(session);
    }
    // SoftHSM renumbers slots after an init; start afresh so the token is found by label.
    lib.reset();
    return true;
  } finally {
    lib.detach();
  }
}

export async function initHsm(cfg: HsmConfig, dataDir: string): Promise<HsmInitReport> {
  const filesWritten: string[] = [];
  ensureSoftHsmStore(cfg, dataDir, filesWritten);
  applySoftHsmConf(cfg, dataDir);
  // The user PIN file is created only with the token: a new random PIN cannot open a token that exists
  // (a restore without its PIN files, a deleted file), so that case is refused by name instead.
  const userPinFile = cfg.pinFile !== null ? hsmPath(dataDir, cfg.pinFile) : null;
  const readUserPin = pinReader(cfg, dataDir);
  const soPinFile = hsmPath(dataDir, cfg.soPinFile);
  const tokenCreated = ensureToken(cfg, () => {
    if (userPinFile) ensureSecretFile(userPinFile, filesWritten);
    return readUserPin();
  }, () => ensureSecretFile(soPinFile, filesWritten));
  if (!tokenCreated && userPinFile && !existsSync(userPinFile)) {
    throw hsmError(`the token "${cfg.tokenLabel}" exists but its user PIN file ${userPinFile} is missing: put the PIN there `
      + '(a backup made without --with-pins leaves it out) or set hsm.pinFile to null and the PIN in the variable hsm.pinEnv names');
  }

  const token = openHsmToken(cfg, dataDir);
  try {
    const { created: signingKeyCreated, key } = await openKeyRing(token, cfg).ensureKey();
    const { wrapper, created: wrappingKeyCreated } = await Pkcs11DataKeyWrapper.open(token, { labelPrefix: cfg.keyLabelPrefix, create: true });
    const { macKeys, created: auditMacKeyCreated } = await Pkcs11AuditMacKeys.open(token, { labelPrefix: cfg.keyLabelPrefix, create: true });
    return {
      tokenCreated, signingKeyCreated, wrappingKeyCreated, auditMacKeyCreated,
      kid: key.kid, wrappingKeyId: wrapper.wrappingKeyId, auditMacKeyId: macKeys.macKeyId, filesWritten,
    };
  } finally {
    await token.close();
  }
}
