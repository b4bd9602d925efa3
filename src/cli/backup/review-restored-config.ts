// What restore checks in the configuration it takes from an archive before it is written: an archive is
// not authenticated, and its configuration decides which PKCS#11 library the next `init`/`serve` loads,
// which clients the OIDC provider trusts, which proxies may set the client address, the decision
// thresholds... So:
//   - a library or executable path (hsm.module, any *Library/*Executable/*Command key) that resolves inside
//     the data directory is refused outright: the archive ships the data directory, so that would be code
//     from the archive loaded into the appliance;
//   - against the configuration in use (or the one the target already holds), every differing key is
//     reported, and a difference in a security-relevant key (every key but the operational ones below)
//     is refused unless the operator passes --accept-config after reading them.
import path from 'node:path';
import { ProofgateError } from '../../core/errors.js';
import type { ProofgateConfig } from '../../config/index.js';

/** Keys whose difference changes no trust decision: reported, never refused. */
const OPERATIONAL_KEYS = new Set([
  'server.host', 'server.port', 'server.dataDir', 'server.maxBodyBytes', 'server.maxImageBytes', 'server.minFreeDiskMiB',
  'store.databaseFile', 'store.busyTimeoutMs',
  'hsm.operationTimeoutMs', 'hsm.retryBackoffMs', 'hsm.sessionPoolSize',
]);

const CODE_KEY = /(^module|Library|Executable|Command)$/;

export interface ConfigDifference {
  key: string;
  /** A security-relevant key: restore refuses the difference unless --accept-config. */
  security: boolean;
}

/** Leaf keys (dotted) of a validated configuration, each with its JSON value; arrays are one leaf. */
function leaves(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

/** Refuses a configuration that would load a library or program from inside `dataDir`. */
export function refuseCodeInsideDataDir(config: ProofgateConfig, dataDir: string): void {
  for (const [key, json] of leaves(config)) {
    const value = JSON.parse(json) as unknown;
    if (!CODE_KEY.test(key.split('.').pop()!) || typeof value !== 'string' || !value.includes('/')) continue;
    const resolved = path.resolve(dataDir, value);
    if (resolved === dataDir || resolved.startsWith(`${dataDir}${path.sep}`)) {
      throw new ProofgateError('ERR_CONFIG', `the backup's configuration sets ${key} to ${resolved}, inside the restored data directory: `
        + 'a backup is not authenticated, and that would load code shipped in the archive; refused (point it at the installed library and restore again)');
    }
  }
}

/** Every leaf key whose value differs between the restored and the current configuration. */
export function configDifferences(restored: ProofgateConfig, current: ProofgateConfig): ConfigDifference[] {
  const a = leaves(restored);
  const b = leaves(current);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((key) => ({ key, security: !OPERATIONAL_KEYS.has(key) }));
}

/** Refuses security-relevant differences unless accepted; names them and where the comparison came from. */
export function refuseUnacceptedDifferences(differences: ConfigDifference[], comparedWith: string, accepted: boolean): void {
  const security = differences.filter((d) => d.security).map((d) => d.key);
  if (security.length === 0 || accepted) return;
  throw new ProofgateError('ERR_CONFIG', `the backup's configuration differs from ${comparedWith} in security-relevant keys: ${security.join(', ')}; `
    + 'review them (the archive is not authenticated) and pass --accept-config to restore it as it is');
}
