// Renders the verification page for a session the OIDC authorize endpoint has just opened: the camera
// page when the account has a profile (with the session's active challenge when the liveness policy
// films one), otherwise the "first-time enrolment not available" page.
import type { Request, Response } from 'express';
import { hintUpn, type VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { VerificationUi } from '../../oidc/verification-ui.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
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
    // A browser camera has no depth: the page films the challenge only where the policy can accept it.
    const filmsChallenge = s.liveness.policy.withoutDepth === 'challenge-only';
    sendPage(res, {
      title: 'Confirm it is you', staticPath: paths.staticPath, formTargetOrigin, withScript: true,
      body: capturePageBody({
        accountLabel, captureUrl: paths.capture, cancelUrl: paths.cancel, csrfToken: session.csrfToken,
        countdownSeconds: s.countdownSeconds, maxImageBytes: s.maxImageBytes,
        challengeNonce: challenge.nonce, serverTime: (s.now ?? Date.now)(),
        challenge: filmsChallenge ? { instruction: challengeInstruction(challenge.steps), frames: s.challengeFrames, intervalMs: s.challengeFrameIntervalMs } : null,
      }),
    });
  }
}
