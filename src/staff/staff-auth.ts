// Staff sign-in with passkeys, as one router and one gate (docs/helpdesk.md, "Staff accounts and passkeys").
//
//   GET  /staff/register/:token          the registration page of a one-time link (GET never burns it)
//   POST /staff/register/:token/options  WebAuthn creation options; the challenge is stored for the link
//   POST /staff/register/:token          the answer: passkey stored, link burned, audited, signed in
//   GET  /staff/sign-in                  the sign-in page
//   POST /staff/sign-in/options          WebAuthn request options (discoverable credentials)
//   POST /staff/sign-in                  the answer: audited, session cookie set
//   POST /staff/sign-out                 (signed in, CSRF) ends the session, audited
//   GET  /staff                          (any role) what the role can reach
//   GET  /staff/admin                    (admin) the staff list; POST /staff/admin/:id/revoke (admin, CSRF), audited
//   GET  /staff/static/<file>            the stylesheet, the WebAuthn browser bundle, staff-passkey.js
//
// The ceremonies' POSTs come before any session, so they are guarded by the Origin header (it must be the
// configured origin), a JSON body (a cross-site form cannot send one) and a per-address attempt limit.
// Everything after sign-in goes through require(roles): session, role and, for non-GET, the CSRF token.
import path from 'node:path';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ProofgateConfig } from '../config/index.js';
import { ProofgateError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { projectRoot } from '../core/project-root.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import { clientAddress } from '../http/client-address.js';
import { externalPrefix } from '../http/public-url.js';
import { sendErrorView } from '../http/error-handler.js';
import { describeError } from '../core/describe-error.js';
import type { Repository } from '../store/repository.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { finishRegistration, finishSignIn, memberOfLink, registrationOptions, signInOptions, type CeremonyDeps, type SignedIn } from './passkey-ceremonies.js';
import { recordStaffAct, revokeStaff, STAFF_ID } from './staff-admin.js';
import type { StaffIdentity, StaffRole } from './staff-identity.js';
import { adminPage, BUILT_IN_PLACES, homePage, registrationPage, signInPage, unavailablePage, type StaffPlaces } from './staff-pages.js';
import { STAFF_PATHS } from './staff-paths.js';
import { sameSecret, sha256Hex } from '../core/secrets.js';
import { clearStaffCookie, currentStaffSession, staffCookieOf, startStaffSession, type CurrentStaffSession, type SessionLifetimes } from './staff-session.js';

export interface StaffAuth {
  /** /staff/register/:token, /staff/sign-in, /staff/sign-out, /staff (home), /staff/admin, /staff/static. Mount at '/'. */
  router: Router;
  /**
   * Gate for a page or form route: a signed-in staff session of one of these roles, else a redirect to
   * sign-in (GET, HEAD) or 403 (others); for non-GET it also checks the CSRF token (body field `_csrf`).
   * Sets res.locals.staff (a StaffIdentity). A `passive` route (a page script's status poll) is gated the
   * same but does not count as activity: a console left open does not keep its session from idling out.
   */
  require(roles: readonly StaffRole[], opts?: { passive?: boolean }): RequestHandler;
  /** The CSRF token a form rendered for this staff session must carry as `_csrf` (after require()). */
  csrfToken(res: Response): string;
}

export interface StaffAuthDeps {
  config: Pick<ProofgateConfig, 'staff' | 'server'>;
  repository: Repository;
  audit: AuditWriter;
  log: Logger;
  /** Pages other units add for a role, listed on the home page after the built-in ones (e.g. helpdesk: /helpdesk). */
  places?: Partial<StaffPlaces>;
  now?: () => number;
}

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  'verify.css': { file: path.join(projectRoot, 'src', 'pages', 'static', 'verify.css'), type: 'text/css; charset=utf-8' },
  'staff-passkey.js': { file: path.join(projectRoot, 'src', 'pages', 'static', 'staff-passkey.js'), type: 'text/javascript; charset=utf-8' },
  'webauthn-browser.js': { file: path.join(projectRoot, 'node_modules', '@simplewebauthn', 'browser', 'dist', 'bundle', 'index.umd.min.js'), type: 'text/javascript; charset=utf-8' },
};

const UNAVAILABLE = 'staff passkeys need the appliance to be reached by a host name: server.publicBaseUrl (or staff.rpId) is an IP address';

