// Which captures a first-time request must and may carry: one selfie, one document-front, at most one
// of each other document kind. Refused with a typed 400 before anything is analysed or stored.
import { ProofgateError } from '../../core/errors.js';
import type { Capture, CaptureKind } from '../capture/capture.js';

export const badRequestFirstTime = (message: string) => new ProofgateError('ERR_BAD_REQUEST', `first-time verification: ${message}`, { status: 400 });

export function optionalCapture(captures: readonly Capture[], kind: CaptureKind): Capture | null {
  const found = captures.filter((c) => c.kind === kind);
  if (found.length > 1) throw badRequestFirstTime(`at most one ${kind} capture (found ${found.length})`);
  return found[0] ?? null;
}

export function requiredCapture(captures: readonly Capture[], kind: CaptureKind): Capture {
  const found = optionalCapture(captures, kind);
  if (!found) {
    throw badRequestFirstTime(kind === 'document-front'
      ? 'a document-front capture is required (this account has no profile yet: verification starts from an identity document, at a kiosk)'
      : `a ${kind} capture is required`);
  }
  return found;
}
