// The passive PAD model's raw output, read the way its slot says (liveness.passive.output): the live
// value and the outcome against the threshold. Pure: the native side only runs the network.
import type { PassivePadSlotConfig } from '../config/sections/liveness-passive.js';

/**
 * What the passive model said about one selfie. `value` is the live probability (softmax, sigmoid) or
 * the model's own score; null when not configured or not a number. 'not-configured': no model in the
 * slot (liveness.passive null), so no passive check ran and nothing was judged by one.
 */
export interface PassivePadReport {
  name: 'passive-pad';
  value: number | null;
  threshold: number | null;
  outcome: 'pass' | 'fail' | 'not-configured';
  reason: string | null;
}

export const PASSIVE_PAD_NOT_CONFIGURED: PassivePadReport = {
  name: 'passive-pad', value: null, threshold: null, outcome: 'not-configured',
  reason: 'no passive presentation-attack model is configured (liveness.passive is null)',
};

/** softmax(logits)[i], computed stably (the largest logit is subtracted first). */
function softmaxAt(logits: Float32Array, i: number): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  return Math.exp(logits[i] - max) / sum;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The live value the output stands for; NaN when the model produced a non-number. */
export function passiveLiveValue(output: Float32Array, slot: PassivePadSlotConfig['output']): number {
  if (output.length !== slot.size) throw new RangeError(`passive PAD output holds ${output.length} values, not ${slot.size}`);
  if (!output.every(Number.isFinite)) return Number.NaN;
  switch (slot.kind) {
    case 'softmax': return softmaxAt(output, slot.liveIndex);
    case 'sigmoid': return sigmoid(output[slot.liveIndex]);
    case 'score': return output[slot.liveIndex];
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The report for one output: pass when the live value is at or above the threshold. */
export function judgePassiveOutput(output: Float32Array, slot: Pick<PassivePadSlotConfig, 'output' | 'threshold'>): PassivePadReport {
  const value = passiveLiveValue(output, slot.output);
  const { threshold } = slot;
  if (!Number.isFinite(value)) {
    return { name: 'passive-pad', value: null, threshold, outcome: 'fail', reason: 'the model\'s output is not a number: not scored live' };
  }
  const pass = value >= threshold;
  const what = slot.output.kind === 'score' ? 'live score' : 'live probability';
  return {
    name: 'passive-pad', value: round(value), threshold, outcome: pass ? 'pass' : 'fail',
    reason: `${what} ${round(value)} ${pass ? '>=' : '<'} ${threshold}`,
  };
}
