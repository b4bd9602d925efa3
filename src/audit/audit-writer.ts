// What a writer of audit records needs: the one door. AuditTrail (audit-trail.ts) implements it; the
// verification flow, staff enrolment and the CLI depend on this seam, not on the class.
import type { AuditEntry, AuditRecord } from '../core/domain.js';

export interface AuditWriter {
  /**
   * Validates the entry, chains it to the newest record and appends it, in one repository transaction
   * (a savepoint inside the caller's). Synchronous, so it can share the caller's transaction.
   */
  record(entry: AuditEntry): AuditRecord;
}
