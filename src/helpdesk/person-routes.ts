// The person's routes of a verification request (mounted under the public prefix):
//   GET  /r             the short-code page
//   POST /r             upn + code → the capture page (or "go to a kiosk"); a wrong code is counted
//   GET  /r/:token      the link's landing page (writes nothing: link previews fetch it)
//   POST /r/:token      Start → the capture page (or "go to a kiosk")
//   POST /r/done        where the capture page sends the person once decided: "done — you can tell the agent"
// The capture page is the returning user's (remote liveness tier); its captures and cancel go to the usual
// /verify/:sessionId/… routes, and the request completer (request-completer.ts) ends the request.
// Every refused link or code gets the same page and status, whatever the reason.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ProofgateError } from '../core/errors.js';
import { hintUpn } from '../core/domain.js';
import { clientAddress } from '../http/client-address.js';
import { externalPrefix } from '../http/public-url.js';
import { sendPage } from '../pages/page-shell.js';
import type { SafeHtml } from '../pages/html.js';
import { capturePageBody } from '../pages/capture-page.js';
import { negotiateLanguage } from '../pages/messages/negotiate-language.js';
import { capturePageModel, type CapturePageSettings } from '../verification/http/verification-ui.js';
import { verificationPaths } from '../verification/http/verification-paths.js';
import type { PersonStart, RequestService } from './request-service.js';
import type { StoredRequest } from '../store/request-store.js';
import { codeBody, doneBody, kioskBody, landingBody, refusedBody } from './person-pages.js';

const param = (req: Request, name: string) => (typeof req.params[name] === 'string' ? req.params[name] : '');
const field = (req: Request, name: string) => ((req.body ?? {}) as Record<string, unknown>)[name];
const REFERENCE = /^[A-Za-z0-9_-]{1,16}$/;

/**
 * What the done page adds for the person whose session decided the request (their session id and its CSRF
 * token came with the completion form): e.g. a recovery's Temporary Access Pass, shown once. Null: nothing.
 */
export type CompletionExtras = (request: StoredRequest, page: { staticPath: string }) => Promise<SafeHtml | null>;

export function createPersonRouter(requests: RequestService, capturePage: CapturePageSettings, completionExtras?: CompletionExtras): Router {
  const router = express.Router();
  const page = (req: Request, res: Response, title: string, body: SafeHtml, withScript = false, status = 200) => {
    sendPage(res, { title, language: negotiateLanguage(req.get('accept-language')), staticPath: `${externalPrefix(req)}/static`, formTargetOrigin: "'self'", withScript, body }, status);
  };
  const refusedPage = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ProofgateError && err.code === 'ERR_NOT_FOUND') return page(req, res, 'This link or code cannot be used', refusedBody(), false, 404);
    next(err);
  };
  const origin = (req: Request) => ({ clientIp: clientAddress(req), doneUrl: requests.doneUrl });
  const answer = (req: Request, res: Response, started: PersonStart) => {
    const label = started.request.upn ?? 'your account';
    if (started.kind === 'no-profile') return page(req, res, 'Go to a verification kiosk', kioskBody(label));
    const { session } = started;
    const paths = verificationPaths(externalPrefix(req), session.sessionId);
    const model = capturePageModel(capturePage, session, { captureUrl: paths.capture, cancelUrl: paths.cancel, csrfToken: session.csrfToken },
      hintUpn(session) ?? label, negotiateLanguage(req.get('accept-language')));
    page(req, res, 'Confirm it is you', capturePageBody(model), true);
  };

  router.get('/r', (req: Request, res: Response) => {
    page(req, res, 'Verify with a code', codeBody({ actionUrl: `${externalPrefix(req)}/r`, codeLength: requests.config.codeLength }));
  });
  router.post('/r', (req: Request, res: Response) => {
    answer(req, res, requests.startFromCode(field(req, 'upn'), field(req, 'code'), origin(req)));
  }, refusedPage);
  router.post('/r/done', async (req: Request, res: Response) => {
    const reference = field(req, 'reference');
    const decided = completionExtras ? requests.decidedBySession(field(req, 'session'), field(req, 'csrf')) : null;
    const extras = decided && completionExtras ? await completionExtras(decided, { staticPath: `${externalPrefix(req)}/static` }) : null;
    page(req, res, 'Done', doneBody(typeof reference === 'string' && REFERENCE.test(reference) ? reference : null, extras));
  });
  router.get('/r/:token', (req: Request, res: Response) => {
    const request = requests.peekLink(param(req, 'token'));
    page(req, res, 'Confirm it is you', landingBody({ accountLabel: request.upn ?? 'your account', startUrl: `${externalPrefix(req)}/r/${param(req, 'token')}` }));
  }, refusedPage);
  router.post('/r/:token', (req: Request, res: Response) => {
    answer(req, res, requests.startFromLink(param(req, 'token'), origin(req)));
  }, refusedPage);
  return router;
}
