// The one configuration module. Defaults live beside each section's reader (src/config/sections/*),
// and are the documentation. Configuration is a JSON file merged over the defaults, then validated
// section by section; the first problem stops start-up with a message that names the key.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, SectionReader, mergeConfig } from './validate.js';
import { projectRoot } from '../core/project-root.js';
import { serverDefaults, readServerConfig, type ServerConfig } from './sections/server.js';
import { oidcDefaults, readOidcConfig, type OidcConfig } from './sections/oidc.js';
import { hsmDefaults, readHsmConfig, type HsmConfig } from './sections/hsm.js';
import { storeDefaults, readStoreConfig, type StoreConfig } from './sections/store.js';
import { auditDefaults, readAuditConfig, type AuditConfig } from './sections/audit.js';
import { biometricsDefaults, readBiometricsConfig, type BiometricsConfig } from './sections/biometrics.js';
import { livenessDefaults, readLivenessConfig, type LivenessConfig } from './sections/liveness.js';
import { documentsDefaults, readDocumentsConfig, type DocumentsConfig } from './sections/documents.js';
import { verificationDefaults, readVerificationConfig, type VerificationConfig } from './sections/verification.js';
import { stationsDefaults, readStationsConfig, type StationsConfig } from './sections/stations.js';
import { staffDefaults, readStaffConfig, type StaffConfig } from './sections/staff.js';
import { helpdeskDefaults, readHelpdeskConfig, type HelpdeskConfig } from './sections/helpdesk.js';
import { enrolmentDefaults, readEnrolmentConfig, type EnrolmentConfig } from './sections/enrolment.js';
import { recoveryDefaults, readRecoveryConfig, type RecoveryConfig } from './sections/recovery.js';

export { ConfigError } from './validate.js';

export const configDefaults = {
  server: serverDefaults,
  oidc: oidcDefaults,
  hsm: hsmDefaults,
  store: storeDefaults,
  audit: auditDefaults,
  biometrics: biometricsDefaults,
  liveness: livenessDefaults,
  documents: documentsDefaults,
  verification: verificationDefaults,
  stations: stationsDefaults,
  staff: staffDefaults,
  helpdesk: helpdeskDefaults,
  enrolment: enrolmentDefaults,
  recovery: recoveryDefaults,
};

export interface ProofgateConfig {
  server: ServerConfig;
  oidc: OidcConfig;
  hsm: HsmConfig;
  store: StoreConfig;
  audit: AuditConfig;
  biometrics: BiometricsConfig;
  liveness: LivenessConfig;
  documents: DocumentsConfig;
  verification: VerificationConfig;
  stations: StationsConfig;
  staff: StaffConfig;
  helpdesk: HelpdeskConfig;
  enrolment: EnrolmentConfig;
  recovery: RecoveryConfig;
}

/** Validates a raw configuration object (already parsed JSON) merged over the defaults. */
export function buildConfig(overrides: unknown = {}): ProofgateConfig {
  const merged = new SectionReader(mergeConfig(configDefaults, overrides), 'config');
  const server = readServerConfig(merged.section('server'));
  const biometrics = readBiometricsConfig(merged.section('biometrics'));
  const config: ProofgateConfig = {
    server,
    oidc: readOidcConfig(merged.section('oidc')),
    hsm: readHsmConfig(merged.section('hsm')),
    store: readStoreConfig(merged.section('store')),
    audit: readAuditConfig(merged.section('audit')),
    biometrics,
    liveness: readLivenessConfig(merged.section('liveness')),
    documents: readDocumentsConfig(merged.section('documents')),
    verification: readVerificationConfig(merged.section('verification')),
    stations: readStationsConfig(merged.section('stations')),
    // The relying party defaults to the public URL, read first.
    staff: readStaffConfig(merged.section('staff'), server),
    helpdesk: readHelpdeskConfig(merged.section('helpdesk')),
    // Read after biometrics: the duplicate threshold must be stricter than the verification threshold.
    enrolment: readEnrolmentConfig(merged.section('enrolment'), biometrics),
    recovery: readRecoveryConfig(merged.section('recovery')),
  };
  merged.done();
  return config;
}

/** Loads the JSON file named by PROOFGATE_CONFIG (or the given path); no file means embedded defaults. */
export function loadConfig(file: string | undefined = process.env.PROOFGATE_CONFIG): ProofgateConfig {
  if (!file) return buildConfig({});
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`file ${file}`, 'a readable JSON file', (e as Error).message);
  }
  return buildConfig(parsed);
}

/** Resolves a configured path relative to the project root (absolute paths pass through). */
export function resolveDataPath(p: string): string {
  return path.isAbsolute(p) ? p : path.join(projectRoot, p);
}
