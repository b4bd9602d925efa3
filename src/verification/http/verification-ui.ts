// Renders the verification page for a session the OIDC authorize endpoint has just opened: the camera
// page when the account has a profile (with the tier the flow requires for this tenant, and the session's
// challenge steps when that tier is remote-active), otherwise the first-time page. The language comes
// from Accept-Language (en by default).
import type { Request, Response } from 'express';
import { hintUpn, type VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { VerificationUi } from '../../oidc/verification-ui.js';
import type { LivenessConfig } from '../../config/sections/liveness.js';
import { requiredTier as tierRequired, type AssurancePolicy } from '../../config/sections/verification-assurance.js';
import type { VerificationPageConfig } from '../../config/sections/verification-page.js';
import { externalPrefix } from '../../http/public-url.js';
import { sendPage } from '../../pages/page-shell.js';
import { capturePageBody, type CaptureChallengeStep, type CapturePageModel, type RequiredTier } from '../../pages/capture-page.js';
import { handoffSection } from '../../pages/handoff-section.js';
import { firstTimePageBody } from '../../pages/first-time-page.js';
import { catalogueFor, type Language, type MessageCatalogue, type MessageKey } from '../../pages/messages/messages.js';
import { negotiateLanguage } from '../../pages/messages/negotiate-language.js';
import { verificationFlowFor } from '../flow/choose-flow.js';
import { verificationPaths } from './verification-paths.js';
import { CHALLENGE_INSTRUCTIONS, challengeInstruction, sessionChallenge } from '../capture/session-challenge.js';

export interface CapturePageSettings {
  countdownSeconds: number;
  maxImageBytes: number;
  liveness: LivenessConfig;
  /** The tier each flow requires (verification.assurance): the page says before the camera starts when a browser cannot meet it. */
  assurance: AssurancePolicy;
  /** What the page films for the challenge (verification.challengeFrames / challengeFrameIntervalMs). */
  challengeFrames: number;
  challengeFrameIntervalMs: number;
  /** verification.page: the consent notice and whether the camera waits for consent. */
  page: VerificationPageConfig;
  /** Document verification is wired: the first-time page explains the kiosk steps (else: not available). */
  firstTimeAvailable?: boolean;
  /** The returning-user page offers "Use your phone" (verification.handoff.enabled). */
  handoffEnabled?: boolean;
  /** verification.kiosk: the station agent's loopback origin (null: no station path) and the idle timeout. */
  kiosk?: { agentOrigin: string | null; idleSeconds: number };
  now?: () => number;
}

/** The instruction for a step in the page's language (the catalogue), else the English instruction. */
function stepText(t: MessageCatalogue, kind: string, english: string): string {
  const key = `step.${kind}`;
  return key in t ? t[key as MessageKey] : english;
}

/**
 * One continuous sequence over all the steps: challengeFrames frames, at least challengeFrameIntervalMs
 * apart and spread so that the filming spans every step (steps × stepMs).
 */
function challengeFilming(steps: CaptureChallengeStep[], stepMs: number, frames: number, minIntervalMs: number) {
  return { steps, stepMs, frames, intervalMs: Math.max(minIntervalMs, Math.ceil((steps.length * stepMs) / frames)) };
}

export class CapturePageUi implements VerificationUi {
  readonly #repo: Repository;
  readonly #settings: CapturePageSettings;

  constructor(repo: Repository, settings: CapturePageSettings) {
    this.#repo = repo;
    this.#settings = settings;
  }

  start(req: Request, res: Response, session: VerificationSession): void {
    const s = this.#settings;
    const language = negotiateLanguage(req.get('accept-language'));
    const messages = catalogueFor(language);
    // Links as the browser sees them: under the app's mount point or the proxy's trusted prefix.
    const paths = verificationPaths(externalPrefix(req), session.sessionId);
    const accountLabel = hintUpn(session) ?? 'this account';
    const formTargetOrigin = new URL(session.redirectUri).origin;
    const challenge = sessionChallenge(session, s.liveness.challenge);
    const now = (s.now ?? Date.now)();
    if (verificationFlowFor(this.#repo, session).flow === 'first-time') {
      const agentOrigin = s.kiosk?.agentOrigin ?? null;
      const station = agentOrigin !== null ? { agentOrigin, idleSeconds: s.kiosk!.idleSeconds } : null;
      const kiosk = s.firstTimeAvailable
        ? { captureUrl: paths.capture, challengeNonce: challenge.nonce, challengeInstruction: challengeInstruction(challenge.steps), serverTime: now, station }
        : null;
      sendPage(res, {
        title: kiosk ? messages['firstTime.title'] : messages['firstTime.unavailableTitle'], language,
        staticPath: paths.staticPath, formTargetOrigin, withScript: false,
        ...(kiosk?.station ? { extraScripts: ['kiosk-station.js'], connectOrigins: [kiosk.station.agentOrigin] } : {}),
        body: firstTimePageBody({ messages, accountLabel, cancelUrl: paths.cancel, csrfToken: session.csrfToken, kiosk }),
      });
      return;
    }
    const model = capturePageModel(s, session, { captureUrl: paths.capture, cancelUrl: paths.cancel, csrfToken: session.csrfToken }, accountLabel, language);
    sendPage(res, {
      title: messages['capture.title'], language, staticPath: paths.staticPath, formTargetOrigin, withScript: true,
      body: capturePageBody({
        ...model,
        handoff: s.handoffEnabled ? handoffSection({ startUrl: paths.handoff, csrfToken: session.csrfToken, staticPath: paths.staticPath }) : undefined,
      }),
    });
  }
}

/**
 * The returning-user capture page's model for a session, for the computer's page and for the phone's
 * (handoff-routes.ts), which differ only in where they send the capture and the cancel and which token
 * they carry. No hand-off section: the caller adds it where it belongs.
 */
export function capturePageModel(
  s: CapturePageSettings, session: VerificationSession, urls: { captureUrl: string; cancelUrl: string; csrfToken: string }, accountLabel: string, language: Language,
): CapturePageModel {
  const messages = catalogueFor(language);
  const challenge = sessionChallenge(session, s.liveness.challenge);
  const requiredTier: RequiredTier = tierRequired(s.assurance, session.tid, 'returning');
  // A browser camera has no depth: it can reach remote-active at most, so the page films the challenge
  // where that is what the flow requires; kiosk-depth it cannot meet (the page says so), none needs nothing.
  const filmsChallenge = requiredTier === 'remote-active';
  const steps: CaptureChallengeStep[] = challenge.steps.map((kind) => ({ kind, text: stepText(messages, kind, CHALLENGE_INSTRUCTIONS[kind]) }));
  return {
    language, messages, accountLabel, ...urls,
    maxWaitSeconds: s.countdownSeconds, maxImageBytes: s.maxImageBytes,
    challengeNonce: challenge.nonce, serverTime: (s.now ?? Date.now)(), expiresAt: session.expiresAt,
    requiredTier, consent: { notice: s.page.consentNotice, required: s.page.consentRequired },
    challenge: filmsChallenge ? challengeFilming(steps, s.liveness.challenge.stepMs, s.challengeFrames, s.challengeFrameIntervalMs) : null,
    // Only a flow that requires no liveness tier (supervised pilots) can accept a still photo.
    acceptsStill: requiredTier === 'none',
  };
}
