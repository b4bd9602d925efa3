// The help desk's view of staff sign-in (src/staff): the console never authenticates anyone itself. Every
// console route passes `require(['helpdesk', 'admin'])`, which answers a sign-in redirect (GET) or 403
// (others, or a wrong role), checks the CSRF field `_csrf` of a form, and sets res.locals.staff.
import type { Response } from 'express';
import { ProofgateError } from '../core/errors.js';
import type { StaffAuth } from '../staff/staff-auth.js';
import type { StaffIdentity } from '../staff/staff-identity.js';

export { staffActor, type StaffIdentity, type StaffRole } from '../staff/staff-identity.js';

/** What the console needs of StaffAuth (tests may pass a double of just this). */
export type StaffGate = Pick<StaffAuth, 'require' | 'csrfToken'>;

/** The signed-in staff member the gate let through (res.locals.staff). */
export function staffOf(res: Response): StaffIdentity {
  const staff = (res.locals as { staff?: StaffIdentity }).staff;
  if (!staff || typeof staff.id !== 'string') throw new ProofgateError('ERR_ACCESS_DENIED', 'sign in as staff first', { status: 403 });
  return staff;
}
