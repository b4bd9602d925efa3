// Liveness, stated honestly. This appliance has no liveness check yet (depth liveness comes with the
// kiosk work), so the check is never reported as passed: with livenessWithoutDepth='refuse' (default)
// it fails and denies; with 'allow' it is 'skipped' and the decision rests on the face match alone.
import type { CheckResult } from '../store/repository.js';
import type { VerificationConfig } from '../config/sections/verification.js';
import type { Capture } from './capture.js';

export function livenessCheck(captures: readonly Capture[], policy: VerificationConfig['livenessWithoutDepth']): CheckResult {
  const depthFrames = captures.filter((c) => c.kind === 'depth').length;
  const evidence = depthFrames > 0
    ? `${depthFrames} depth frame(s) received, but no depth-liveness check is built on this appliance`
    : 'no depth frame received and no other liveness check exists on this appliance';
  if (policy === 'refuse') {
    return { name: 'liveness', score: null, threshold: null, outcome: 'fail', reason: `${evidence}; refused by verification.livenessWithoutDepth='refuse'` };
  }
  return { name: 'liveness', score: null, threshold: null, outcome: 'skipped', reason: `${evidence}; allowed without liveness by verification.livenessWithoutDepth='allow'` };
}

/** Document images and chip data sent with a capture are kept as evidence but not checked yet: say so. */
export function uncheckedCaptureChecks(captures: readonly Capture[]): CheckResult[] {
  const kinds = [...new Set(captures.filter((c) => c.kind !== 'selfie' && c.kind !== 'depth').map((c) => c.kind))];
  return kinds.map((kind) => ({ name: `${kind}-check`, score: null, threshold: null, outcome: 'skipped' as const, reason: `${kind} received and stored as evidence; this check is not built on this appliance` }));
}
