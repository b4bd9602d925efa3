// The help-desk console (mounted under the public prefix), every route behind staffAuth.require(['helpdesk', 'admin']):
//   GET  /helpdesk                                   find an account; recent requests
//   GET  /helpdesk/accounts?upn=… | ?tid=…&oid=…     the accounts found (audited: who looked for whom)
//   POST /helpdesk/requests                          create a request → its link, code and QR, shown once (audited)
//   GET  /helpdesk/requests/:id                      status (followed live) and, once decided, the result (viewing it is audited)
//   GET  /helpdesk/requests/:id/status               JSON { status } for the page's script
//   POST /helpdesk/requests/:id/revoke               revoke an open request (audited) → 303 to its page
//   GET  /helpdesk/requests/:id/evidence/:evidenceId an evidence image of the result, only for helpdesk.imagesVisibleTo (audited)
import express, { type Request, type Response, type Router } from 'express';
import { ProofgateError } from '../core/errors.js';
import { externalPrefix } from '../http/public-url.js';
import { sendPage } from '../pages/page-shell.js';
import type { SafeHtml } from '../pages/html.js';
import { qrSvgDataUrl } from '../pages/qr-code.js';
import type { OpenedEvidence } from '../store/evidence-cipher.js';
import type { RequestService } from './request-service.js';
import type { RequestResults } from './request-results.js';
import { staffActor, staffOf, type StaffGate } from './staff-gate.js';
import { accountsBody, consoleHomeBody, createdBody, requestBody, type ConsolePaths } from './console-pages.js';

export interface ConsoleDeps {
  requests: RequestService;
  results: RequestResults;
  staffAuth: StaffGate;
  readEvidence: (evidenceId: string) => Promise<OpenedEvidence>;
}

const param = (req: Request, name: string) => (typeof req.params[name] === 'string' ? req.params[name] : '');
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);

function pathsOf(req: Request): ConsolePaths {
  const base = `${externalPrefix(req)}/helpdesk`;
  return { home: base, accounts: `${base}/accounts`, requests: `${base}/requests`, request: (id) => `${base}/requests/${encodeURIComponent(id)}` };
}

export function createConsoleRouter(d: ConsoleDeps): Router {
  const router = express.Router();
  const gate = d.staffAuth.require(['helpdesk', 'admin']);
  const page = (req: Request, res: Response, title: string, body: SafeHtml, status = 200) => {
    sendPage(res, {
      title, language: 'en', staticPath: `${externalPrefix(req)}/static`, formTargetOrigin: "'self'", withScript: false,
      extraScripts: ['helpdesk-console.js'], body,
    }, status);
  };
  const hours = (s: number) => Math.floor(s / 3600);

  router.get('/helpdesk', gate, (req: Request, res: Response) => {
    page(req, res, 'Help desk', consoleHomeBody({ staff: staffOf(res), requests: d.requests.list(50), paths: pathsOf(req) }));
  });

  router.get('/helpdesk/accounts', gate, (req: Request, res: Response) => {
    const staff = staffOf(res);
    const upn = text(req.query.upn);
    const byId = text(req.query.tid) !== undefined || text(req.query.oid) !== undefined;
    const accounts = byId && !upn ? [d.requests.requireKnownAccount(text(req.query.tid), text(req.query.oid))] : d.requests.findByUpn(upn);
    const query = upn ?? `${text(req.query.tid)} / ${text(req.query.oid)}`;
    d.requests.recordAct({
      tid: 'helpdesk', oid: 'account-search', upn: upn ?? null, act: 'helpdesk-account-search', actor: staffActor(staff), at: Date.now(),
      reason: `searched for ${query}: ${accounts.length} account(s)`,
    });
    const { config } = d.requests;
    page(req, res, 'Accounts', accountsBody({
      accounts, query, csrf: d.staffAuth.csrfToken(res), paths: pathsOf(req),
      defaultTtlHours: Math.max(1, hours(config.requestTtlSeconds)), maxTtlHours: Math.max(1, hours(config.maxRequestTtlSeconds)),
    }));
  });

  router.post('/helpdesk/requests', gate, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ttlHours = Number(text(body.ttlHours) ?? hours(d.requests.config.requestTtlSeconds));
    if (!Number.isInteger(ttlHours) || ttlHours < 1) throw new ProofgateError('ERR_BAD_REQUEST', 'ttlHours: expected a whole number of hours', { status: 400 });
    const purpose = text(body.purpose) ?? 'verify';
    const issued = d.requests.create({
      tid: text(body.tid) ?? '', oid: text(body.oid) ?? '', upn: null, purpose: purpose as 'verify', ttlSeconds: ttlHours * 3600, actor: staffActor(staffOf(res)),
    });
    const paths = pathsOf(req);
    page(req, res, 'Verification request', createdBody({
      issued, qr: await qrSvgDataUrl(issued.link), statusUrl: `${paths.request(issued.request.id)}/status`, requestUrl: paths.request(issued.request.id),
    }), 201);
  });

  router.get('/helpdesk/requests/:id', gate, (req: Request, res: Response) => {
    const staff = staffOf(res);
    const stored = d.requests.stored(param(req, 'id'));
    const result = d.results.result(stored);
    if (result) d.requests.recordResultRead(stored, staffActor(staff), 'result viewed in the console');
    const paths = pathsOf(req);
    const base = paths.request(stored.requestId);
    page(req, res, 'Verification request', requestBody({
      request: d.requests.view(stored), result, statusUrl: `${base}/status`, revokeUrl: `${base}/revoke`, csrf: d.staffAuth.csrfToken(res),
      imagesAllowed: d.requests.config.imagesVisibleTo.includes(staff.role), evidenceUrl: (id) => `${base}/evidence/${encodeURIComponent(id)}`, paths,
    }));
  });

  // The request page polls this every 2 s: not the agent's activity (an open page must still idle out).
  router.get('/helpdesk/requests/:id/status', d.staffAuth.require(['helpdesk', 'admin'], { passive: true }), (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: d.requests.get(param(req, 'id')).status });
  });

  router.post('/helpdesk/requests/:id/revoke', gate, (req: Request, res: Response) => {
    const revoked = d.requests.revoke(param(req, 'id'), staffActor(staffOf(res)));
    res.redirect(303, pathsOf(req).request(revoked.id));
  });

  router.get('/helpdesk/requests/:id/evidence/:evidenceId', gate, async (req: Request, res: Response) => {
    const staff = staffOf(res);
    if (!d.requests.config.imagesVisibleTo.includes(staff.role)) throw new ProofgateError('ERR_ACCESS_DENIED', 'your role may not see evidence images', { status: 403 });
    const stored = d.requests.stored(param(req, 'id'));
    const evidenceId = param(req, 'evidenceId');
    const result = d.results.result(stored);
    const listed = result?.evidence.find((e) => e.evidenceId === evidenceId);
    if (!listed) throw new ProofgateError('ERR_NOT_FOUND', 'no such evidence for this request', { status: 404 });
    const opened = await d.readEvidence(evidenceId);
    d.requests.recordResultRead(stored, staffActor(staff), `evidence image ${evidenceId} (${listed.kind}) viewed`);
    res.setHeader('Cache-Control', 'no-store');
    res.type(opened.record.mediaType).send(opened.bytes);
  });
  return router;
}
