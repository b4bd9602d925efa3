// The seam between the OIDC provider and the verification UI (the capture pages). The provider opens a
// session for an accepted Entra request and hands the browser over with `start`; the UI later reports
// its decision through the VerificationCompleter (src/oidc/complete-verification.ts).
import type { Request, Response } from 'express';
import type { VerificationSession } from '../core/domain.js';

export interface VerificationUi {
  /**
   * Called once per accepted Entra request, with the session already stored (tid+oid binding, 5-minute
   * expiry, csrfToken, challenge). Must answer `res`: render the capture page or redirect to it.
   * Use externalUrl()/externalPrefix() from src/http/public-url.ts for links behind a reverse proxy.
   */
  start(req: Request, res: Response, session: VerificationSession): void | Promise<void>;
}
