// The phone hand-off's endpoints (mounted beside the verification routes, under the public prefix):
//   the computer (the capture page's static/handoff.js, authenticated as the capture route is: the
//   session id and its CSRF token):
//     POST /verify/:sessionId/handoff                        X-CSRF-Token → JSON { qr, code, expiresAt, … }
//     GET  /verify/:sessionId/handoff/:handoffId/events      Server-Sent Events: { state } per change
//     GET  /verify/:sessionId/handoff/:handoffId/status      JSON { state } (the fallback when SSE fails)
//     POST /verify/:sessionId/handoff/:handoffId/complete    form with csrf → the form_post to Entra
//   the phone (authenticated by the cookie it got when it opened the link, plus its own CSRF token):
//     GET  /handoff/:token                                   opens the link once, sets the cookie → 303
//     GET  /handoff/p/:handoffId                             confirm the code, then the capture page
//     POST /handoff/p/:handoffId/confirm                     form with csrf → 303 to the page
//     POST /handoff/p/:handoffId/capture                     as /verify/:id/capture; never answers the post-back
//     POST /handoff/p/:handoffId/cancel                      form with csrf → "stopped"
//     GET  /handoff/p/:handoffId/status                      JSON { state }
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ProofgateError } from '../../core/errors.js';
import { hintUpn } from '../../core/domain.js';
import type { Logger } from '../../core/log.js';
import { clientAddress } from '../../http/client-address.js';
import { externalPrefix } from '../../http/public-url.js';
import type { ApplianceMetrics } from '../../observability/metrics.js';
import { sendFormPost } from '../../oidc/form-post.js';
import { sendPage } from '../../pages/page-shell.js';
import { qrSvgDataUrl } from '../../pages/qr-code.js';
import { capturePageBody } from '../../pages/capture-page.js';
import { handoffConfirmBody, handoffEndBody, handoffPhoneStatus } from '../../pages/handoff-phone-page.js';
import { html } from '../../pages/html.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE, IMAGE_MEDIA_TYPES } from '../capture/capture.js';
import type { HandoffProgress, HandoffService } from '../flow/handoff-service.js';
import { admitCaptureBody, envelopeLimit, refuseUnread, type CaptureBodyLimits } from './admit-capture.js';
import { parseCaptureEnvelope, parseRawCapture, type CaptureLimits } from './parse-capture-body.js';
import { logCaptureRefusal } from './log-capture-refusal.js';
import { ProgressStreams } from './handoff-events.js';
import { handoffPaths, phonePaths } from './verification-paths.js';
import type { CapturePageSettings } from './verification-ui.js';
import { capturePageModel } from './verification-ui.js';
import { negotiateLanguage } from '../../pages/messages/negotiate-language.js';

export const HANDOFF_COOKIE = 'proofgate_handoff';

export interface HandoffRouteSettings extends CaptureLimits, CaptureBodyLimits {
  maxBodyBytes: number;
  /** server.publicBaseUrl: the QR link is built on it (the issuer's URL, the one the phone must reach). */
  publicBaseUrl: string;
}

const param = (req: Request, name: string) => (typeof req.params[name] === 'string' ? req.params[name] : '');

/** The hand-off cookie's value from the Cookie header (no cookie parser in the app: this is its one cookie). */
function phoneSecretOf(req: Request): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === HANDOFF_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

