// The passive-authentication report: one entry per check, and an overall status.
export type CheckOutcome = 'pass' | 'fail' | 'skip' | 'incomplete' | 'error';

export interface PaCheck {
  /** Stable check name, e.g. "sod.signature", "dg.hash.1", "chain.csca". */
  readonly name: string;
  readonly outcome: CheckOutcome;
  readonly reason: string;
}

/**
 * valid: every check passed (skips allowed). invalid: the data or its signature is wrong, or a
 * trusted chain fails (expired, revoked, wrong country). chain-incomplete: the data and SOD
 * signature are intact but no trusted CSCA is known for the document signer; the signer
 * certificate's own claims (validity, key usage) are then reported but cannot decide the outcome.
 * error: the SOD could not be read or an algorithm is unsupported, so nothing can be said.
 */
export type PaStatus = 'valid' | 'invalid' | 'chain-incomplete' | 'error';

/** Checks about the document signer's certificate and its chain, as opposed to the data's integrity. */
const isTrustCheck = (c: PaCheck) => /^(ds|chain|csca)\./.test(c.name);

export function overallStatus(checks: readonly PaCheck[]): PaStatus {
  const integrity = checks.filter((c) => !isTrustCheck(c));
  const trust = checks.filter(isTrustCheck);
  if (integrity.some((c) => c.outcome === 'fail')) return 'invalid';
  if (integrity.some((c) => c.outcome === 'error')) return 'error';
  if (trust.some((c) => c.outcome === 'incomplete')) return 'chain-incomplete';
  if (trust.some((c) => c.outcome === 'fail')) return 'invalid';
  if (trust.some((c) => c.outcome === 'error')) return 'error';
  return 'valid';
}

export class CheckList {
  readonly checks: PaCheck[] = [];
  add(name: string, outcome: CheckOutcome, reason: string): CheckOutcome {
    this.checks.push({ name, outcome, reason });
    return outcome;
  }
}
