// Configuration section "verification": the decision policy of the capture flow. The defaults object
// is also the documentation: one comment per key. Face-engine tuning (models, detector) lives in
// "biometrics"; what counts as good enough to say "verified" lives here, including the liveness tier each
// flow requires (assurance, verification-assurance.ts); the liveness thresholds live in "liveness".
import { ConfigError, type SectionReader } from '../validate.js';
import { assuranceDefaults, readAssurance, type AssurancePolicy } from './verification-assurance.js';
import { readVerificationPageConfig, verificationPageDefaults, type VerificationPageConfig } from './verification-page.js';

export const verificationDefaults = {
  /** How many selfies a person may send in one session when a capture fails a quality gate (no face, blur...). */
  maxCaptureAttempts: 3,
  /**
   * The capture page takes the photo by itself once the picture has held steady for about 0.6 s; this is
   * the most seconds it waits for that after the camera starts before it takes the photo anyway (0: it
   * waits for a steady picture or the "Take photo now" button).
   */
  captureCountdownSeconds: 3,
  /**
   * Frames the browser page records for the active challenge, one every challengeFrameIntervalMs while
   * the steps are shown: 14 x 200 ms films the default 2 steps of liveness.challenge.stepMs (1400 ms)
   * each, long enough for a head turn and, at 5 frames a second, for a slow blink.
   */
  challengeFrames: 14,
  challengeFrameIntervalMs: 200,
  /**
   * Most captures one JSON envelope may carry: the selfie plus depth and IR frames, the active-challenge
   * frames (challengeFrames) or document images. Must leave room for 1 + challengeFrames (a kiosk sends
   * depth, IR and document captures beside them).
   */
  maxCapturesPerEnvelope: 32,
  /** Largest JSON envelope body in bytes (base64 adds a third); each capture in it still obeys server.maxImageBytes. */
  maxEnvelopeBytes: 32 * 1024 * 1024,
  /**
   * Largest envelope of a returning user (capped by maxEnvelopeBytes): it carries only the selfie, depth,
   * IR and challenge frames, a few MB from a kiosk; the rest of maxEnvelopeBytes is for document images.
   */
  maxReturningEnvelopeBytes: 16 * 1024 * 1024,
  /** The liveness assurance tier each flow requires, per tenant where needed (verification-assurance.ts). */
  assurance: assuranceDefaults,
  /** Quality gates a selfie must pass before it is compared; each one is reported in the audit. */
  quality: {
    /** Smallest face size: the smaller side of the face's landmark extent, in pixels of the submitted image. */
    minFaceSizePx: 80,
    /** Smallest sharpness score (the face engine's variance-of-Laplacian measure on the face crop). */
    minSharpness: 20,
    /** Exposure window: mean face brightness in 0..1, outside it the face is too dark or washed out. */
    minExposure: 0.15,
    maxExposure: 0.9,
    /** Largest head rotation in degrees (absolute) away from facing the camera. */
    maxYawDeg: 30,
    maxPitchDeg: 30,
    maxRollDeg: 25,
    /** Whether both eyes must be open (blocks some photo-of-a-sleeping-person attempts). */
    requireEyesOpen: false,
  },
  /**
   * Per-account lockout: bounds how many tries anyone gets against the face matcher's false-match rate.
   * Counted per account (tid+oid) across sessions, in the store: a returning or first-time decision denied
   * because the face did not match (the selfie, a challenge frame, the document portrait or chip photo) or
   * because liveness was judged and failed. Retakes (unusable pictures), outages, policy refusals made
   * before any analysis, cancels and expiries do not count. A successful verification resets both counts;
   * staff unlock with `proofgate account unlock`. The short lock alone caps only the pace (an attacker
   * spacing failures below maxFailures per window never trips it), so maxFailuresPerDay caps the total.
   */
  lockout: {
    /** Counted failures within windowMinutes that lock the account (the lock starts on the last of them). */
    maxFailures: 5,
    /** Sliding window, in minutes, over which failures are counted. */
    windowMinutes: 15,
    /** How long a lock lasts, in minutes; while locked every capture for the account is denied unjudged. */
    lockMinutes: 30,
    /**
     * Counted failures within a rolling 24 h that lock the account until a staff unlock. A short lock does
     * not clear them; only a verified verification or `proofgate account unlock` does. At least maxFailures.
     */
    maxFailuresPerDay: 10,
  },
  /** The returning-user page: consent/privacy notice before the camera (verification-page.ts). */
  page: verificationPageDefaults,
  /**
   * Phone hand-off (docs/verification.md, "Phone hand-off"): a returning user's page offers a QR code that
   * opens this verification on a phone, which takes the photo while the computer finishes the sign-in.
   * The phone must reach the appliance at its public URL (the one the computer uses).
   */
  handoff: {
    /** Whether the returning-user page offers "Use your phone". */
    enabled: true,
    /**
     * How long a QR code's link may be opened, in seconds (never beyond the session's own expiry). The
     * link works once: the first phone to open it is bound to the session, any later opener is refused.
     */
    ttlSeconds: 300,
    /** Most QR codes one session may ask for (each new one ends the unopened one before it). */
    maxPerSession: 5,
    /** Most progress streams (SSE) one session may hold open on one node; the page falls back to polling. */
    maxStreamsPerSession: 2,
    /** Seconds between the progress stream's heartbeats: below the proxy's read timeout (appliance/nginx: 60 s), at most 50. */
    heartbeatSeconds: 15,
    /** How often, in ms, a progress stream reads the hand-off's state from the store (any node may change it). */
    pollIntervalMs: 500,
  },
  kiosk: {
    /**
     * Where the first-time page looks for a kiosk agent (proofgate-kiosk) in the station's browser: its
     * loopback origin, `http://127.0.0.1:<listen.port>` (the agent's default port is 7480). The page's CSP
     * `connect-src` gains exactly this origin. null: the page offers no kiosk path. The page never claims
     * to be a kiosk: the appliance judges only the station's signature (docs/kiosk.md).
     */
    agentOrigin: 'http://127.0.0.1:7480' as string | null,
    /** Seconds without a touch after which the kiosk page wipes the agent's captures and returns to its start screen. */
    idleSeconds: 90,
  },
};

