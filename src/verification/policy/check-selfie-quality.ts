// Quality gates a selfie must pass before its face is compared. Each gate is one CheckResult, so the
// audit shows exactly which measure failed, by how much, against which configured threshold.
import type { CheckResult } from '../../core/domain.js';
import type { VerificationQualityConfig } from '../../config/sections/verification.js';
import type { FaceAnalysisResult, FaceQualityMeasures } from '../capture/ports.js';

const round = (n: number) => Math.round(n * 1000) / 1000;

function atLeast(name: string, value: number, min: number, what: string): CheckResult {
  const pass = value >= min;
  return { name, score: round(value), threshold: min, outcome: pass ? 'pass' : 'fail', reason: pass ? `${what} ${round(value)} >= ${min}` : `${what} ${round(value)} is below ${min}` };
}

function atMost(name: string, value: number, max: number, what: string): CheckResult {
  const pass = value <= max;
  return { name, score: round(value), threshold: max, outcome: pass ? 'pass' : 'fail', reason: pass ? `${what} ${round(value)} <= ${max}` : `${what} ${round(value)} exceeds ${max}` };
}

/** The face-count gate: exactly one usable face, so nobody can hold a second person's photo beside their own. */
export function checkFaceCount(analysis: FaceAnalysisResult): CheckResult {
  const n = analysis.faceCount;
  if (n === 1 && analysis.face) return { name: 'face-count', score: 1, threshold: 1, outcome: 'pass', reason: 'exactly one face found' };
  if (n === 1) return { name: 'face-count', score: 0, threshold: 1, outcome: 'fail', reason: 'a face was detected but could not be measured (landmarks rejected)' };
  return { name: 'face-count', score: n, threshold: 1, outcome: 'fail', reason: n === 0 ? 'no face found' : `${n} faces found; exactly one is required` };
}

export function checkSelfieQuality(q: FaceQualityMeasures, gates: VerificationQualityConfig): CheckResult[] {
  const checks: CheckResult[] = [
    atLeast('quality-face-size', q.faceSizePx, gates.minFaceSizePx, 'face size (px)'),
    atLeast('quality-sharpness', q.sharpness, gates.minSharpness, 'sharpness'),
    atLeast('quality-exposure-min', q.brightness, gates.minExposure, 'brightness'),
    atMost('quality-exposure-max', q.brightness, gates.maxExposure, 'brightness'),
    atMost('quality-yaw', Math.abs(q.yaw), gates.maxYawDeg, 'head yaw (deg)'),
    atMost('quality-pitch', Math.abs(q.pitch), gates.maxPitchDeg, 'head pitch (deg)'),
    atMost('quality-roll', Math.abs(q.roll), gates.maxRollDeg, 'head roll (deg)'),
  ];
  if (gates.requireEyesOpen) {
    const open = q.eyesOpen === true;
    checks.push({
      name: 'quality-eyes-open', score: q.eyesOpen === null ? null : open ? 1 : 0, threshold: 1, outcome: open ? 'pass' : 'fail',
      reason: q.eyesOpen === null ? 'the face engine could not tell whether the eyes are open' : open ? 'eyes open' : 'eyes closed',
    });
  }
  return checks;
}

/** A person-facing hint for the first failed gate (never a score, which would help tune an attack). */
export function qualityAdvice(failed: CheckResult): string {
  switch (failed.name) {
    case 'face-count': return failed.score === 0 ? 'No face was found in the photo.' : 'More than one face is in the photo: make sure only you are in view.';
    case 'quality-face-size': return 'Your face is too small in the photo: move closer to the camera.';
    case 'quality-sharpness': return 'The photo is blurred: hold still and make sure the camera is in focus.';
    case 'quality-exposure-min': return 'The photo is too dark: find better light.';
    case 'quality-exposure-max': return 'The photo is too bright: avoid strong light behind or onto the camera.';
    case 'quality-yaw': case 'quality-pitch': case 'quality-roll': return 'Look straight at the camera with your head upright.';
    case 'quality-eyes-open': return 'Keep your eyes open.';
    case 'image-decode': return 'The photo could not be read: use a JPEG, PNG or WebP photo.';
    default: return 'The photo is not good enough to check.';
  }
}
