// The help desk's view of staff sign-in: the StaffAuth contract (src/staff/staff-auth.ts once staff
// accounts are merged) reduced to what the console needs. The console never authenticates anyone itself:
// every console route passes `require(['helpdesk', 'admin'])`, which answers a sign-in redirect (GET) or
// 403 (others, or a wrong role), checks the CSRF field `_csrf` of a form, and sets res.locals.staff.
import type { RequestHandler, Response } from 'express';
import type { AuditActor } from '../core/domain.js';
import { ProofgateError } from '../core/errors.js';

export type StaffRole = 'helpdesk' | 'kiosk-operator' | 'admin';

export interface StaffIdentity {
  id: string;
  name: string;
  role: StaffRole;
}

export interface StaffGate {
  require(roles: readonly StaffRole[]): RequestHandler;
  /** The CSRF token a form rendered for this staff session must carry as `_csrf`. */
  csrfToken(res: Response): string;
}

/** The signed-in staff member the gate let through (res.locals.staff). */
export function staffOf(res: Response): StaffIdentity {
  const staff = (res.locals as { staff?: StaffIdentity }).staff;
  if (!staff || typeof staff.id !== 'string') throw new ProofgateError('ERR_ACCESS_DENIED', 'sign in as staff first', { status: 403 });
  return staff;
}

export function staffActor(s: StaffIdentity): AuditActor {
  return { kind: 'staff', id: s.id, name: s.name, role: s.role };
}

/**
 * The gate while no staff sign-in is wired (src/staff is merged separately): every console route answers
 * 403 saying so, rather than a console nobody can be held to account for.
 */
export const noStaffSignIn: StaffGate = {
  require: () => (_req, _res, next) => next(new ProofgateError('ERR_ACCESS_DENIED', 'staff sign-in is not set up on this appliance: the help-desk console is closed', { status: 403 })),
  csrfToken: () => '',
};
