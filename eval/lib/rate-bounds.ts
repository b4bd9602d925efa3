// Confidence bounds for an error rate seen as k errors in n independent trials. Two-sided 95% intervals
// are exact binomial (Clopper-Pearson): conservative, and right at k = 0 where normal approximations
// fail. The estimability rule follows ISO/IEC 19795-1's rule of three: with n trials and no error the
// one-sided 95% upper bound is about 3/n, so a rate below 3/n cannot be shown with n trials.

export interface RateInterval {
  readonly errors: number;
  readonly trials: number;
  readonly rate: number;
  /** Two-sided 95% Clopper-Pearson interval. */
  readonly lower95: number;
  readonly upper95: number;
}

/** P(X <= k) for X ~ Binomial(n, p), summed in log space term by term (O(k), no underflow at n ~ 1e6). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k >= n || p <= 0) return 1;
  if (p >= 1) return 0;
  let logPmf = n * Math.log1p(-p);
  const step = Math.log(p) - Math.log1p(-p);
  let total = Math.exp(logPmf);
  for (let i = 0; i < k; i++) {
    logPmf += Math.log(n - i) - Math.log(i + 1) + step;
    total += Math.exp(logPmf);
  }
  return Math.min(1, total);
}

function checkCounts(errors: number, trials: number): void {
  if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(errors) || errors < 0 || errors > trials) {
    throw new RangeError(`need integers 0 <= errors <= trials, trials >= 1 (got ${errors} of ${trials})`);
  }
}

/**
 * One-sided upper confidence bound of a rate seen as `errors` out of `trials` (exact Clopper-Pearson):
 * the p at which seeing at most `errors` has probability 1 - confidence. For 0 errors it is
 * 1 - (1 - confidence)^(1/trials), about 3/trials at 95% (the rule of three). Solved by bisection.
 */
export function binomialUpperBound(errors: number, trials: number, confidence: number): number {
  checkCounts(errors, trials);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1) (got ${confidence})`);
  if (errors === trials) return 1;
  let lo = errors / trials;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(errors, trials, mid) > 1 - confidence) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** One-sided lower bound at `confidence`: the p with P(X >= errors) = 1 - confidence; 0 for no errors. */
export function binomialLowerBound(errors: number, trials: number, confidence: number): number {
  checkCounts(errors, trials);
  if (errors === 0) return 0;
  // X >= k exactly when Y = n - X <= n - k, and Y ~ Binomial(n, 1 - p).
  return 1 - binomialUpperBound(trials - errors, trials, confidence);
}

export function clopperPearson95(errors: number, trials: number): RateInterval {
  return {
    errors,
    trials,
    rate: errors / trials,
    lower95: binomialLowerBound(errors, trials, 0.975),
    upper95: binomialUpperBound(errors, trials, 0.975),
  };
}

/** True when `trials` comparisons can show a rate as low as `target` (n >= 3 / target). */
export function estimableAt(target: number, trials: number): boolean {
  return trials >= Math.ceil(3 / target - 1e-9);
}

/** Rule of three: the approximate one-sided 95% upper bound of a rate with 0 errors in `trials`. */
export function ruleOfThree(trials: number): number {
  return 3 / trials;
}
