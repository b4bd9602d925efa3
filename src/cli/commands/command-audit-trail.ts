// The audit trail as a one-shot command writes it (`enrol`, `profile delete`): the appliance's HSM token
// for the record MACs (each position key comes from the HSM, so the token is needed up front), checkpoints
// signed like the server's and witnessed like them. A checkpoint that cannot be signed now is left for the
// server's poll.
import { resolveDataPath, type ProofgateConfig } from '../../config/index.js';
import type { Repository } from '../../store/repository.js';
import type { AuditTrail } from '../../audit/audit-trail.js';

export interface CommandAuditTrail {
  audit: AuditTrail;
  /** Waits for the trail's checkpoints, then closes the token (not the repository). */
  close(): Promise<void>;
}

export async function openCommandAuditTrail(config: ProofgateConfig, repository: Repository): Promise<CommandAuditTrail> {
  const { openAuditMacKeys, openHsmToken, openKeyRing } = await import('../../hsm/open-hsm.js');
  const { AuditTrail } = await import('../../audit/audit-trail.js');
  const { configuredWitnessFile, WitnessFile } = await import('../../audit/witness.js');
  const token = openHsmToken(config.hsm, resolveDataPath(config.server.dataDir));
  const witnessFile = configuredWitnessFile(config);
  try {
    const macKeys = await openAuditMacKeys(token, config.hsm);
    const audit = new AuditTrail(repository, openKeyRing(token, config.hsm), config.audit, {
      onCheckpointError: (e) => console.error(`note: audit checkpoint not signed (${(e as Error).message}); the server will sign it`),
      witness: witnessFile ? new WitnessFile(witnessFile) : null,
      onWitnessError: (e) => console.error(`note: audit checkpoint not appended to the witness ${witnessFile} (${(e as Error).message})`),
      macKeys,
      // One record to write: a few positions cover the server appending meanwhile, not 256 HSM derivations.
      macWindow: 8,
      onForgedRecord: (seq, reason) => console.error(`WARNING: audit record ${seq} failed its MAC check and is not sealed: ${reason}`),
    });
    await audit.prepare();
    return {
      audit,
      close: async () => {
        try {
          await audit.flush();
        } finally {
          await token.close();
        }
      },
    };
  } catch (e) {
    await token.close();
    throw e;
  }
}
