// Server errors (5xx) on stderr: an expected outage is one line with its code and message; anything else,
// a bug, keeps the error and its stack. Client errors (4xx) are not logged here.
import { isExpectedOutage, type ErrorView } from '../core/describe-error.js';

/** `where` names the request (e.g. "GET /health" or "authorize"); `view` is describeError(err). */
export function logServerError(where: string, err: unknown, view: ErrorView): void {
  if (view.status < 500) return;
  if (isExpectedOutage(err)) {
    console.error(`proofgate: ${where}: ${view.code}: ${err.message.replace(/[\r\n]+/g, ' ')}`);
    return;
  }
  console.error(`proofgate: ${where}: ${view.code}`, err);
}
