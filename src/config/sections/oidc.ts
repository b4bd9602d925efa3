// Configuration section "oidc": the Entra External Authentication Method provider. The defaults object
// is also the documentation: one comment per key.
import { ConfigError, SectionReader } from '../validate.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What a clientId may look like: printable ASCII without spaces, at most 200 characters. */
export const CLIENT_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** acr values that a face verification (an inherence factor) satisfies, per Microsoft's provider reference. */
export const INHERENCE_ACR_VALUES = ['possessionorinherence', 'knowledgeorinherence', 'knowledgeorpossessionorinherence', 'inherence'] as const;
export const ENTRA_CLOUDS = ['public', 'usgov', 'china'] as const;
export type EntraCloudName = (typeof ENTRA_CLOUDS)[number];

/** One relying tenant set, as entered in Entra's "Add external method" form. */
export interface OidcClientConfig {
  /** The Client ID proofgate issued to this customer (entered in Entra as "Client ID"; the id_token `aud`). */
  clientId: string;
  /** App ID (GUID) of the provider's multitenant app registration: the `aud` of Entra's id_token_hint. */
  appId: string;
  /** Entra tenant GUIDs allowed to use this client (the hint's `tid` must be one of them). */
  tenants: string[];
}

export const oidcDefaults = {
  /** Registered clients: [{ clientId, appId, tenants: [tenant GUID, ...] }]. Empty: every request is refused. */
  clients: [] as OidcClientConfig[],
  /** acr values proofgate answers with, in order of preference; each must include inherence (we verify faces). */
  acrValues: [...INHERENCE_ACR_VALUES] as string[],
  /** Oldest accepted id_token_hint `iat`, in seconds (Entra abandons an attempt after about 5 minutes). */
  hintMaxAgeSeconds: 300,
  /** How far in the future a hint's `iat` may lie (clock skew), in seconds. Entra's `exp`/`nbf` are ignored. */
  hintMaxFutureSeconds: 60,
  /** Largest accepted id_token_hint, in bytes (a real one is about 2 KB). */
  maxHintBytes: 16 * 1024,
  /** Largest accepted `claims` request parameter, in bytes. */
  maxClaimsBytes: 4 * 1024,
  /** Lifetime of the id_token proofgate issues, in seconds (Entra accepts up to 10 minutes). */
  tokenLifetimeSeconds: 300,
  /** How long a verification session stays open for the person to finish, in seconds. */
  sessionLifetimeSeconds: 300,
  /** Longest wait for the HSM to sign an id_token before answering temporarily_unavailable, in ms. */
  signingTimeoutMs: 5000,
  /** Entra's signing keys, used to validate id_token_hint. */
  entraKeys: {
    /**
     * "fetch": download each cloud's JWKS over HTTPS (cached); "pinned": only read the files imported with
     * `proofgate import-entra-jwks`; the appliance then makes no outbound call at all (air-gapped sites).
     */
    source: 'fetch' as 'fetch' | 'pinned',
    /** JWKS URL per Entra cloud, for source "fetch". */
    jwksUrls: {
      public: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      usgov: 'https://login.microsoftonline.us/common/discovery/v2.0/keys',
      china: 'https://login.partner.microsoftonline.cn/common/discovery/v2.0/keys',
    } as Record<EntraCloudName, string>,
    /** Pinned JWKS file per Entra cloud (relative paths are inside server.dataDir), for source "pinned". */
    pinnedFiles: {
      public: 'entra-jwks/public.json',
      usgov: 'entra-jwks/usgov.json',
      china: 'entra-jwks/china.json',
    } as Record<EntraCloudName, string>,
    /** How long fetched keys are used before they are fetched again, in seconds (Entra rotates over days). */
    cacheSeconds: 24 * 3600,
    /** Least time between two refreshes triggered by an unknown `kid`, in seconds (stops hint floods from fanning out). */
    refreshMinIntervalSeconds: 300,
    /** Timeout of one JWKS download, in ms. */
    fetchTimeoutMs: 5000,
    /**
     * For source "pinned": /health reports the keys stale when a pinned file is older than this many days.
     * Entra rotates its signing keys without notice; re-import (`proofgate import-entra-jwks`) at least this often.
     */
    pinnedMaxAgeDays: 30,
  },
};

