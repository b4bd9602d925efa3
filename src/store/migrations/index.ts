// The numbered, forward-only migrations, in order. Append only: version n+1 goes at the end.
import { initialSchema } from './001-initial.js';
import { sessionAttempts } from './002-session-attempts.js';
import { auditMac } from './003-audit-mac.js';
import { evidenceSha256Index } from './004-evidence-sha256.js';
import { accountLockout } from './005-account-lockout.js';
import { stations } from './006-stations.js';
import { handoff } from './007-handoff.js';
import { auditActor } from './008-audit-actor.js';
import { enrolmentHolds } from './009-enrolment-holds.js';
import { staff } from './010-staff.js';
import { verificationRequests } from './011-verification-requests.js';
import { recoveryTaps } from './012-recovery-taps.js';
import { captureClaims } from './013-capture-claims.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initialSchema },
  { version: 2, name: 'session-attempts', sql: sessionAttempts },
  { version: 3, name: 'audit-mac', sql: auditMac },
  { version: 4, name: 'evidence-sha256', sql: evidenceSha256Index },
  { version: 5, name: 'account-lockout', sql: accountLockout },
  { version: 6, name: 'stations', sql: stations },
  { version: 7, name: 'handoff', sql: handoff },
  { version: 8, name: 'audit-actor', sql: auditActor },
  { version: 9, name: 'enrolment-holds', sql: enrolmentHolds },
  { version: 10, name: 'staff', sql: staff },
  { version: 11, name: 'verification-requests', sql: verificationRequests },
  { version: 12, name: 'recovery-taps', sql: recoveryTaps },
  { version: 13, name: 'capture-claims', sql: captureClaims },
];