export interface VerificationKioskConfig {
  agentOrigin: string | null;
  idleSeconds: number;
}

export interface VerificationHandoffConfig {
  enabled: boolean;
  ttlSeconds: number;
  maxPerSession: number;
  maxStreamsPerSession: number;
  heartbeatSeconds: number;
  pollIntervalMs: number;
}

export interface VerificationQualityConfig {
  minFaceSizePx: number;
  minSharpness: number;
  minExposure: number;
  maxExposure: number;
  maxYawDeg: number;
  maxPitchDeg: number;
  maxRollDeg: number;
  requireEyesOpen: boolean;
}

export interface VerificationLockoutConfig {
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
  maxFailuresPerDay: number;
}

export interface VerificationConfig {
  maxCaptureAttempts: number;
  captureCountdownSeconds: number;
  challengeFrames: number;
  challengeFrameIntervalMs: number;
  maxCapturesPerEnvelope: number;
  maxEnvelopeBytes: number;
  maxReturningEnvelopeBytes: number;
  assurance: AssurancePolicy;
  quality: VerificationQualityConfig;
  lockout: VerificationLockoutConfig;
  page: VerificationPageConfig;
  handoff: VerificationHandoffConfig;
  kiosk: VerificationKioskConfig;
}

function readHandoff(r: SectionReader): VerificationHandoffConfig {
  const out: VerificationHandoffConfig = {
    enabled: r.boolean('enabled'),
    ttlSeconds: r.number('ttlSeconds', { integer: true, min: 30, max: 1800 }),
    maxPerSession: r.number('maxPerSession', { integer: true, min: 1, max: 20 }),
    maxStreamsPerSession: r.number('maxStreamsPerSession', { integer: true, min: 1, max: 10 }),
    heartbeatSeconds: r.number('heartbeatSeconds', { integer: true, min: 1, max: 50 }),
    pollIntervalMs: r.number('pollIntervalMs', { integer: true, min: 100, max: 5000 }),
  };
  r.done();
  return out;
}

function readLockout(r: SectionReader): VerificationLockoutConfig {
  const out: VerificationLockoutConfig = {
    maxFailures: r.number('maxFailures', { integer: true, min: 1, max: 100 }),
    windowMinutes: r.number('windowMinutes', { integer: true, min: 1, max: 7 * 24 * 60 }),
    lockMinutes: r.number('lockMinutes', { integer: true, min: 1, max: 30 * 24 * 60 }),
    maxFailuresPerDay: r.number('maxFailuresPerDay', { integer: true, min: 1, max: 1000 }),
  };
  if (out.maxFailuresPerDay < out.maxFailures) {
    throw new ConfigError(r.key('maxFailuresPerDay'), `at least maxFailures (${out.maxFailures})`, out.maxFailuresPerDay);
  }
  r.done();
  return out;
}

