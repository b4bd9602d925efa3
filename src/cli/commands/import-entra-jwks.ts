// `proofgate import-entra-jwks FILE|--fetch [--cloud public|usgov|china]`: pins Entra's signing keys for
// an appliance that makes no outbound call. The JWKS (a file carried in, or with --fetch one download of
// oidc.entraKeys.jwksUrls[cloud], for the daily timer appliance/systemd/proofgate-entra-keys.*) is
// validated (RSA signing keys that import), then written atomically where the "pinned" source reads it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, resolveDataPath, type ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import { ENTRA_CLOUDS, type EntraCloud } from '../../oidc/clouds.js';
import { importEntraKeys, parseEntraJwks } from '../../oidc/entra-jwks.js';
import { downloadEntraJwks, pinnedJwksPath } from '../../oidc/entra-keys.js';

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
  const cloud = checkedCloud(opts.cloud);
  const config = opts.config ?? loadConfig();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${file}: not a readable JSON file (${(e as Error).message})`, { status: 400, cause: e });
  }
  return pinJwks(parsed, file, cloud, config);
}

/**
 * Downloads `cloud`'s JWKS from oidc.entraKeys.jwksUrls (bounded like the appliance's own fetch) and pins
 * it. A failed download or a refused JWKS leaves the pinned file as it was, so /health's age alarm still
 * fires when the refresh keeps failing.
 */
export async function fetchAndPinEntraJwks(
  opts: { cloud?: EntraCloud; config?: ProofgateConfig; fetch?: typeof fetch } = {},
): Promise<ImportedEntraJwks> {
  const cloud = checkedCloud(opts.cloud);
  const config = opts.config ?? loadConfig();
  const url = config.oidc.entraKeys.jwksUrls[cloud];
  const parsed = await downloadEntraJwks(url, cloud, { timeoutMs: config.oidc.entraKeys.fetchTimeoutMs, fetch: opts.fetch });
  return pinJwks(parsed, url, cloud, config);
}

function checkedCloud(cloud: EntraCloud | undefined): EntraCloud {
  const c = cloud ?? 'public';
  if (!ENTRA_CLOUDS.includes(c)) {
    throw new ProofgateError('ERR_BAD_REQUEST', `unknown Entra cloud "${c}" (expected ${ENTRA_CLOUDS.join(', ')})`, { status: 400 });
  }
  return c;
}

async function pinJwks(parsed: unknown, source: string, cloud: EntraCloud, config: ProofgateConfig): Promise<ImportedEntraJwks> {
  let keys;
  try {
    keys = parseEntraJwks(parsed, source);
    await importEntraKeys(keys); // every key must actually import as an RS256 verification key
  } catch (e) {
    if (e instanceof ProofgateError) throw new ProofgateError(e.code, e.message, { status: 400, cause: e });
    throw new ProofgateError('ERR_ENTRA_JWKS_INVALID', `${source}: a key does not import (${(e as Error).message})`, { status: 400, cause: e });
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
  const cloudIndex = args.indexOf('--cloud');
  const cloud = cloudIndex >= 0 ? (args[cloudIndex + 1] as EntraCloud) : undefined;
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--cloud');
  const fetchIt = args.includes('--fetch');
  if (fetchIt === Boolean(file) || (cloudIndex >= 0 && !cloud)) {
    console.error('usage: proofgate import-entra-jwks FILE|--fetch [--cloud public|usgov|china]');
    return 2;
  }
  const result = fetchIt ? await fetchAndPinEntraJwks({ cloud }) : await importEntraJwksCommand(file as string, { cloud });
  console.log(`pinned ${result.kids.length} Entra key(s) for the ${result.cloud} cloud at ${result.path}: ${result.kids.join(', ')}`);
  return 0;
}
