// One place that turns a failed step into the API's answer. A device that fails mid-flow (unplugged,
// removed, stalled, corrupt output), a clock the appliance would refuse, or anything unexpected drops the
// session's captures, so the page returns to its start screen and nothing half-captured is ever signed;
// only a wrong chip access key keeps the session (the person may type it again).
import type { Response } from 'express';
import { KioskDeviceError, type KioskDeviceErrorCode } from '../devices/device-error.js';
import { ClockCheckError } from '../clock/appliance-clock.js';
import { NonceMismatchError, SessionGoneError, SessionLimitError } from '../session/held-captures.js';
import { BadKioskRequest } from './kiosk-requests.js';

const DEVICE_STATUS: Readonly<Record<KioskDeviceErrorCode, number>> = {
  unplugged: 503, removed: 503, timeout: 504, busy: 409, corrupt: 502, 'access-denied': 403,
};

export class KioskApiError extends Error {
  constructor(readonly status: number, readonly error: string, message: string, readonly messageKey = `kiosk.${error}`) {
    super(message);
  }
}

export interface FailureOutcome { status: number; body: Record<string, unknown>; wipe: boolean }

export function failureOutcome(e: unknown): FailureOutcome {
  if (e instanceof BadKioskRequest) return { status: 400, body: { error: 'bad-request', messageKey: 'kiosk.bad-request', message: e.message }, wipe: false };
  if (e instanceof KioskApiError) return { status: e.status, body: { error: e.error, messageKey: e.messageKey, message: e.message }, wipe: e.status >= 500 };
  if (e instanceof KioskDeviceError) {
    return {
      status: DEVICE_STATUS[e.code],
      body: { error: `device-${e.code}`, device: e.device, messageKey: e.messageKey, message: e.message },
      wipe: e.code !== 'access-denied' && e.code !== 'busy',
    };
  }
  if (e instanceof ClockCheckError) return { status: 503, body: { error: e.code, messageKey: `kiosk.${e.code}`, message: e.message }, wipe: true };
  if (e instanceof NonceMismatchError) return { status: 409, body: { error: 'nonce-mismatch', messageKey: 'kiosk.nonce-mismatch', message: e.message }, wipe: true };
  if (e instanceof SessionGoneError) return { status: 409, body: { error: 'session-reset', messageKey: 'kiosk.session-reset', message: e.message }, wipe: true };
  if (e instanceof SessionLimitError) return { status: 409, body: { error: 'too-many-sessions', messageKey: 'kiosk.too-many-sessions', message: e.message }, wipe: false };
  return { status: 500, body: { error: 'internal', messageKey: 'kiosk.internal', message: 'the station agent failed; the session was reset' }, wipe: true };
}

export function sendFailure(res: Response, outcome: FailureOutcome): void {
  res.status(outcome.status).json({ ...outcome.body, reset: outcome.wipe });
}
