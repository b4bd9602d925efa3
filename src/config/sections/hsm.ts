// Configuration section "hsm". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const hsmDefaults = {
};

export type HsmConfig = Record<string, never>;

export function readHsmConfig(r: SectionReader): HsmConfig {
  r.done();
  return {};
}
