// Configuration section "oidc". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const oidcDefaults = {
};

export type OidcConfig = Record<string, never>;

export function readOidcConfig(r: SectionReader): OidcConfig {
  r.done();
  return {};
}
