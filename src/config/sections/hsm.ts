// Configuration section "hsm": the PKCS#11 token that holds the id_token signing keys and the evidence
// wrapping key. The defaults object is also the documentation: one comment per key. Relative paths
// (pinFile, soPinFile, softhsmConf) are resolved under server.dataDir.
import { ConfigError, type SectionReader } from '../validate.js';

export const hsmDefaults = {
  /** PKCS#11 module (shared library). SoftHSM2 by default; a network HSM's client library otherwise. */
  module: '/usr/lib/softhsm/libsofthsm2.so',
  /** Label of the token to use; the slot is looked up by label because slot ids change. */
  tokenLabel: 'proofgate',
  /** File holding the user PIN (first line). Null: read the environment variable named by pinEnv. */
  pinFile: 'hsm/user.pin' as string | null,
  /** Environment variable holding the user PIN, used only when pinFile is null. */
  pinEnv: 'PROOFGATE_HSM_PIN',
  /** Where `proofgate hsm init` writes the generated SO PIN (mode 0600). Not read at run time. */
  soPinFile: 'hsm/so.pin',
  /**
   * softhsm2.conf for the embedded SoftHSM token (`proofgate hsm init` writes it, tokens under hsm/tokens).
   * When set, SOFTHSM2_CONF is pointed at it before the module is initialised. Null: leave the
   * environment alone (a real HSM, or SOFTHSM2_CONF set by the operator).
   */
  softhsmConf: 'hsm/softhsm2.conf' as string | null,
  /** Prefix of CKA_LABEL on every object proofgate creates; objects without it are never touched. */
  keyLabelPrefix: 'proofgate',
  /** Hours a new signing key is published before it signs, and the old one stays published after (Entra caches ~24 h). */
  overlapHours: 48,
  /** Bound on one token operation (sign, wrap, unwrap, login); past it the call fails with ERR_HSM_UNAVAILABLE. */
  operationTimeoutMs: 2000,
  /** After a token failure, calls fail fast for this long before the token is opened again. */
  retryBackoffMs: 1000,
  /** Sessions kept open for concurrent signing (C_SignAsync runs one operation per session). */
  sessionPoolSize: 2,
  /** RSA modulus size of new signing keys; below 2048 is refused. */
  rsaBits: 2048,
  /** Validity of the self-signed x5c certificate of a new key, in days. */
  certificateValidityDays: 730,
  /** Common name in that certificate. */
  certificateCommonName: 'proofgate id_token signing',
};

export interface HsmConfig {
  module: string;
  tokenLabel: string;
  pinFile: string | null;
  pinEnv: string;
  soPinFile: string;
  softhsmConf: string | null;
  keyLabelPrefix: string;
  overlapHours: number;
  operationTimeoutMs: number;
  retryBackoffMs: number;
  sessionPoolSize: number;
  rsaBits: number;
  certificateValidityDays: number;
  certificateCommonName: string;
}

export function readHsmConfig(r: SectionReader): HsmConfig {
  const tokenLabel = r.string('tokenLabel');
  // CK_TOKEN_INFO.label is 32 bytes, blank padded.
  if (Buffer.byteLength(tokenLabel) > 32) throw new ConfigError(r.key('tokenLabel'), 'at most 32 bytes', tokenLabel);
  const out: HsmConfig = {
    module: r.string('module'),
    tokenLabel,
    pinFile: r.optionalString('pinFile') ?? null,
    pinEnv: r.string('pinEnv', { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/ }),
    soPinFile: r.string('soPinFile'),
    softhsmConf: r.optionalString('softhsmConf') ?? null,
    keyLabelPrefix: r.string('keyLabelPrefix', { pattern: /^[A-Za-z0-9._-]{1,32}$/ }),
    overlapHours: r.number('overlapHours', { min: 0, max: 24 * 365 }),
    operationTimeoutMs: r.number('operationTimeoutMs', { integer: true, min: 10, max: 120_000 }),
    retryBackoffMs: r.number('retryBackoffMs', { integer: true, min: 0, max: 600_000 }),
    sessionPoolSize: r.number('sessionPoolSize', { integer: true, min: 1, max: 64 }),
    rsaBits: r.number('rsaBits', { integer: true, min: 2048, max: 8192 }),
    certificateValidityDays: r.number('certificateValidityDays', { integer: true, min: 1, max: 36_500 }),
    certificateCommonName: r.string('certificateCommonName', { pattern: /^[^\0]{1,64}$/ }),
  };
  if (out.rsaBits % 8 !== 0) throw new ConfigError(r.key('rsaBits'), 'a multiple of 8', out.rsaBits);
  r.done();
  return out;
}
