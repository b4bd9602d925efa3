// The audit trail as the appliance runs it: MAC keys from the HSM (derived before anything writes), the
// witness outside the database, every event logged, and whatever the last run left unsealed sealed before
// serving (an HSM hiccup there is logged; the checkpoint poll retries).
import { AuditTrail } from '../../audit/audit-trail.js';
import { WitnessFile } from '../../audit/witness.js';
import type { ProofgateConfig } from '../../config/index.js';
import type { Logger } from '../../core/log.js';
import type { ApplianceHsm } from '../../hsm/open-hsm.js';
import type { Repository } from '../../store/repository.js';

export async function openAuditTrail(
  config: ProofgateConfig, repository: Repository, hsm: ApplianceHsm, witnessFile: string | null, log: Logger,
): Promise<AuditTrail> {
  const trail = new AuditTrail(repository, hsm.keyRing, config.audit, {
    onCheckpointError: (e) => log('audit-checkpoint-failed', { error: (e as Error).message }, 'error'),
    witness: witnessFile ? new WitnessFile(witnessFile) : null,
    onWitnessError: (e, cp) => log('audit-witness-failed', { seq: cp.seq, witnessFile, error: (e as Error).message }, 'error'),
    macKeys: hsm.auditMacKeys,
    onForgedRecord: (seq, reason) => log('audit-record-forged', { seq, error: reason, effect: 'not sealed; checkpoints stop before it' }, 'error'),
    onMacKeyError: (e) => log('audit-mac-keys-failed', { error: (e as Error).message, effect: 'audit records answer temporarily_unavailable until the HSM is back' }, 'error'),
  });
  // Every record needs its position key ready (record() is synchronous): derive the window before anything writes.
  await trail.prepare();
  await trail.checkpoint().catch((e: unknown) => log('audit-checkpoint-failed', { at: 'start-up', error: (e as Error).message }, 'error'));
  return trail;
}
