// `proofgate init`: everything the appliance needs before its first start, created only if absent, so
// running it again (every set-up does) changes nothing: the HSM token with its PINs, signing key,
// certificate and wrapping key; the database at the newest schema; the evidence data key (wrapped).
// It is also the upgrade step: a new release's `init` applies its forward-only migrations (and rewrites an
// embedded softhsm2.conf whose data directory has moved).
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import type { JWK } from 'jose';
import { resolveDataPath, type ProofgateConfig } from '../config/index.js';
import { initHsm } from '../hsm/init-token.js';
import { openApplianceHsm } from '../hsm/open-hsm.js';
import type { AuditMacKeys } from '../hsm/audit-mac-keys.js';
import { EvidenceCipher } from '../store/evidence-cipher.js';
import { openConfiguredRepository, storeDatabasePath } from '../store/open-store.js';

export async function initApplianceState(config: ProofgateConfig): Promise<number> {
  const dataDir = resolveDataPath(config.server.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Token, PINs and the database live here: the service account's alone, also when a release created it 0755.
  if (statSync(dataDir).mode & 0o077) chmodSync(dataDir, 0o700);

  const hsmReport = await initHsm(config.hsm, dataDir);
  console.log(`HSM token "${config.hsm.tokenLabel}": ${hsmReport.tokenCreated ? 'created' : 'present'}; `
    + `signing key ${hsmReport.kid} ${hsmReport.signingKeyCreated ? 'created' : 'present'}; `
    + `wrapping key ${hsmReport.wrappingKeyId} ${hsmReport.wrappingKeyCreated ? 'created' : 'present'}; `
    + `audit MAC key ${hsmReport.auditMacKeyId} ${hsmReport.auditMacKeyCreated ? 'created' : 'present'}`);

  const repository = openConfiguredRepository(config); // applies pending migrations
  const hsm = await openApplianceHsm(config.hsm, dataDir);
  try {
    await new EvidenceCipher(repository, hsm.dataKeyWrapper).ready(); // creates the wrapped data key once
    console.log(`database ${storeDatabasePath(config)}: schema current; evidence data key wrapped by ${hsm.dataKeyWrapper.wrappingKeyId}`);
  } finally {
    await hsm.close();
    repository.close();
  }
  return 0;
}

/** What `audit-verify` takes from the HSM: the published signing keys it trusts, and the record MAC keys. */
export interface AuditVerifyHsm {
  trustedKeys: JWK[];
  macKeys: AuditMacKeys | null;
  close(): Promise<void>;
}

/** Opens the token for `audit-verify`; when it is unreachable: no keys, no MAC keys (the command says so). */
export async function openAuditVerifyHsm(config: ProofgateConfig): Promise<AuditVerifyHsm> {
  try {
    const hsm = await openApplianceHsm(config.hsm, resolveDataPath(config.server.dataDir));
    try {
      return { trustedKeys: (await hsm.keyRing.published()).map((k) => k.jwk()), macKeys: hsm.auditMacKeys, close: () => hsm.close() };
    } catch (e) {
      await hsm.close();
      throw e;
    }
  } catch (e) {
    console.error(`note: HSM not reachable (${(e as Error).message}); only --jwks keys are trusted`);
    return { trustedKeys: [], macKeys: null, close: async () => undefined };
  }
}
