// Held enrolments in the console (mounted under the public prefix), admins only (a help-desk agent is refused):
//   GET  /helpdesk/holds                  the holds, newest first (?state=held|released|rejected|erased)
//   POST /helpdesk/holds/:holdId/release  store the held enrolment as the account's profile (audited) → 303 to the list
//   POST /helpdesk/holds/:holdId/reject   discard it (audited) → 303 to the list
// The acts are src/verification/flow/enrolment-holds.ts, with the signed-in admin as the audit record's actor;
// a malformed id is 400, an unknown one 404, a hold already settled 409, and a refusal writes nothing.
import express, { type Request, type Response, type Router } from 'express';
import { ProofgateError } from '../core/errors.js';
import { externalPrefix } from '../http/public-url.js';
import { sendPage } from '../pages/page-shell.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { Repository } from '../store/repository.js';
import type { EnrolmentHoldState } from '../store/enrolment-hold-store.js';
import { listEnrolmentHolds, rejectEnrolmentHold, releaseEnrolmentHold } from '../verification/flow/enrolment-holds.js';
import { staffActor, staffOf, type StaffGate } from './staff-gate.js';
import { holdsBody, type HoldsPaths } from './holds-pages.js';

export const HOLDS_PATH = '/helpdesk/holds';
const STATES: readonly EnrolmentHoldState[] = ['held', 'released', 'rejected', 'erased'];
/** The page lists at most this many holds (the CLI pages through more: `proofgate enrolment holds --limit`). */
const LIST_LIMIT = 200;

export interface HoldsDeps {
  repository: Repository;
  audit: AuditWriter;
  staffAuth: StaffGate;
  now?: () => number;
}

const param = (req: Request, name: string) => (typeof req.params[name] === 'string' ? req.params[name] : '');

function pathsOf(req: Request): HoldsPaths {
  const prefix = externalPrefix(req);
  const base = `${prefix}${HOLDS_PATH}`;
  return {
    home: `${prefix}/helpdesk`, release: (id) => `${base}/${encodeURIComponent(id)}/release`, reject: (id) => `${base}/${encodeURIComponent(id)}/reject`,
  };
}

export function createHoldsRouter(d: HoldsDeps): Router {
  const router = express.Router();
  const gate = d.staffAuth.require(['admin']);
  const deps = { repo: d.repository, audit: d.audit, now: d.now };

  router.get(HOLDS_PATH, gate, (req: Request, res: Response) => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    if (state !== undefined && !STATES.includes(state as EnrolmentHoldState)) {
      throw new ProofgateError('ERR_BAD_REQUEST', `state: expected one of ${STATES.join(', ')}`, { status: 400 });
    }
    const holds = listEnrolmentHolds(d.repository, { state: state as EnrolmentHoldState | undefined, limit: LIST_LIMIT });
    sendPage(res, {
      title: 'Held enrolments', language: 'en', staticPath: `${externalPrefix(req)}/static`, formTargetOrigin: "'self'", withScript: false,
      body: holdsBody({ staff: staffOf(res), holds, csrf: d.staffAuth.csrfToken(res), paths: pathsOf(req) }),
    });
  });

  router.post(`${HOLDS_PATH}/:holdId/release`, gate, (req: Request, res: Response) => {
    releaseEnrolmentHold(deps, param(req, 'holdId'), { actor: staffActor(staffOf(res)) });
    res.redirect(303, `${externalPrefix(req)}${HOLDS_PATH}`);
  });

  router.post(`${HOLDS_PATH}/:holdId/reject`, gate, (req: Request, res: Response) => {
    rejectEnrolmentHold(deps, param(req, 'holdId'), { actor: staffActor(staffOf(res)) });
    res.redirect(303, `${externalPrefix(req)}${HOLDS_PATH}`);
  });
  return router;
}
