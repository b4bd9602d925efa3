// The shape every document-image check reports: what was measured, against what, and the outcome.
export type CheckOutcome = 'pass' | 'fail' | 'not-applicable';

export interface DocumentImageCheck {
  /** Stable name, e.g. "document-found", "sharpness", "uv-dull-background". */
  readonly name: string;
  readonly score: number | null;
  readonly threshold: number | null;
  readonly outcome: CheckOutcome;
  readonly detail: string;
}

export const atLeast = (name: string, score: number, threshold: number, detail: string): DocumentImageCheck =>
  ({ name, score, threshold, outcome: score >= threshold ? 'pass' : 'fail', detail });

export const atMost = (name: string, score: number, threshold: number, detail: string): DocumentImageCheck =>
  ({ name, score, threshold, outcome: score <= threshold ? 'pass' : 'fail', detail });

export const notApplicable = (name: string, detail: string): DocumentImageCheck =>
  ({ name, score: null, threshold: null, outcome: 'not-applicable', detail });

export const failed = (name: string, detail: string, threshold: number | null = null): DocumentImageCheck =>
  ({ name, score: null, threshold, outcome: 'fail', detail });

/** True when no check failed ('not-applicable' does not fail). */
export const allPassed = (checks: readonly DocumentImageCheck[]): boolean => checks.every((c) => c.outcome !== 'fail');
