// Configuration section "verification". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const verificationDefaults = {
};

export type VerificationConfig = Record<string, never>;

export function readVerificationConfig(r: SectionReader): VerificationConfig {
  r.done();
  return {};
}