export function createHandoffRouter(
  handoffs: HandoffService, page: CapturePageSettings, settings: HandoffRouteSettings, observe: { log: Logger; metrics: ApplianceMetrics; now: () => number },
): Router {
  const router = express.Router();
  const streams = new ProgressStreams(handoffs.config);
  const form = express.urlencoded({ extended: false, limit: settings.maxBodyBytes, parameterLimit: 20 });
  const rawImage = express.raw({ type: [...IMAGE_MEDIA_TYPES], limit: settings.maxImageBytes });
  const envelope = express.json({ type: CAPTURE_ENVELOPE_MEDIA_TYPE, limit: envelopeLimit('returning', settings), strict: true });
  const origin = (req: Request) => ({ clientIp: clientAddress(req) });
  const csrfField = (req: Request) => ((req.body ?? {}) as Record<string, unknown>).csrf;
  const json = (res: Response, body: unknown) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  };
  // fetch() and EventSource callers: errors answer in JSON whatever the Accept header says.
  const jsonErrors = (err: unknown, req: Request, _res: Response, next: NextFunction) => {
    req.headers.accept = 'application/json';
    next(err);
  };
  const phonePage = (req: Request, res: Response, title: string, body: ReturnType<typeof html>, withScript = false, status = 200) => {
    sendPage(res, { title, language: negotiateLanguage(req.get('accept-language')), staticPath: `${externalPrefix(req)}/static`, formTargetOrigin: "'self'", withScript, body }, status);
  };
  // Every refused link or binding gets the same page (handoff-service.ts says why).
  const refusedPage = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ProofgateError && err.code === 'ERR_NOT_FOUND') {
      phonePage(req, res, 'This link cannot be used', handoffEndBody('refused'), false, 404);
      return;
    }
    next(err);
  };

  // ---- the computer
  router.post('/verify/:sessionId/handoff', async (req: Request, res: Response) => {
    const sessionId = param(req, 'sessionId');
    const issued = handoffs.issue(sessionId, req.get('x-csrf-token'), origin(req));
    const url = `${settings.publicBaseUrl.replace(/\/+$/, '')}/handoff/${issued.token}`;
    const paths = handoffPaths(externalPrefix(req), sessionId, issued.handoffId);
    json(res, { handoffId: issued.handoffId, code: issued.code, expiresAt: issued.expiresAt, qr: await qrSvgDataUrl(url), url, ...paths });
  }, jsonErrors);
  router.get('/verify/:sessionId/handoff/:handoffId/status', (req: Request, res: Response) => {
    json(res, { state: handoffs.progress(param(req, 'sessionId'), param(req, 'handoffId')) });
  }, jsonErrors);
  router.get('/verify/:sessionId/handoff/:handoffId/events', (req: Request, res: Response) => {
    const sessionId = param(req, 'sessionId');
    const handoffId = param(req, 'handoffId');
    const progress = (): HandoffProgress => handoffs.progress(sessionId, handoffId);
    streams.stream(req, res, sessionId, progress, handoffs.sessionExpiry(sessionId), observe.now);
  }, jsonErrors);
  router.post('/verify/:sessionId/handoff/:handoffId/complete', form, (req: Request, res: Response) => {
    sendFormPost(res, handoffs.complete(param(req, 'sessionId'), param(req, 'handoffId'), csrfField(req)));
  });

  // ---- the phone
  router.get('/handoff/:token', (req: Request, res: Response) => {
    const binding = handoffs.open(param(req, 'token'), origin(req));
    const paths = phonePaths(externalPrefix(req), binding.handoff.handoffId);
    res.cookie(HANDOFF_COOKIE, binding.phoneSecret, {
      httpOnly: true, sameSite: 'strict', secure: settings.publicBaseUrl.startsWith('https:'), path: paths.page,
      maxAge: Math.max(0, binding.validUntil - observe.now()),
    });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, paths.page);
  }, refusedPage);
  router.get('/handoff/p/:handoffId', (req: Request, res: Response) => {
    const handoffId = param(req, 'handoffId');
    const { handoff, session } = handoffs.phone(handoffId, phoneSecretOf(req));
    const state = handoffs.phoneProgress(handoffId, phoneSecretOf(req));
    const paths = phonePaths(externalPrefix(req), handoffId);
    if (state === 'decided') return phonePage(req, res, 'Done', handoffEndBody('done'));
    if (state !== 'opened' && state !== 'confirmed') return phonePage(req, res, 'This link cannot be used', handoffEndBody('refused'), false, 404);
    const accountLabel = hintUpn(session) ?? 'this account';
    if (state === 'opened') {
      return phonePage(req, res, 'Check the code', handoffConfirmBody({
        accountLabel, code: handoff.code, confirmUrl: paths.confirm, cancelUrl: paths.cancel, csrfToken: handoff.phoneCsrf ?? '',
      }));
    }
    const model = capturePageModel(page, session, { captureUrl: paths.capture, cancelUrl: paths.cancel, csrfToken: handoff.phoneCsrf ?? '' }, accountLabel, negotiateLanguage(req.get('accept-language')));
    phonePage(req, res, 'Confirm it is you', html`${capturePageBody(model)}${handoffPhoneStatus(paths.status, `${externalPrefix(req)}/static`)}`, true);
  }, refusedPage);
  router.post('/handoff/p/:handoffId/confirm', form, (req: Request, res: Response) => {
    const handoffId = param(req, 'handoffId');
    handoffs.confirm(handoffId, phoneSecretOf(req), csrfField(req), origin(req));
    res.redirect(303, phonePaths(externalPrefix(req), handoffId).page);
  }, refusedPage);
  router.post('/handoff/p/:handoffId/cancel', form, async (req: Request, res: Response) => {
    await handoffs.cancel(param(req, 'handoffId'), phoneSecretOf(req), csrfField(req), origin(req));
    phonePage(req, res, 'Stopped', handoffEndBody('stopped'));
  }, refusedPage);
  router.get('/handoff/p/:handoffId/status', (req: Request, res: Response) => {
    json(res, { state: handoffs.phoneProgress(param(req, 'handoffId'), phoneSecretOf(req)) });
  }, jsonErrors);
  const admitPhone = (req: Request, res: Response, next: NextFunction) => {
    try {
      const handoffId = param(req, 'handoffId');
      handoffs.admitPhoneCapture(handoffId, phoneSecretOf(req), req.get('x-csrf-token'));
      admitCaptureBody(req, res, 'returning', settings);
      next();
    } catch (error) {
      refuseUnread(req, res);
      next(error);
    }
  };
  router.post('/handoff/p/:handoffId/capture', admitPhone, rawImage, envelope, async (req: Request, res: Response) => {
    const captures = req.is(CAPTURE_ENVELOPE_MEDIA_TYPE)
      ? parseCaptureEnvelope(req.body, settings)
      : parseRawCapture(req.body, req.get('content-type') ?? '', settings);
    json(res, await handoffs.capture(param(req, 'handoffId'), phoneSecretOf(req), req.get('x-csrf-token'), captures, origin(req)));
  }, logCaptureRefusal(observe.log, observe.metrics), jsonErrors);
  return router;
}
