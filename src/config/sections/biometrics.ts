// Configuration section "biometrics". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const biometricsDefaults = {
};

export type BiometricsConfig = Record<string, never>;

export function readBiometricsConfig(r: SectionReader): BiometricsConfig {
  r.done();
  return {};
}
