// Configuration section "verification": the decision policy of the capture flow. The defaults object
// is also the documentation: one comment per key. Face-engine tuning (models, detector) lives in
// "biometrics"; what counts as good enough to say "verified" lives here.
import { ConfigError, type SectionReader } from '../validate.js';

export const verificationDefaults = {
  /**
   * What to do when a selfie arrives without any liveness evidence this appliance can check (no depth
   * frame, or no depth-liveness check built). 'refuse' (the safe default) denies the verification: a
   * printed photo or a screen replay of the account owner would otherwise pass. 'allow' lets a face match
   * alone decide, and the audit still records the liveness check as 'skipped', never as passed. Use
   * 'allow' only where capture is supervised (a staffed kiosk) or for a pilot that accepts that risk.
   */
  livenessWithoutDepth: 'refuse' as 'refuse' | 'allow',
  /**
   * Largest face-embedding distance (L2, as the face engine reports it) still counted as the same person.
   * 0.5 is stricter than dlib's customary 0.6 so a look-alike is less likely to pass (FMR over FNMR).
   */
  matchMaxDistance: 0.5,
  /** How many selfies a person may send in one session when a capture fails a quality gate (no face, blur...). */
  maxCaptureAttempts: 3,
  /** Seconds of countdown the capture page shows before it takes the picture. */
  captureCountdownSeconds: 3,
  /** Most captures one JSON envelope may carry (selfie plus depth frames or document images at a kiosk). */
  maxCapturesPerEnvelope: 6,
  /** Largest JSON envelope body in bytes (base64 adds a third); each capture in it still obeys server.maxImageBytes. */
  maxEnvelopeBytes: 32 * 1024 * 1024,
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
};

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

export interface VerificationConfig {
  livenessWithoutDepth: 'refuse' | 'allow';
  matchMaxDistance: number;
  maxCaptureAttempts: number;
  captureCountdownSeconds: number;
  maxCapturesPerEnvelope: number;
  maxEnvelopeBytes: number;
  quality: VerificationQualityConfig;
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

export function readVerificationConfig(r: SectionReader): VerificationConfig {
  const out: VerificationConfig = {
    livenessWithoutDepth: r.oneOf('livenessWithoutDepth', ['refuse', 'allow'] as const),
    matchMaxDistance: r.number('matchMaxDistance', { min: 0.05, max: 2 }),
    maxCaptureAttempts: r.number('maxCaptureAttempts', { integer: true, min: 1, max: 10 }),
    captureCountdownSeconds: r.number('captureCountdownSeconds', { integer: true, min: 0, max: 10 }),
    maxCapturesPerEnvelope: r.number('maxCapturesPerEnvelope', { integer: true, min: 1, max: 16 }),
    maxEnvelopeBytes: r.number('maxEnvelopeBytes', { integer: true, min: 64 * 1024, max: 256 * 1024 * 1024 }),
    quality: readQuality(r.section('quality')),
  };
  r.done();
  return out;
}
