// What a verified station signature says about the evidence: which station produced it and who was signed
// in there. It travels with the captures to the decision, whose audit record names it (one check).
import type { CheckResult } from '../../core/domain.js';

export interface StationAttestation {
  stationId: string;
  stationName: string;
  operator: string | null;
}

/** The audit record's line about the evidence's origin. */
export function stationAttestationCheck(a: StationAttestation): CheckResult {
  return {
    name: 'station-attestation', score: null, threshold: null, outcome: 'pass',
    reason: `evidence signed by station ${a.stationId} ("${a.stationName}"); operator: ${a.operator === null ? 'none signed in' : `"${a.operator}"`}`,
  };
}
