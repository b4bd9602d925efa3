// The combined depth-liveness decision: every gating check must pass; the score is the weakest
// check's margin through a logistic, so score >= 0.5 exactly when the decision passes and a frame that
// only just passes scores near 0.5. A rigid 3D mask is not visible to depth geometry: the report says
// so every time instead of implying the risk is covered.
import type { DepthCheckName, DepthCheckResult, NativeDepthReport } from './native-depth-checks.js';

export type ResidualRisk = 'rigid-3d-mask';

export interface DepthLivenessReport {
  /** All gating checks passed. */
  passed: boolean;
  /** 0..1; >= 0.5 exactly when `passed`. */
  score: number;
  checks: DepthCheckResult[];
  /** Gating checks that failed or could not be computed. */
  failed: DepthCheckName[];
  /** Whether an IR frame was given and its reflectance check ran. */
  irChecked: boolean;
  /** Attacks these checks cannot rule out; the policy decides what else is required (see policy.ts). */
  residualRisks: ResidualRisk[];
  faceDepthMm: number | null;
  facePixels: number;
  validFacePixels: number;
}

/** Margin of a value inside its bounds, relative to the bound (positive inside, negative outside). */
function relativeMargin(c: DepthCheckResult): number {
  if (c.value === null) return Number.NEGATIVE_INFINITY;
  const margins: number[] = [];
  if (c.min !== null) margins.push((c.value - c.min) / Math.max(Math.abs(c.min), 1e-6));
  if (c.max !== null) margins.push((c.max - c.value) / Math.max(Math.abs(c.max), 1e-6));
  return Math.min(...margins);
}

function isGating(c: DepthCheckResult): boolean {
  return c.min !== null || c.max !== null;
}

export function decideDepthLiveness(native: NativeDepthReport, scoreSoftness: number): DepthLivenessReport {
  const gating = native.checks.filter(isGating);
  const failed = gating.filter((c) => c.outcome !== 'pass').map((c) => c.name);
  const weakest = gating.length === 0 ? Number.NEGATIVE_INFINITY : Math.min(...gating.map(relativeMargin));
  const score = Number.isFinite(weakest) ? 1 / (1 + Math.exp(-weakest / scoreSoftness)) : 0;
  const ir = native.checks.find((c) => c.name === 'irReflectance');
  return {
    passed: gating.length > 0 && failed.length === 0,
    // A pass can round to exactly 0.5 only at the boundary, where the native check also passes (>=).
    score: Math.round(score * 1e6) / 1e6,
    checks: native.checks,
    failed,
    irChecked: ir !== undefined && ir.outcome !== 'not-computed',
    residualRisks: ['rigid-3d-mask'],
    faceDepthMm: native.faceDepthMm,
    facePixels: native.facePixels,
    validFacePixels: native.validFacePixels,
  };
}
