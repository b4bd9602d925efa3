// What GET /health asks of the running appliance: the HSM token, a store write, disk space under the data
// directory, Entra key freshness, the face engine, the audit trail (witness appends, forged records) and,
// when audit.feed is on, the SIEM feed (delivering or failing, and how many records behind). `assurance`
// shows the liveness tiers in force (verification.assurance), so a monitor sees what a verification proves.
import type { AuditTrail } from '../../audit/audit-trail.js';
import type { AuditFeed } from '../../audit/feed/audit-feed.js';
import type { ProofgateConfig } from '../../config/index.js';
import type { HsmToken } from '../../hsm/hsm-token.js';
import type { HealthChecks } from '../../http/health.js';
import type { EntraKeySource } from '../../oidc/entra-keys.js';
import type { Repository } from '../../store/repository.js';
import { diskSpaceHealth, storeWriteHealth } from '../../store/store-health.js';
import { describeAssurance } from '../../config/sections/verification-assurance.js';
import type { LoadedFaceEngine } from './load-face-engine.js';
import type { PassivePadModel } from '../../liveness/passive-pad-model.js';

export interface ApplianceParts {
  config: ProofgateConfig;
  dataDir: string;
  token: HsmToken;
  repository: Repository;
  entraKeys: EntraKeySource;
  face: LoadedFaceEngine;
  /** The passive PAD model of liveness.passive; null or absent: not configured. */
  passivePad?: PassivePadModel | null;
  auditTrail: AuditTrail;
  witnessFile: string | null;
  /** The SIEM feed; absent or null when audit.feed.kind is 'off' (no auditFeed check then). */
  auditFeed?: AuditFeed | null;
}

export function applianceHealthChecks(p: ApplianceParts): HealthChecks {
  const feed = p.auditFeed;
  return {
    hsm: () => {
      const s = p.token.status();
      return { ok: s.state !== 'unavailable' && s.state !== 'closed', detail: s.state };
    },
    store: () => storeWriteHealth(p.repository, Date.now()),
    disk: () => diskSpaceHealth(p.dataDir, p.config.server.minFreeDiskMiB),
    entraKeys: () => p.entraKeys.freshness(),
    faceEngine: () => (p.face.problem ? { ok: false, detail: 'not loaded' } : { ok: true, detail: p.face.faceEngine.modelId }),
    // Loaded at start-up or start-up was refused, so it is ok whenever the appliance runs; the detail says which model judges selfies.
    passivePad: () => ({ ok: true, detail: passivePadDetail(p.passivePad ?? null) }),
    audit: () => {
      const { witnessProblem, forgedRecord } = p.auditTrail.health();
      if (forgedRecord) return { ok: false, detail: `record ${forgedRecord.seq} failed its MAC check (written without the HSM); not sealed` };
      return witnessProblem ? { ok: false, detail: 'witness append failed' } : { ok: true, detail: p.witnessFile ? 'witnessed' : 'no witness' };
    },
    // Configuration, not a probe: always ok; the detail is the policy as loaded.
    assurance: () => ({ ok: true, detail: describeAssurance(p.config.verification.assurance) }),
    ...(feed ? { auditFeed: () => feed.health() } : {}),
  };
}

/** "not configured", or the model's file name, sha256 prefix, output kind and threshold. */
export function passivePadDetail(model: PassivePadModel | null): string {
  if (!model) return 'not configured';
  const { path, sha256, kind, threshold } = model.info;
  return `${path.split('/').pop()} sha256:${sha256.slice(0, 16)} ${kind} >= ${threshold}`;
}
