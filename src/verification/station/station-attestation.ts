// What a verified station signature says about the evidence: which station produced it and which staff
// member was signed in there (an active kiosk-operator or admin, checked against the staff accounts when
// the envelope was received). It travels with the captures to the decision, whose audit record names it
// (one check, `station-attestation`: the record's `actor` stays the person verified, the operator is named
// in the check's reason with their staff id, name and role).
import type { CheckResult } from '../../core/domain.js';
import type { StaffIdentity } from '../../staff/staff-identity.js';

export interface StationAttestation {
  stationId: string;
  stationName: string;
  operator: StaffIdentity | null;
}

const operatorText = (o: StaffIdentity | null): string => (o === null ? 'none signed in' : `staff ${o.id} "${o.name}" (${o.role})`);

/** The audit record's line about the evidence's origin. */
export function stationAttestationCheck(a: StationAttestation): CheckResult {
  return {
    name: 'station-attestation', score: null, threshold: null, outcome: 'pass',
    reason: `evidence signed by station ${a.stationId} ("${a.stationName}"); operator: ${operatorText(a.operator)}`,
  };
}
