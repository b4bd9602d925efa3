// A simulated Entra ID for the EAM tests: its own RSA keys per cloud, a JWKS served on loopback and
// written as a file, id_token_hints minted per test with any claim, alg, kid or signature tampering,
// the form fields Entra POSTs, and a parser for the form_post page proofgate answers with.
import { createServer, type Server } from 'node:http';
import { randomUUID, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { CompactSign, SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { ENTRA_CLOUDS, entraIssuer, entraRedirectUri, type EntraCloud } from '../../src/oidc/clouds.js';

export const ENTRA_CLAIMS_REQUEST = JSON.stringify({
  id_token: {
    acr: { essential: true, values: ['possessionorinherence'] },
    amr: { essential: true, values: ['face', 'fido', 'fpt', 'hwk', 'iris', 'otp', 'pop', 'retina', 'sc', 'sms', 'swk', 'tel', 'vbm'] },
  },
});

interface CloudKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface MintOptions {
  cloud?: EntraCloud;
  /** Claims to set (override the defaults); undefined values remove a claim. */
  claims?: Record<string, unknown>;
  /** 'none' and 'HS256' produce tokens proofgate must refuse. */
  alg?: 'RS256' | 'none' | 'HS256';
  /** Header kid (default: the cloud's key id); null leaves it out. */
  kid?: string | null;
  /** Sign with another cloud's key (the kid follows unless `kid` is given). */
  signWithCloud?: EntraCloud;
  /** Change the payload after signing (the signature no longer matches). */
  tamperPayload?: boolean;
}

export interface EntraRequestOptions {
  cloud?: EntraCloud;
  hint?: string;
  clientId?: string;
  nonce?: string;
  state?: string | null;
  /** Fields to add or replace; null removes one. */
  fields?: Record<string, string | null>;
}

export class SimulatedEntra {
  /** The tenant and user every default hint is about. */
  readonly tid = randomUUID();
  readonly oid = randomUUID();
  readonly sub = `pairwise-${randomUUID().replaceAll('-', '').slice(0, 22)}`;
  /** The provider's multitenant App ID (the hint audience). */
  readonly appId = randomUUID();
  readonly clientId = 'proofgate-test-client';
  readonly #keys = new Map<EntraCloud, CloudKey[]>();
  #server: Server | null = null;
  readonly jwksRequests: Record<EntraCloud, number> = { public: 0, usgov: 0, china: 0 };

  static async create(): Promise<SimulatedEntra> {
    const entra = new SimulatedEntra();
    for (const cloud of ENTRA_CLOUDS) await entra.addKey(cloud);
    return entra;
  }

  /** Adds (rotates in) a new signing key for `cloud`; returns its kid. New hints are signed with it. */
  async addKey(cloud: EntraCloud): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const kid = `${cloud}-${randomUUID().slice(0, 8)}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
    const list = this.#keys.get(cloud) ?? [];
    list.push({ kid, privateKey, publicJwk });
    this.#keys.set(cloud, list);
    return kid;
  }

  #current(cloud: EntraCloud): CloudKey {
    return this.#keys.get(cloud)!.at(-1)!;
  }

  jwks(cloud: EntraCloud = 'public'): { keys: JWK[] } {
    return { keys: this.#keys.get(cloud)!.map((k) => k.publicJwk) };
  }

  writeJwksFile(file: string, cloud: EntraCloud = 'public'): string {
    writeFileSync(file, JSON.stringify(this.jwks(cloud)));
    return file;
  }

  /** Serves /<cloud>/keys on 127.0.0.1 and counts requests per cloud. */
  async serveJwks(): Promise<Record<EntraCloud, string>> {
    const server = createServer((req, res) => {
      const cloud = ENTRA_CLOUDS.find((c) => req.url === `/${c}/keys`);
      if (!cloud) {
        res.writeHead(404).end();
        return;
      }
      this.jwksRequests[cloud] += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.jwks(cloud)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    const port = (server.address() as { port: number }).port;
    return Object.fromEntries(ENTRA_CLOUDS.map((c) => [c, `http://127.0.0.1:${port}/${c}/keys`])) as Record<EntraCloud, string>;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  defaultClaims(cloud: EntraCloud = 'public', nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
    return {
      ver: '2.0',
      iss: entraIssuer(cloud, this.tid),
      sub: this.sub,
      aud: this.appId,
      // Entra issues the hint already expired (exp = iat - 1 in Microsoft's example).
      exp: nowSeconds - 1,
      iat: nowSeconds,
      nbf: nowSeconds,
      name: 'Ada <b>Lovelace</b>',
      preferred_username: 'ada@contoso.example',
      oid: this.oid,
      tid: this.tid,
      // Entra tokens carry a unique token id, so two hints for the same user differ.
      uti: randomUUID().replaceAll('-', '').slice(0, 22),
    };
  }

  async mintHint(opts: MintOptions = {}): Promise<string> {
    const cloud = opts.cloud ?? 'public';
    const claims = { ...this.defaultClaims(cloud), ...opts.claims };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
    const key = this.#current(opts.signWithCloud ?? cloud);
    const kid = opts.kid === undefined ? key.kid : opts.kid;
    const alg = opts.alg ?? 'RS256';
    let token: string;
    if (alg === 'RS256') {
      const header = kid === null ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid };
      token = await new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
    } else {
      const header = Buffer.from(JSON.stringify(kid === null ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid })).toString('base64url');
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      // HS256 keyed with the public modulus: the classic RS/HS confusion attack.
      const signature = alg === 'none' ? '' : createHmac('sha256', String(key.publicJwk.n)).update(`${header}.${payload}`).digest('base64url');
      token = `${header}.${payload}.${signature}`;
    }
    if (opts.tamperPayload) {
      const [h, , s] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claims, oid: randomUUID() })).toString('base64url');
      token = `${h}.${forged}.${s}`;
    }
    return token;
  }

  /** A correctly signed JWS over any payload text (for payloads that are not JSON objects). */
  async signRaw(payload: string, cloud: EntraCloud = 'public'): Promise<string> {
    const key = this.#current(cloud);
    return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
  }

  /** The form fields Entra POSTs to the authorization endpoint. */
  async request(opts: EntraRequestOptions = {}): Promise<Record<string, string>> {
    const cloud = opts.cloud ?? 'public';
    const fields: Record<string, string> = {
      scope: 'openid',
      response_mode: 'form_post',
      response_type: 'id_token',
      client_id: opts.clientId ?? this.clientId,
      redirect_uri: entraRedirectUri(cloud),
      claims: ENTRA_CLAIMS_REQUEST,
      nonce: opts.nonce ?? randomUUID(),
      'client-request-id': randomUUID(),
      id_token_hint: opts.hint ?? (await this.mintHint({ cloud })),
    };
    if (opts.state !== null) fields.state = opts.state ?? `state-${randomUUID()}`;
    for (const [k, v] of Object.entries(opts.fields ?? {})) {
      if (v === null) delete fields[k];
      else fields[k] = v;
    }
    return fields;
  }
}

export interface ParsedFormPost {
  action: string;
  method: string;
  fields: Record<string, string>;
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#96|#61);/g, (_, e: string) =>
    ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`', '#61': '=' })[e]!);
}

/** Reads the form_post page like a browser would: the form's action and its hidden inputs. */
export function parseFormPost(html: string): ParsedFormPost | null {
  const form = /<form method="(\w+)" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const m of form[3].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  }
  return { method: form[1], action: unescapeHtml(form[2]), fields };
}
