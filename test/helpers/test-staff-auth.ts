// A test double of the StaffAuth contract (src/helpdesk/staff-gate.ts) until staff sign-in is merged: the
// test signs a staff identity in and gets a cookie; the gate behaves as the contract says (no session: a
// sign-in redirect for GET, 403 otherwise; a role not listed: 403; a form without the session's `_csrf`: 403)
// and sets res.locals.staff. Behind the real console routes, nothing else is simulated.
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { ProofgateError } from '../../src/core/errors.js';
import type { StaffGate, StaffIdentity } from '../../src/helpdesk/staff-gate.js';

export const TEST_STAFF_COOKIE = 'test-staff-session';

export interface TestStaffAuth extends StaffGate {
  /** Signs `staff` in; returns the Cookie header value and the session's CSRF token. */
  signIn(staff: StaffIdentity): { cookie: string; csrf: string };
}

export function testStaffAuth(): TestStaffAuth {
  const sessions = new Map<string, { staff: StaffIdentity; csrf: string }>();
  const sessionOf = (req: Request) => {
    for (const part of (req.get('cookie') ?? '').split(';')) {
      const [k, v] = part.trim().split('=');
      if (k === TEST_STAFF_COOKIE && v) return sessions.get(v) ?? null;
    }
    return null;
  };
  return {
    signIn(staff) {
      const id = randomBytes(16).toString('hex');
      const csrf = randomBytes(16).toString('hex');
      sessions.set(id, { staff, csrf });
      return { cookie: `${TEST_STAFF_COOKIE}=${id}`, csrf };
    },
    require(roles) {
      return (req, res, next) => {
        const s = sessionOf(req);
        if (!s) {
          if (req.method === 'GET') return res.redirect(303, '/staff/sign-in');
          return next(new ProofgateError('ERR_ACCESS_DENIED', 'sign in as staff first', { status: 403 }));
        }
        if (!roles.includes(s.staff.role)) return next(new ProofgateError('ERR_ACCESS_DENIED', 'your role may not use this page', { status: 403 }));
        if (req.method !== 'GET' && ((req.body ?? {}) as Record<string, unknown>)._csrf !== s.csrf) {
          return next(new ProofgateError('ERR_CSRF', 'missing or wrong CSRF token', { status: 403 }));
        }
        res.locals.staff = s.staff;
        res.locals.testCsrf = s.csrf;
        next();
      };
    },
    csrfToken(res) {
      return String(res.locals.testCsrf ?? '');
    },
  };
}