function refused(message: string, status = 403): ProofgateError {
  return new ProofgateError('ERR_ACCESS_DENIED', message, { status });
}

const isRead = (req: Request) => req.method === 'GET' || req.method === 'HEAD';
const wrap = (fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler =>
  (req, res, next) => { Promise.resolve().then(() => fn(req, res)).catch(next); };

export function createStaffAuth(deps: StaffAuthDeps): StaffAuth {
  const { staff } = deps.config;
  const now = deps.now ?? Date.now;
  const store = deps.repository.staff;
  const life: SessionLifetimes = { idleMs: staff.session.idleSeconds * 1000, absoluteMs: staff.session.absoluteSeconds * 1000 };
  const limiter = new AttemptLimiter(staff.signIn);
  const rpId = staff.rpId;
  const ceremony: CeremonyDeps | null = rpId === null ? null : { repo: deps.repository, audit: deps.audit, staff: { ...staff, rpId }, now };
  const router = express.Router();

  const session = (res: Response): CurrentStaffSession => {
    const s = res.locals.staffSession as CurrentStaffSession | undefined;
    if (!s) throw new ProofgateError('ERR_INTERNAL', 'csrfToken() used on a route without require()', { expose: false });
    return s;
  };

  // A deployment setting, not an outage: answered without the server-error log (its path may hold a link token).
  const unavailable = (req: Request, res: Response) => sendErrorView(req, res, describeError(new ProofgateError('ERR_CONFIG', UNAVAILABLE, { status: 503 })));

  const gate = (roles: readonly StaffRole[], opts: { passive?: boolean } = {}): RequestHandler => (req, res, next) => {
    if (!ceremony) {
      unavailable(req, res);
      return;
    }
    const s = currentStaffSession(store, req, now(), life, { activity: opts.passive !== true });
    if (!s) {
      if (isRead(req)) res.redirect(303, `${externalPrefix(req)}${STAFF_PATHS.signIn}`);
      else next(refused('sign in first: no staff session, or it has ended'));
      return;
    }
    if (!roles.includes(s.staff.role)) {
      deps.log('staff-role-refused', { staffId: s.staff.id, role: s.staff.role, path: req.path.slice(0, 200) }, 'warn');
      next(refused(`your role (${s.staff.role}) cannot use this page`));
      return;
    }
    // Forms send it as _csrf; a page script's fetch may send it as X-CSRF-Token instead.
    const sent = req.get('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
    if (!isRead(req) && !sameSecret(sent, s.csrfToken)) {
      next(new ProofgateError('ERR_CSRF', 'the form is stale or did not come from this site; reload the page', { status: 403 }));
      return;
    }
    res.locals.staff = s.staff satisfies StaffIdentity;
    res.locals.staffSession = s;
    next();
  };

  // The ceremonies' POSTs: Origin, JSON, attempt limit (before anything is read or stored).
  const ceremonyGuard: RequestHandler = (req, res, next) => {
    if (!ceremony) return unavailable(req, res);
    if (req.get('origin') !== staff.origin) return next(new ProofgateError('ERR_CSRF', 'the request did not come from the appliance\'s own pages', { status: 403 }));
    if (!req.is('application/json')) return next(new ProofgateError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send application/json', { status: 415 }));
    if (!limiter.allow(clientAddress(req), now())) {
      deps.log('staff-attempts-limited', { clientIp: clientAddress(req) }, 'warn');
      return next(refused('too many passkey attempts from this address; wait a few minutes', 429));
    }
    res.setHeader('Cache-Control', 'no-store');
    next();
  };

  // A new sign-in replaces whatever session this browser held (no session outlives its cookie being replaced).
  const signInHere = (req: Request, res: Response) => (s: SignedIn) => {
    const previous = staffCookieOf(req);
    if (previous) store.endSession(sha256Hex(previous));
    startStaffSession(store, res, { staffId: s.member.staffId, credentialId: s.credentialId }, now(), life);
  };
  const tokenOf = (req: Request) => String(req.params.token ?? '');

  router.get(`${STAFF_PATHS.static}/:file`, (req, res, next) => {
    const asset = Object.hasOwn(STATIC_FILES, req.params.file) ? STATIC_FILES[req.params.file] : undefined;
    if (!asset) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.type(asset.type);
    res.sendFile(asset.file, (e) => { if (e) next(e); });
  });

  router.get(`${STAFF_PATHS.register}/:token`, (req, res) => {
    if (!ceremony) return unavailablePage(res, externalPrefix(req), UNAVAILABLE);
    const { member } = memberOfLink(deps.repository, tokenOf(req), now());
    registrationPage(res, externalPrefix(req), tokenOf(req), member);
  });
  router.post(`${STAFF_PATHS.register}/:token/options`, ceremonyGuard, wrap(async (req, res) => {
    res.json({ options: await registrationOptions(ceremony!, tokenOf(req)) });
  }));
  router.post(`${STAFF_PATHS.register}/:token`, ceremonyGuard, wrap(async (req, res) => {
    const { member } = await finishRegistration(ceremony!, tokenOf(req), req.body, signInHere(req, res));
    deps.log('staff-passkey-registered', { staffId: member.staffId });
    res.json({ ok: true, next: `${externalPrefix(req)}${STAFF_PATHS.home}` });
  }));

  router.get(STAFF_PATHS.signIn, (req, res) => {
    if (!ceremony) return unavailablePage(res, externalPrefix(req), UNAVAILABLE);
    signInPage(res, externalPrefix(req));
  });
  router.post(`${STAFF_PATHS.signIn}/options`, ceremonyGuard, wrap(async (_req, res) => {
    res.json({ options: await signInOptions(ceremony!) });
  }));
  router.post(STAFF_PATHS.signIn, ceremonyGuard, wrap(async (req, res) => {
    try {
      const { member } = await finishSignIn(ceremony!, req.body, signInHere(req, res));
      deps.log('staff-signed-in', { staffId: member.staffId, role: member.role });
      res.json({ ok: true, next: `${externalPrefix(req)}${STAFF_PATHS.home}` });
    } catch (e) {
      deps.log('staff-sign-in-refused', { clientIp: clientAddress(req), error: (e as ProofgateError).code ?? 'ERR_INTERNAL' }, 'warn');
      throw e;
    }
  }));

  const everyone = gate(['helpdesk', 'kiosk-operator', 'admin']);
  router.post(STAFF_PATHS.signOut, everyone, (req, res) => {
    const s = session(res);
    const at = now();
    deps.repository.transaction(() => {
      store.endSession(s.sessionSha256);
      const member = store.getStaff(s.staff.id)!;
      recordStaffAct(deps.audit, member, 'staff-sign-out', `staff ${member.staffId} ("${member.name}") signed out`, at, s.staff);
    });
    clearStaffCookie(res);
    res.redirect(303, `${externalPrefix(req)}${STAFF_PATHS.signIn}`);
  });
  const placesOf = (role: StaffRole) => [...(deps.places?.[role] ?? []), ...BUILT_IN_PLACES[role]];
  router.get(STAFF_PATHS.home, everyone, (req, res) => homePage(res, externalPrefix(req), session(res).staff, session(res).csrfToken, placesOf(session(res).staff.role)));

  const admins = gate(['admin']);
  router.get(STAFF_PATHS.admin, admins, (req, res) => {
    // After a revocation (post/redirect/get): name whom, read back from the store, never echoed from the URL.
    const revokedId = typeof req.query.revoked === 'string' && STAFF_ID.test(req.query.revoked) ? req.query.revoked : null;
    const revoked = revokedId ? store.getStaff(revokedId) : null;
    const notice = revoked?.status === 'revoked' ? `${revoked.name} revoked: their passkeys and sessions have ended.` : null;
    adminPage(res, externalPrefix(req), session(res).staff, session(res).csrfToken, store.listStaff(), notice);
  });
  router.post(`${STAFF_PATHS.admin}/:staffId/revoke`, admins, (req, res) => {
    const s = session(res);
    if (String(req.params.staffId).toLowerCase() === s.staff.id) throw new ProofgateError('ERR_BAD_REQUEST', 'you cannot revoke your own account here', { status: 400 });
    const { member, audit } = revokeStaff({ repo: deps.repository, audit: deps.audit, now }, { staffId: String(req.params.staffId), actor: s.staff });
    deps.log('staff-revoked', { staffId: member.staffId, by: s.staff.id, auditSeq: audit.seq });
    res.redirect(303, `${externalPrefix(req)}${STAFF_PATHS.admin}?revoked=${member.staffId}`);
  });

  return {
    router,
    require: gate,
    csrfToken: (res) => session(res).csrfToken,
  };
}

