// The passive presentation-attack model of liveness.passive, loaded before anything else opens: a
// configured model that cannot be used (missing file, checksum mismatch, unreadable network, output of
// another size) refuses start-up with ERR_MODEL, because running without a check the operator asked for
// would look like running with it. Not configured: null, and the flows report it as not configured.
import type { ProofgateConfig } from '../../config/index.js';
import type { Logger } from '../../core/log.js';
import { PassivePadModel } from '../../liveness/passive-pad-model.js';

export async function loadPassivePad(config: ProofgateConfig, log: Logger): Promise<PassivePadModel | null> {
  const slot = config.liveness.passive;
  if (slot === null) return null;
  const model = await PassivePadModel.load(slot, config.biometrics.maxPixels);
  log('passive-pad-loaded', { ...model.info });
  return model;
}
