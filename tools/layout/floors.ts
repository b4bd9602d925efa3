// The floors of src/, lowest first. A module may import from its own unit or from a unit on a lower
// floor, never from one on its own floor or above; test/layout/import-direction.test.ts holds every
// file in src/ to this table (a folder missing from it fails too, so a new room is placed on purpose).
// docs/architecture.md draws the same table.
export interface Floor {
  floor: number;
  /** What this floor is for, in a few words. */
  role: string;
  /** Units on this floor: folders under src/ (a unit includes its subfolders unless they are units themselves). */
  units: string[];
}

export const FLOORS: readonly Floor[] = [
  { floor: 0, role: 'vocabulary: errors, domain types, log, error classification', units: ['src/core'] },
  { floor: 1, role: 'configuration: defaults, validation; observability: the logger and the metrics registry', units: ['src/config', 'src/observability'] },
  { floor: 2, role: 'primitives: DER writer, native addon loader, HTML rendering', units: ['src/asn1', 'src/native', 'src/pages'] },
  { floor: 3, role: 'express plumbing shared by every route', units: ['src/http'] },
  { floor: 4, role: 'signing and the face engine', units: ['src/hsm', 'src/biometrics'] },
  { floor: 5, role: 'storage, depth liveness, document checks', units: ['src/store', 'src/liveness', 'src/documents'] },
  { floor: 6, role: 'the audit trail', units: ['src/audit'] },
  { floor: 7, role: 'the OIDC protocol: authorize, id_token, post-back; staff accounts and their passkeys; account recovery through Graph', units: ['src/oidc', 'src/staff', 'src/recovery'] },
  { floor: 8, role: 'verification vocabulary: captures, ports, the session challenge', units: ['src/verification/capture'] },
  { floor: 9, role: 'verification evidence: liveness glue, document findings, station signatures', units: ['src/verification/liveness', 'src/verification/first-time', 'src/verification/station'] },
  { floor: 10, role: 'verification policy: the decisions', units: ['src/verification/policy'] },
  { floor: 11, role: 'verification flows: guard, decide, record, complete', units: ['src/verification/flow'] },
  { floor: 12, role: 'verification routes and pages; the kiosk agent (station side, nothing in the appliance imports it)', units: ['src/verification/http', 'src/kiosk'] },
  { floor: 13, role: 'help desk: console, requests, API', units: ['src/helpdesk'] },
  { floor: 14, role: 'the top: CLI entry, commands and start-up wiring', units: ['src/cli'] },
];
