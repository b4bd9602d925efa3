// The generated evaluation suite: bona fide captures on a grid of distance bands x noise levels (poses
// random up to 30 deg yaw), and a fixed number of captures per attack species (noise and distance
// random), all from fixed seeds, each checked with and without its IR frame.
import { checkDepthFrameLiveness } from '../../src/liveness/index.js';
import type { LivenessConfig } from '../../src/config/sections/liveness.js';
import { generateSyntheticCapture, type SyntheticCapture } from '../synth/generate-capture.js';
import { ATTACK_SPECIES, type CaptureLabel } from '../synth/species.js';
import { SeededRandom } from '../../src/liveness/random-source.js';
import type { DepthLivenessReport } from '../../src/liveness/decide-depth-liveness.js';
import type { LivenessOutcome } from './liveness-metrics.js';

export const DISTANCE_BANDS: readonly (readonly [number, number])[] = [[300, 500], [500, 750], [750, 1000]];
export const NOISE_LEVELS = [1, 1.5, 2] as const;

export interface SuitePlan {
  bonaFidePerCell: number;
  attacksPerSpecies: number;
  seed: string;
}

export interface SuiteCase {
  label: CaptureLabel;
  cell: string;
  make: () => SyntheticCapture;
}

export function planSuite(plan: SuitePlan): SuiteCase[] {
  const cases: SuiteCase[] = [];
  for (const [lo, hi] of DISTANCE_BANDS) {
    for (const noise of NOISE_LEVELS) {
      const cell = `d${lo}-${hi}/n${noise}`;
      for (let i = 0; i < plan.bonaFidePerCell; i++) {
        const seed = `${plan.seed}:${cell}:${i}`;
        cases.push({ label: 'bona-fide', cell, make: () => generateSyntheticCapture({ seed, label: 'bona-fide', distanceMm: [lo, hi], noiseFactor: noise }) });
      }
    }
  }
  for (const species of ATTACK_SPECIES) {
    for (let i = 0; i < plan.attacksPerSpecies; i++) {
      const seed = `${plan.seed}:${species}:${i}`;
      const noise = new SeededRandom(`noise:${seed}`).uniform(1, 2);
      cases.push({ label: species, cell: species, make: () => generateSyntheticCapture({ seed, label: species, noiseFactor: noise }) });
    }
  }
  return cases;
}

export function toOutcome(label: string, cell: string, report: DepthLivenessReport, params: Record<string, number | string>): LivenessOutcome {
  return {
    label, cell, params, accepted: report.passed, score: report.score, failed: report.failed,
    notComputed: report.checks.some((c) => c.outcome === 'not-computed'),
    values: Object.fromEntries(report.checks.map((c) => [c.name, c.value])),
  };
}

/** Runs every case; returns outcomes without IR and with IR. */
export async function runSuite(cases: readonly SuiteCase[], config: LivenessConfig, progress: (done: number) => void): Promise<{
  depthOnly: LivenessOutcome[]; withIr: LivenessOutcome[];
}> {
  const depthOnly: LivenessOutcome[] = [];
  const withIr: LivenessOutcome[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const capture = c.make();
    const frame = { width: capture.width, height: capture.height, depth: capture.depth, depthUnitMm: capture.depthUnitMm, intrinsics: capture.intrinsics };
    depthOnly.push(toOutcome(c.label, c.cell, await checkDepthFrameLiveness(frame, capture.landmarks, config), capture.params));
    withIr.push(toOutcome(c.label, c.cell, await checkDepthFrameLiveness({ ...frame, ir: { values: capture.ir, bits: 8 } }, capture.landmarks, config), capture.params));
    if ((i + 1) % 100 === 0) progress(i + 1);
  }
  return { depthOnly, withIr };
}
