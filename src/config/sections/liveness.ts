// Configuration section "liveness". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const livenessDefaults = {
};

export type LivenessConfig = Record<string, never>;

export function readLivenessConfig(r: SectionReader): LivenessConfig {
  r.done();
  return {};
}
