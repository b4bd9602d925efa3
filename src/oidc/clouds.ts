// The three Entra clouds an EAM request can come from. A request is tied to one cloud by its
// redirect_uri; the id_token_hint must then carry that cloud's issuer and be signed by that cloud's keys.
import { ENTRA_CLOUDS, type EntraCloudName } from '../config/sections/oidc.js';

export type EntraCloud = EntraCloudName;
export { ENTRA_CLOUDS };

const loginHosts: Record<EntraCloud, string> = {
  public: 'login.microsoftonline.com',
  usgov: 'login.microsoftonline.us',
  china: 'login.partner.microsoftonline.cn',
};

/** The only redirect_uri Entra uses for external authentication methods in `cloud`. */
export function entraRedirectUri(cloud: EntraCloud): string {
  return `https://${loginHosts[cloud]}/common/federation/externalauthprovider`;
}

/** The cloud whose EAM redirect_uri is exactly `uri`, or null for anything else (no prefix or case games). */
export function cloudOfRedirectUri(uri: string): EntraCloud | null {
  return ENTRA_CLOUDS.find((cloud) => entraRedirectUri(cloud) === uri) ?? null;
}

/** The v2.0 issuer Entra puts in tokens for tenant `tid` in `cloud`. */
export function entraIssuer(cloud: EntraCloud, tid: string): string {
  return `https://${loginHosts[cloud]}/${tid}/v2.0`;
}
