// The passive presentation-attack model (liveness.passive) in a verification: run on the selfie's face
// crop whenever liveness is judged (whether or not the face matched, like every liveness check), stated
// in the audit as its own check (liveness-passive-pad), and a selfie it does not score live refuses
// liveness whatever the other evidence showed. Not configured: the report says so (and /health), no
// check is added to the audit, and nothing is refused for it. The report also travels with the outcome for the assurance tier: when a model is configured,
// remote-active requires its pass.
import type { CheckResult } from '../../core/domain.js';
import { ProofgateError } from '../../core/errors.js';
import type { PassivePadFaceBox } from '../../liveness/passive-pad-model.js';
import { PASSIVE_PAD_NOT_CONFIGURED, type PassivePadReport } from '../../liveness/passive-pad-output.js';

/** The loaded model (src/liveness/passive-pad-model.ts PassivePadModel), as the flow uses it. */
export interface PassivePadScorer {
  score(image: Buffer, box: PassivePadFaceBox): Promise<PassivePadReport>;
}

/** The selfie as the face engine analysed it: its bytes and the face box found in them. */
export interface SelfieFaceCrop {
  image: Buffer;
  box: PassivePadFaceBox;
}

/** The passive report for this selfie; 'not-configured' without a model. Engine failures propagate. */
export async function judgePassivePad(scorer: PassivePadScorer | null | undefined, selfie: SelfieFaceCrop | undefined): Promise<PassivePadReport> {
  if (!scorer) return PASSIVE_PAD_NOT_CONFIGURED;
  // A configured check that silently did not run would read as "not configured": refuse the wiring bug.
  if (!selfie) throw new ProofgateError('ERR_INTERNAL', 'liveness.passive is configured but the selfie crop was not passed to evaluateLiveness');
  return scorer.score(selfie.image, selfie.box);
}

export function passivePadCheck(report: PassivePadReport): CheckResult {
  const outcome = report.outcome === 'not-configured' ? 'skipped' : report.outcome;
  return { name: 'liveness-passive-pad', score: report.value, threshold: report.threshold, outcome, ...(report.reason === null ? {} : { reason: report.reason }) };
}