function readQuality(r: SectionReader): VerificationQualityConfig {
  const out: VerificationQualityConfig = {
    minFaceSizePx: r.number('minFaceSizePx', { min: 16, max: 4096 }),
    minSharpness: r.number('minSharpness', { min: 0 }),
    minExposure: r.number('minExposure', { min: 0, max: 1 }),
    maxExposure: r.number('maxExposure', { min: 0, max: 1 }),
    maxYawDeg: r.number('maxYawDeg', { min: 0, max: 90 }),
    maxPitchDeg: r.number('maxPitchDeg', { min: 0, max: 90 }),
    maxRollDeg: r.number('maxRollDeg', { min: 0, max: 180 }),
    requireEyesOpen: r.boolean('requireEyesOpen'),
  };
  if (out.minExposure >= out.maxExposure) {
    throw new ConfigError(r.key('minExposure'), `a value below maxExposure (${out.maxExposure})`, out.minExposure);
  }
  r.done();
  return out;
}

/**
 * The decision policy the flows apply: this section plus the face-match threshold, which belongs to the
 * embedder (biometrics.matching.threshold, calibrated per model) and so is not repeated here.
 */
export interface VerificationPolicy extends VerificationConfig {
  /** Largest embedding distance still counted as the same person (biometrics.matching.threshold). */
  matchMaxDistance: number;
}

export function verificationPolicy(config: { verification: VerificationConfig; biometrics: { matching: { threshold: number } } }): VerificationPolicy {
  return { ...config.verification, matchMaxDistance: config.biometrics.matching.threshold };
}

export function readVerificationConfig(r: SectionReader): VerificationConfig {
  const out: VerificationConfig = {
    maxCaptureAttempts: r.number('maxCaptureAttempts', { integer: true, min: 1, max: 10 }),
    captureCountdownSeconds: r.number('captureCountdownSeconds', { integer: true, min: 0, max: 10 }),
    challengeFrames: r.number('challengeFrames', { integer: true, min: 2, max: 60 }),
    challengeFrameIntervalMs: r.number('challengeFrameIntervalMs', { integer: true, min: 50, max: 2000 }),
    maxCapturesPerEnvelope: r.number('maxCapturesPerEnvelope', { integer: true, min: 1, max: 64 }),
    maxEnvelopeBytes: r.number('maxEnvelopeBytes', { integer: true, min: 64 * 1024, max: 256 * 1024 * 1024 }),
    maxReturningEnvelopeBytes: r.number('maxReturningEnvelopeBytes', { integer: true, min: 64 * 1024, max: 256 * 1024 * 1024 }),
    assurance: readAssurance(r.section('assurance')),
    quality: readQuality(r.section('quality')),
    lockout: readLockout(r.section('lockout')),
    page: readVerificationPageConfig(r.section('page')),
    handoff: readHandoff(r.section('handoff')),
    kiosk: readKiosk(r.section('kiosk')),
  };
  if (out.challengeFrames + 1 > out.maxCapturesPerEnvelope) {
    throw new ConfigError(r.key('maxCapturesPerEnvelope'), `room for the selfie and challengeFrames (${out.challengeFrames + 1})`, out.maxCapturesPerEnvelope);
  }
  r.done();
  return out;
}

/** A loopback http origin with an explicit port: the only place a station's agent listens. */
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):([1-9]\d{0,4})$/;

function readKiosk(r: SectionReader): VerificationKioskConfig {
  const raw = r.raw('agentOrigin');
  let agentOrigin: string | null = null;
  if (raw !== null) {
    agentOrigin = r.string('agentOrigin');
    const m = LOOPBACK_ORIGIN.exec(agentOrigin);
    if (!m || Number(m[2]) > 65535) throw new ConfigError(r.key('agentOrigin'), 'null or a loopback origin with its port, e.g. http://127.0.0.1:7480', raw);
  }
  const out = { agentOrigin, idleSeconds: r.number('idleSeconds', { integer: true, min: 15, max: 600 }) };
  r.done();
  return out;
}
