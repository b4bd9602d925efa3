// Admits a capture request from its headers alone, before a byte of its body is read: the session must
// exist, be open and unexpired, and the X-CSRF-Token must be its token (flow/open-session-guard.ts, the
// same guard the flow runs again); then the Content-Type must be one the route parses and a declared
// Content-Length must fit the flow's limit. Without this, anyone could make the appliance buffer and
// parse 32 MiB per request for a random session id. A refusal closes the connection after the answer,
// so Node does not drain the unread body either, except when the peer is a trusted reverse proxy: nginx
// has already received and bounded the whole body (client_max_body_size), and a connection closed while
// it is still sending upstream turns the appliance's answer into nginx's 502; Node drains it instead.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ProofgateError } from '../../core/errors.js';
import { peerIsTrusted } from '../../http/public-url.js';
import { requireOpenSession } from '../flow/open-session-guard.js';
import type { DecisionWriters } from '../flow/record-decision.js';
import { verificationFlowFor, type VerificationFlow } from '../flow/choose-flow.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE, IMAGE_MEDIA_TYPES } from '../capture/capture.js';

export interface CaptureBodyLimits {
  /** A raw image body (one selfie): server.maxImageBytes. */
  maxImageBytes: number;
  /** A first-time envelope (documents, selfie, liveness): verification.maxEnvelopeBytes. */
  maxEnvelopeBytes: number;
  /** A returning user's envelope (selfie and liveness only): verification.maxReturningEnvelopeBytes, capped by maxEnvelopeBytes. */
  maxReturningEnvelopeBytes: number;
}

export interface SessionGuard extends DecisionWriters {
  now: () => number;
}

/** What the admission found, for the body parser and the handler after it (res.locals.captureAdmission). */
export interface CaptureAdmission {
  flow: VerificationFlow['flow'];
  format: 'raw-image' | 'envelope';
  /** The body limit for this flow and format. */
  maxBodyBytes: number;
}

export function captureAdmissionOf(res: Response): CaptureAdmission {
  const admission = res.locals.captureAdmission as CaptureAdmission | undefined;
  if (!admission) throw new ProofgateError('ERR_INTERNAL', 'capture route without admission', { status: 500 });
  return admission;
}

export function envelopeLimit(flow: VerificationFlow['flow'], limits: CaptureBodyLimits): number {
  return flow === 'returning' ? Math.min(limits.maxReturningEnvelopeBytes, limits.maxEnvelopeBytes) : limits.maxEnvelopeBytes;
}

function mediaTypeOf(req: Request): string {
  return (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

export function admitCapture(guard: SessionGuard, limits: CaptureBodyLimits): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      const sessionId = typeof req.params.sessionId === 'string' ? req.params.sessionId : '';
      const session = requireOpenSession(guard, sessionId, req.get('x-csrf-token'), guard.now());
      admitCaptureBody(req, res, verificationFlowFor(guard.repo, session).flow, limits);
      next();
    } catch (error) {
      refuseUnread(req, res);
      next(error);
    }
  };
}

/**
 * The header checks after the caller has been authenticated (the computer's CSRF token above, a bound
 * phone in handoff-routes.ts): a media type the route parses and a declared length within the flow's limit.
 */
export function admitCaptureBody(req: Request, res: Response, flow: VerificationFlow['flow'], limits: CaptureBodyLimits): void {
  const mediaType = mediaTypeOf(req);
  const format = mediaType === CAPTURE_ENVELOPE_MEDIA_TYPE ? 'envelope'
    : (IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType) ? 'raw-image' : null;
  if (!format) {
    throw new ProofgateError('ERR_UNSUPPORTED_MEDIA_TYPE', `send image/jpeg, image/png, image/webp or a ${CAPTURE_ENVELOPE_MEDIA_TYPE} envelope`, { status: 415 });
  }
  const maxBodyBytes = format === 'envelope' ? envelopeLimit(flow, limits) : limits.maxImageBytes;
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    throw new ProofgateError('ERR_PAYLOAD_TOO_LARGE', `request body is larger than ${maxBodyBytes} bytes`, { status: 413 });
  }
  res.locals.captureAdmission = { flow, format, maxBodyBytes } satisfies CaptureAdmission;
}

/** A refusal before the body was read: answer and close rather than let Node drain up to 32 MiB per request. */
export function refuseUnread(req: Request, res: Response): void {
  if (!peerIsTrusted(req)) res.setHeader('Connection', 'close');
}
