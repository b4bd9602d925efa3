// `proofgate-kiosk init`: the station's token and key, idempotently, through the appliance's own token
// code (src/hsm/init-token.ts): the agent's SoftHSM store under dataDir (when key.softhsmConf is set),
// PINs generated once into 0600 files, the token created through PKCS#11 if no token has the label, then
// the P-256 station key pair generated inside it. On a TPM or a smart card the token is made with its own
// tools and only the key step runs. Prints nothing secret: the result is the public key.
import { existsSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { ensureSecretFile, ensureToken, writeSoftHsmConf } from '../../hsm/init-token.js';
import { hsmError } from '../../hsm/hsm-errors.js';
import { pinReader } from '../../hsm/open-hsm.js';
import type { KioskConfig } from '../config/kiosk-config.js';
import { kioskPath } from '../config/load-kiosk-config.js';
import { ensureStationKey, openStationToken, Pkcs11StationSigner } from './station-key.js';

export interface StationKeyInitReport {
  tokenCreated: boolean;
  keyCreated: boolean;
  /** SPKI PEM for `proofgate station add NAME --public-key FILE`. */
  publicKeyPem: string;
  publicKey: KeyObject;
  filesWritten: string[];
}

export async function initStationKey(config: Pick<KioskConfig, 'key' | 'dataDir'>): Promise<StationKeyInitReport> {
  const filesWritten: string[] = [];
  const { key } = config;
  if (key.softhsmConf !== null) {
    const conf = kioskPath(config, key.softhsmConf);
    if (!existsSync(conf)) {
      writeSoftHsmConf(conf);
      filesWritten.push(conf);
    }
    process.env.SOFTHSM2_CONF = conf;
  }
  const userPinFile = key.pinFile === null ? null : kioskPath(config, key.pinFile);
  const readPin = pinReader({ pinFile: key.pinFile, pinEnv: key.pinEnv }, config.dataDir);
  const tokenCreated = ensureToken({ module: key.module, tokenLabel: key.tokenLabel }, () => {
    if (userPinFile) ensureSecretFile(userPinFile, filesWritten);
    return readPin();
  }, () => ensureSecretFile(kioskPath(config, key.soPinFile), filesWritten));
  if (!tokenCreated && userPinFile && !existsSync(userPinFile)) {
    throw hsmError(`the token "${key.tokenLabel}" exists but its user PIN file ${userPinFile} is missing: put the PIN there or set key.pinFile to null and the PIN in ${key.pinEnv}`);
  }
  const token = openStationToken(config);
  try {
    const keyCreated = await ensureStationKey(token, key.keyLabel);
    const publicKey = await new Pkcs11StationSigner(token, key.keyLabel).publicKey();
    return { tokenCreated, keyCreated, publicKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }) as string, filesWritten };
  } finally {
    await token.close();
  }
}
