// Configuration section "audit". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const auditDefaults = {
};

export type AuditConfig = Record<string, never>;

export function readAuditConfig(r: SectionReader): AuditConfig {
  r.done();
  return {};
}
