// Composition for the appliance: config section "hsm" → one HsmToken shared by the key ring and the
// data-key wrapper (one module, one login, one session pool).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HsmConfig } from '../config/sections/hsm.js';
import { HsmToken, type HsmTokenOptions } from './hsm-token.js';
import { Pkcs11KeyRing } from './pkcs11-key-ring.js';
import { Pkcs11DataKeyWrapper } from './pkcs11-data-key-wrapper.js';
import { Pkcs11AuditMacKeys } from './pkcs11-audit-mac-keys.js';

/** Relative hsm paths are under server.dataDir. */
export function hsmPath(dataDir: string, p: string): string {
  return path.isAbsolute(p) ? p : path.join(dataDir, p);
}

/**
 * The PIN source: the first line of pinFile (re-read at every login so a changed file is picked up), or
 * the environment variable pinEnv when pinFile is null. Never logged, never part of an error message.
 */
export function pinReader(cfg: Pick<HsmConfig, 'pinFile' | 'pinEnv'>, dataDir: string): () => string {
  if (cfg.pinFile === null) {
    return () => {
      const pin = process.env[cfg.pinEnv];
      if (!pin) throw new Error(`environment variable ${cfg.pinEnv} is not set`);
      return pin;
    };
  }
  const file = hsmPath(dataDir, cfg.pinFile);
  return () => {
    const mode = statSync(file).mode;
    if (mode & 0o007) throw new Error(`PIN file ${file} is readable by other users (chmod 600 it)`);
    const pin = readFileSync(file, 'utf8').split(/\r?\n/, 1)[0];
    if (!pin) throw new Error(`PIN file ${file} is empty`);
    return pin;
  };
}

/** Points SoftHSM at the embedded token store when configured; must run before the module initialises. */
export function applySoftHsmConf(cfg: HsmConfig, dataDir: string): void {
  if (cfg.softhsmConf !== null) process.env.SOFTHSM2_CONF = hsmPath(dataDir, cfg.softhsmConf);
}

export function openHsmToken(cfg: HsmConfig, dataDir: string, onFailure?: HsmTokenOptions['onFailure']): HsmToken {
  applySoftHsmConf(cfg, dataDir);
  return new HsmToken({
    ...(onFailure ? { onFailure } : {}),
    modulePath: cfg.module,
    tokenLabel: cfg.tokenLabel,
    readPin: pinReader(cfg, dataDir),
    operationTimeoutMs: cfg.operationTimeoutMs,
    retryBackoffMs: cfg.retryBackoffMs,
    sessionPoolSize: cfg.sessionPoolSize,
  });
}

export function openKeyRing(token: HsmToken, cfg: HsmConfig, opts: { now?: () => number; refreshMs?: number } = {}): Pkcs11KeyRing {
  return new Pkcs11KeyRing(token, {
    labelPrefix: cfg.keyLabelPrefix,
    overlapHours: cfg.overlapHours,
    rsaBits: cfg.rsaBits,
    certificate: { commonName: cfg.certificateCommonName, validityDays: cfg.certificateValidityDays },
    ...opts,
  });
}

export async function openDataKeyWrapper(token: HsmToken, cfg: HsmConfig): Promise<Pkcs11DataKeyWrapper> {
  return (await Pkcs11DataKeyWrapper.open(token, { labelPrefix: cfg.keyLabelPrefix })).wrapper;
}

export async function openAuditMacKeys(token: HsmToken, cfg: HsmConfig): Promise<Pkcs11AuditMacKeys> {
  return (await Pkcs11AuditMacKeys.open(token, { labelPrefix: cfg.keyLabelPrefix })).macKeys;
}

/** Everything the server needs from the token, sharing one module, login and session pool. */
export interface ApplianceHsm {
  token: HsmToken;
  keyRing: Pkcs11KeyRing;
  dataKeyWrapper: Pkcs11DataKeyWrapper;
  auditMacKeys: Pkcs11AuditMacKeys;
  close(): Promise<void>;
}

/**
 * Opens the token for the server. Needs the token at start-up (to learn the wrapping key id); after
 * that an outage only fails the calls made during it, and the token is re-opened when it is back.
 */
export async function openApplianceHsm(cfg: HsmConfig, dataDir: string, onFailure?: HsmTokenOptions['onFailure']): Promise<ApplianceHsm> {
  const token = openHsmToken(cfg, dataDir, onFailure);
  try {
    const keyRing = openKeyRing(token, cfg);
    await keyRing.active(); // fail at start-up, not at the first sign-in, when `hsm init` was never run
    const dataKeyWrapper = await openDataKeyWrapper(token, cfg);
    const auditMacKeys = await openAuditMacKeys(token, cfg);
    return { token, keyRing, dataKeyWrapper, auditMacKeys, close: () => token.close() };
  } catch (e) {
    await token.close();
    throw e;
  }
}
