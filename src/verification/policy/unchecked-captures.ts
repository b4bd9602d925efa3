// Document images and chip data sent with a capture are kept as evidence but not checked yet: say so.
import type { CheckResult } from '../../core/domain.js';
import type { Capture, CaptureKind } from '../capture/capture.js';

// Evidence the returning-user flow does judge (the selfie, and liveness in evaluate-liveness.ts).
const JUDGED: ReadonlySet<CaptureKind> = new Set(['selfie', 'depth', 'ir', 'challenge-frame']);

export function uncheckedCaptureChecks(captures: readonly Capture[]): CheckResult[] {
  const kinds = [...new Set(captures.filter((c) => !JUDGED.has(c.kind)).map((c) => c.kind))];
  return kinds.map((kind) => ({ name: `${kind}-check`, score: null, threshold: null, outcome: 'skipped' as const, reason: `${kind} received and stored as evidence; this check is not built on this appliance` }));
}
