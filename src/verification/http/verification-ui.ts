// Renders the verification page for a session the OIDC authorize endpoint has just opened: the camera
// page when the account has a profile (with the tier the flow requires for this tenant, and the session's
// active challenge when that tier is remote-active), otherwise the first-time page.
import type { Request, Response } from 'express';
import { hintUpn, type VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { VerificationUi } from '../../oidc/verification-ui.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { requiredTier, type AssurancePolicy } from '../../config/sections/verification-assurance.js';
import { externalPrefix } from '../../http/public-url.js';
import { sendPage } from '../../pages/page-shell.js';
import { capturePageBody } from '../../pages/capture-page.js';
import { firstTimePageBody } from '../../pages/first-time-page.js';
import { verificationFlowFor } from '../flow/choose-flow.js';
import { verificationPaths } from './verification-paths.js';
import { challengeInstruction, sessionChallenge } from '../capture/session-challenge.js';

export interface CapturePageSettings {
  countdownSeconds: number;
  maxImageBytes: number;
  liveness: LivenessConfig;
  /** The tier each flow requires (verification.assurance): the page says before the camera starts when a browser cannot meet it. */
  assurance: AssurancePolicy;
  /** What the page films for the challenge (verification.challengeFrames / challengeFrameIntervalMs). */
  challengeFrames: number;
  challengeFrameIntervalMs: number;
  /** Document verification is wired: the first-time page explains the kiosk steps (else: not available). */
  firstTimeAvailable?: boolean;
  now?: () => number;
}

export class CapturePageUi implements VerificationUi {
  readonly #repo: Repository;
  readonly #settings: CapturePageSettings;

  constructor(repo: Repository, settings: CapturePageSettings) {
    this.#repo = repo;
    this.#settings = settings;
  }

  start(req: Request, res: Response, session: VerificationSession): void {
    // Links as the browser sees them: under the app's mount point or the proxy's trusted prefix.
    const paths = verificationPaths(externalPrefix(req), session.sessionId);
    const accountLabel = hintUpn(session) ?? 'this account';
    const formTargetOrigin = new URL(session.redirectUri).origin;
    if (verificationFlowFor(this.#repo, session).flow === 'first-time') {
      const s = this.#settings;
      const challenge = sessionChallenge(session, s.liveness.challenge);
      const kiosk = s.firstTimeAvailable
        ? { captureUrl: paths.capture, challengeNonce: challenge.nonce, challengeInstruction: challengeInstruction(challenge.steps), serverTime: (s.now ?? Date.now)() }
        : null;
      sendPage(res, {
        title: kiosk ? 'Verify your identity' : 'Verification not available', staticPath: paths.staticPath, formTargetOrigin, withScript: false,
        body: firstTimePageBody({ accountLabel, cancelUrl: paths.cancel, csrfToken: session.csrfToken, kiosk }),
      });
      return;
    }
    const s = this.#settings;
    const challenge = sessionChallenge(session, s.liveness.challenge);
    // A browser camera has no depth: it can reach remote-active at most, so the page films the challenge
    // where that is what the flow requires; kiosk-depth it cannot meet (the page says so), none needs nothing.
    const tier = requiredTier(s.assurance, session.tid, 'returning');
    const filmsChallenge = tier === 'remote-active';
    sendPage(res, {
      title: 'Confirm it is you', staticPath: paths.staticPath, formTargetOrigin, withScript: true,
      body: capturePageBody({
        accountLabel, captureUrl: paths.capture, cancelUrl: paths.cancel, csrfToken: session.csrfToken,
        countdownSeconds: s.countdownSeconds, maxImageBytes: s.maxImageBytes,
        challengeNonce: challenge.nonce, serverTime: (s.now ?? Date.now)(), requiredTier: tier,
        challenge: filmsChallenge ? { instruction: challengeInstruction(challenge.steps), frames: s.challengeFrames, intervalMs: s.challengeFrameIntervalMs } : null,
      }),
    });
  }
}
