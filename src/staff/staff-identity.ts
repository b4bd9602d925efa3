// Who a signed-in staff member is, as the routes they reach see it (res.locals.staff) and as audit records
// name them (AuditEntry.actor). The store's row (StaffMember) has more; this is what others rely on.
import type { AuditActor } from '../core/domain.js';
import type { StaffMember, StaffRole, StaffStore } from '../store/staff-store.js';

export { STAFF_ROLES, type StaffRole } from '../store/staff-store.js';

export interface StaffIdentity {
  id: string;
  name: string;
  role: StaffRole;
}

export function staffActor(s: StaffIdentity): AuditActor {
  return { kind: 'staff', id: s.id, name: s.name, role: s.role };
}

export function identityOf(m: StaffMember): StaffIdentity {
  return { id: m.staffId, name: m.name, role: m.role };
}

/** The member with this id as a StaffIdentity while active (e.g. the operator an enrolment names); null when unknown or revoked. */
export function activeStaffIdentity(store: Pick<StaffStore, 'getStaff'>, staffId: string): StaffIdentity | null {
  const member = typeof staffId === 'string' ? store.getStaff(staffId) : null;
  return member?.status === 'active' ? identityOf(member) : null;
}