export interface EntraKeysConfig {
  source: 'fetch' | 'pinned';
  jwksUrls: Record<EntraCloudName, string>;
  pinnedFiles: Record<EntraCloudName, string>;
  cacheSeconds: number;
  refreshMinIntervalSeconds: number;
  fetchTimeoutMs: number;
  pinnedMaxAgeDays: number;
}

export interface OidcConfig {
  clients: OidcClientConfig[];
  acrValues: string[];
  hintMaxAgeSeconds: number;
  hintMaxFutureSeconds: number;
  maxHintBytes: number;
  maxClaimsBytes: number;
  tokenLifetimeSeconds: number;
  sessionLifetimeSeconds: number;
  signingTimeoutMs: number;
  entraKeys: EntraKeysConfig;
}

function readClients(r: SectionReader): OidcClientConfig[] {
  const raw = r.raw('clients');
  if (!Array.isArray(raw)) throw new ConfigError(r.key('clients'), 'an array of { clientId, appId, tenants }', raw);
  const seen = new Set<string>();
  return raw.map((entry: unknown, i) => {
    const c = new SectionReader(entry, `${r.key('clients')}[${i}]`);
    const client: OidcClientConfig = {
      clientId: c.string('clientId', { pattern: CLIENT_ID_PATTERN }),
      appId: c.string('appId', { pattern: GUID }).toLowerCase(),
      tenants: c.stringArray('tenants', { pattern: GUID, nonEmpty: true }).map((t) => t.toLowerCase()),
    };
    c.done();
    if (seen.has(client.clientId)) throw new ConfigError(c.key('clientId'), 'a clientId not used by another client', client.clientId);
    seen.add(client.clientId);
    return client;
  });
}

function readCloudMap(r: SectionReader, name: string, pattern?: RegExp): Record<EntraCloudName, string> {
  const m = r.section(name);
  const out = Object.fromEntries(ENTRA_CLOUDS.map((cloud) => [cloud, m.string(cloud, pattern ? { pattern } : {})])) as Record<EntraCloudName, string>;
  m.done();
  return out;
}

function readEntraKeys(r: SectionReader): EntraKeysConfig {
  const out: EntraKeysConfig = {
    source: r.oneOf('source', ['fetch', 'pinned'] as const),
    jwksUrls: readCloudMap(r, 'jwksUrls', /^https?:\/\/[^?#\s]+$/),
    pinnedFiles: readCloudMap(r, 'pinnedFiles'),
    cacheSeconds: r.number('cacheSeconds', { integer: true, min: 60, max: 7 * 24 * 3600 }),
    refreshMinIntervalSeconds: r.number('refreshMinIntervalSeconds', { integer: true, min: 0, max: 24 * 3600 }),
    fetchTimeoutMs: r.number('fetchTimeoutMs', { integer: true, min: 100, max: 60_000 }),
    pinnedMaxAgeDays: r.number('pinnedMaxAgeDays', { integer: true, min: 1, max: 3650 }),
  };
  r.done();
  return out;
}

export function readOidcConfig(r: SectionReader): OidcConfig {
  const acrValues = r.stringArray('acrValues', { nonEmpty: true });
  for (const acr of acrValues) {
    if (!(INHERENCE_ACR_VALUES as readonly string[]).includes(acr)) {
      throw new ConfigError(r.key('acrValues'), `only inherence-capable values (${INHERENCE_ACR_VALUES.join(', ')})`, acr);
    }
  }
  const out: OidcConfig = {
    clients: readClients(r),
    acrValues,
    hintMaxAgeSeconds: r.number('hintMaxAgeSeconds', { integer: true, min: 30, max: 900 }),
    hintMaxFutureSeconds: r.number('hintMaxFutureSeconds', { integer: true, min: 0, max: 300 }),
    maxHintBytes: r.number('maxHintBytes', { integer: true, min: 1024, max: 64 * 1024 }),
    maxClaimsBytes: r.number('maxClaimsBytes', { integer: true, min: 256, max: 64 * 1024 }),
    tokenLifetimeSeconds: r.number('tokenLifetimeSeconds', { integer: true, min: 60, max: 600 }),
    sessionLifetimeSeconds: r.number('sessionLifetimeSeconds', { integer: true, min: 60, max: 1800 }),
    signingTimeoutMs: r.number('signingTimeoutMs', { integer: true, min: 100, max: 60_000 }),
    entraKeys: readEntraKeys(r.section('entraKeys')),
  };
  r.done();
  return out;
}
