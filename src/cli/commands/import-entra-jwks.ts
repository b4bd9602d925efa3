// `proofgate import-entra-jwks FILE [--cloud public|usgov|china]`: pins Entra's signing keys for an
// air-gapped appliance. The file is validated (a JWKS of RSA signing keys that import), then copied
// atomically into the data directory where the "pinned" key source reads it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, resolveDataPath, type ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import { ENTRA_CLOUDS, type EntraCloud } from '../../oidc/clouds.js';
import { importEntraKeys, parseEntraJwks } from '../../oidc/entra-jwks.js';
import { pinnedJwksPath } from '../../oidc/entra-keys.js';

export interface ImportedEntraJwks {
  cloud: EntraCloud;
  /** Where the pinned copy now lives. */
  path: string;
  kids: string[];
}

export async function importEntraJwksCommand(
  file: string,
  opts: { cloud?: EntraCloud; config?: ProofgateConfig } = {},
): Promise<ImportedEntraJwks> {
  const cloud = opts.cloud ?? 'public';
  if (!ENTRA_CLOUDS.includes(cloud)) {
    throw new ProofgateError('ERR_BAD_REQUEST', `unknown Entra cloud "${cloud}" (expected ${ENTRA_CLOUDS.join(', ')})`, { status: 400 });
  }
  const config = opts.config ?? loadConfig();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${file}: not a readable JSON file (${(e as Error).message})`, { status: 400, cause: e });
  }
  let keys;
  try {
    keys = parseEntraJwks(parsed, file);
    await importEntraKeys(keys); // every key must actually import as an RS256 verification key
  } catch (e) {
    if (e instanceof ProofgateError) throw new ProofgateError(e.code, e.message, { status: 400, cause: e });
    throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${file}: a key does not import (${(e as Error).message})`, { status: 400, cause: e });
  }
  const target = pinnedJwksPath(config.oidc.entraKeys, resolveDataPath(config.server.dataDir), cloud);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.${process.pid}.tmp`;
  // Public keys, but inside the data directory, where every file is the appliance's own (0600).
  writeFileSync(temp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, target);
  return { cloud, path: target, kids: keys.map((k) => k.kid) };
}

/** argv form for the CLI command table. */
export async function runImportEntraJwks(args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--cloud');
  const cloudIndex = args.indexOf('--cloud');
  if (!file) {
    console.error('usage: proofgate import-entra-jwks FILE [--cloud public|usgov|china]');
    return 2;
  }
  const result = await importEntraJwksCommand(file, { cloud: cloudIndex >= 0 ? (args[cloudIndex + 1] as EntraCloud) : undefined });
  console.log(`pinned ${result.kids.length} Entra key(s) for the ${result.cloud} cloud at ${result.path}: ${result.kids.join(', ')}`);
  return 0;
}
