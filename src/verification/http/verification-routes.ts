// The verification endpoints, as a table (mounted by the app under the public prefix):
//   POST /verify/:sessionId/capture   raw image or capture envelope, X-CSRF-Token header → JSON reply;
//                                     admitted from the headers (admit-capture.ts) before the body is read;
//                                     refusals in JSON with the reference (answer-capture-refusal.ts)
//   POST /verify/:sessionId/cancel    form with csrf field → access_denied form_post to Entra (also when the
//                                     session has expired: the page's expiry timer posts here)
//   GET  /static/*                    the pages' own stylesheet and script (src/pages/static)
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { projectRoot } from '../../core/project-root.js';
import { ProofgateError } from '../../core/errors.js';
import { sendFormPost } from '../../oidc/form-post.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE, IMAGE_MEDIA_TYPES } from '../capture/capture.js';
import { parseCaptureEnvelope, parseRawCapture, type CaptureLimits } from './parse-capture-body.js';
import { admitCapture, captureAdmissionOf, envelopeLimit, type CaptureBodyLimits, type SessionGuard } from './admit-capture.js';
import type { VerificationService } from '../flow/verification-service.js';
import type { Logger } from '../../core/log.js';
import type { ApplianceMetrics } from '../../observability/metrics.js';
import { clientAddress } from '../../http/client-address.js';
import { logCaptureRefusal } from './log-capture-refusal.js';
import { answerCaptureRefusal } from './answer-capture-refusal.js';
import { expiredSessionPostBack } from '../flow/expired-session-post-back.js';
import { parseStationClaim } from '../station/parse-station-claim.js';
import { verifyStationEnvelope, type StationCheckDeps } from '../station/verify-station-envelope.js';

export const STATIC_DIR = path.join(projectRoot, 'src', 'pages', 'static');

export interface VerificationRouteSettings extends CaptureLimits, CaptureBodyLimits {
  maxBodyBytes: number;
}

function sessionIdOf(req: Request): string {
  const id = req.params.sessionId;
  return typeof id === 'string' ? id : '';
}

export function createVerificationRouter(
  service: VerificationService, guard: SessionGuard, settings: VerificationRouteSettings, observe: { log: Logger; metrics: ApplianceMetrics },
  stations: { maxClockSkewMs: number },
): Router {
  const stationCheck: StationCheckDeps = { repo: guard.repo, now: guard.now, maxClockSkewMs: stations.maxClockSkewMs };
  const router = express.Router();
  const rawImage = express.raw({ type: [...IMAGE_MEDIA_TYPES], limit: settings.maxImageBytes });
  // Its own media type: the app's general JSON parser (server.maxBodyBytes) leaves it alone. One parser
  // per flow: a returning user's envelope carries no document images and has the smaller limit.
  const envelopeParser = (limit: number) => express.json({ type: CAPTURE_ENVELOPE_MEDIA_TYPE, limit, strict: true });
  const envelopeFor = { returning: envelopeParser(envelopeLimit('returning', settings)), 'first-time': envelopeParser(envelopeLimit('first-time', settings)) };
  const envelope = (req: Request, res: Response, next: NextFunction) => envelopeFor[captureAdmissionOf(res).flow](req, res, next);
  const cancelForm = express.urlencoded({ extended: false, limit: settings.maxBodyBytes, parameterLimit: 20 });

  const capture = async (req: Request, res: Response): Promise<void> => {
    const sessionId = sessionIdOf(req);
    const contentType = req.get('content-type') ?? '';
    const envelope = req.is(CAPTURE_ENVELOPE_MEDIA_TYPE);
    const captures = envelope
      ? parseCaptureEnvelope(req.body, settings)
      : parseRawCapture(req.body, contentType, settings);
    // Before anything is judged or stored: depth, IR and document evidence counts only when a trusted
    // station signed it (docs/kiosk.md). The admission found the session open; a closed one is refused
    // by the service as before.
    const session = guard.repo.getSession(sessionId);
    const station = session ? verifyStationEnvelope(stationCheck, session, captures, envelope ? parseStationClaim(req.body) : null) : null;
    const reply = await service.receiveCapture(sessionId, req.get('x-csrf-token'), captures, { clientIp: clientAddress(req), station });
    res.setHeader('Cache-Control', 'no-store');
    res.json(reply);
  };

  const cancel = async (req: Request, res: Response): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let postBack;
    try {
      postBack = await service.cancel(sessionIdOf(req), body.csrf, { clientIp: clientAddress(req) });
    } catch (e) {
      // Expired (the guard has just closed and audited it, or the sweep did): back to Entra all the same.
      postBack = expiredSessionPostBack(guard.repo, sessionIdOf(req), body.csrf);
      if (!postBack) throw e;
    }
    sendFormPost(res, postBack);
  };

  router.post('/verify/:sessionId/capture', admitCapture(guard, settings), rawImage, envelope, capture, logCaptureRefusal(observe.log, observe.metrics), answerCaptureRefusal(guard.repo));
  router.post('/verify/:sessionId/cancel', cancelForm, cancel);
  router.all('/verify/:sessionId/capture', (_req, _res, next) => next(new ProofgateError('ERR_BAD_REQUEST', 'use POST', { status: 405 })));
  // Revalidated on every load (ETag) so an upgraded page never runs a cached older script; a missing
  // file falls through to the app's 404.
  router.use('/static', express.static(STATIC_DIR, { index: false, dotfiles: 'deny', cacheControl: true, maxAge: 0, redirect: false }));
  return router;
}
