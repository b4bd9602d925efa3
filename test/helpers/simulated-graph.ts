// A simulated Microsoft identity platform token endpoint and Microsoft Graph temporaryAccessPassMethods,
// as a real HTTP server on loopback, for the account-recovery tests. It checks what the real ones check:
// the client assertion's PS256 signature against a certificate the test "uploaded" (by its x5t#S256),
// aud = this token endpoint, iss = sub = the client id, nbf/exp, a jti used once; then the bearer token,
// the user and the body on the TAP endpoint. Switches make the next answer of an endpoint a 400, 403,
// 404, 429, 500, an oversized or malformed body, or no answer at all (a timeout).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { constants, createHash, randomBytes, randomUUID, verify, X509Certificate } from 'node:crypto';

export type GraphFault = 400 | 401 | 403 | 404 | 429 | 500 | 'timeout' | 'oversized' | 'malformed';
export type GraphEndpointName = 'token' | 'tap' | 'delete';

export interface CreatedTapRecord {
  userId: string;
  id: string;
  temporaryAccessPass: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface SimulatedGraphOptions {
  tenantId: string;
  clientId: string;
  /** Users (object ids) the tenant has. */
  users: string[];
  /** expires_in the token endpoint answers (seconds). */
  tokenExpiresIn?: number;
}

const b64uJson = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

export class SimulatedGraph {
  readonly #opts: SimulatedGraphOptions;
  readonly #server: Server;
  readonly #certificates = new Map<string, X509Certificate>();
  readonly #seenJti = new Set<string>();
  readonly #tokens = new Map<string, number>();
  readonly #faults: Record<GraphEndpointName, GraphFault[]> = { token: [], tap: [], delete: [] };
  readonly #hanging = new Set<ServerResponse>();
  /** Every TAP created and not deleted, and every one deleted. */
  readonly created: CreatedTapRecord[] = [];
  readonly deleted: CreatedTapRecord[] = [];
  /** What the endpoints were asked: counts, and the refusals they gave (reason strings). */
  readonly calls = { token: 0, tap: 0, delete: 0 };
  readonly refusals: string[] = [];
  /** The last TAP request's JSON body, as received. */
  lastTapBody: unknown;
  baseUrl = '';
  tokenExpiresIn: number;
  /** The application permissions the app registration was granted (admin consent). */
  roles: string[] = ['UserAuthenticationMethod.ReadWrite.All'];

  constructor(opts: SimulatedGraphOptions) {
    this.#opts = opts;
    this.tokenExpiresIn = opts.tokenExpiresIn ?? 3599;
    this.#server = createServer((req, res) => void this.#handle(req, res).catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    }));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  get authorityBaseUrl(): string {
    return this.baseUrl;
  }

  get graphBaseUrl(): string {
    return `${this.baseUrl}/v1.0`;
  }

  get tokenEndpoint(): string {
    return `${this.baseUrl}/${this.#opts.tenantId}/oauth2/v2.0/token`;
  }

  /** As an admin uploading the certificate to the app registration. */
  uploadCertificate(pem: string): void {
    const cert = new X509Certificate(pem);
    this.#certificates.set(createHash('sha256').update(cert.raw).digest('base64url'), cert);
  }

  removeCertificates(): void {
    this.#certificates.clear();
  }

  /** The next answer(s) of `endpoint` will be these faults, in order. */
  fail(endpoint: GraphEndpointName, ...faults: GraphFault[]): void {
    this.#faults[endpoint].push(...faults);
  }

  /** Revokes every token issued so far (the next TAP call gets a 401). */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === `/${this.#opts.tenantId}/oauth2/v2.0/token`) return this.#token(body, res);
    const tap = /^\/v1\.0\/users\/([^/]+)\/authentication\/temporaryAccessPassMethods(?:\/([^/]+))?$/.exec(url.pathname);
    if (tap && req.method === 'POST' && !tap[2]) return this.#createTap(decodeURIComponent(tap[1]), req, body, res);
    if (tap && req.method === 'DELETE' && tap[2]) return this.#deleteTap(decodeURIComponent(tap[1]), decodeURIComponent(tap[2]), req, res);
    json(res, 404, { error: { code: 'Request_ResourceNotFound', message: 'no such route' } });
  }

  /** Applies a pending fault; true when the answer was given (or withheld). */
  #fault(endpoint: GraphEndpointName, res: ServerResponse): boolean {
    const fault = this.#faults[endpoint].shift();
    if (fault === undefined) return false;
    if (fault === 'timeout') {
      this.#hanging.add(res);
      return true;
    }
    if (fault === 'oversized') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"padding":"${'x'.repeat(200 * 1024)}"}`);
      return true;
    }
    if (fault === 'malformed') {
      json(res, endpoint === 'token' ? 200 : 201, endpoint === 'token' ? { token_type: 'Bearer', expires_in: 3599 } : { id: randomUUID(), isUsableOnce: 'yes' });
      return true;
    }
    const codes: Record<number, string> = { 400: 'invalidRequest', 401: 'InvalidAuthenticationToken', 403: 'Authorization_RequestDenied', 404: 'Request_ResourceNotFound', 429: 'TooManyRequests', 500: 'generalException' };
    if (endpoint === 'token') json(res, fault, { error: fault === 400 ? 'invalid_request' : fault === 401 ? 'invalid_client' : 'temporarily_unavailable', error_codes: [fault === 401 ? 700027 : 50000] });
    else json(res, fault, { error: { code: codes[fault], message: 'simulated failure' } });
    return true;
  }

  #refuse(res: ServerResponse, status: number, error: string, reason: string, codes: number[] = []): void {
    this.refusals.push(reason);
    json(res, status, { error, error_description: reason, error_codes: codes });
  }

  #token(body: Buffer, res: ServerResponse): void {
    this.calls.token += 1;
    if (this.#fault('token', res)) return;
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') return this.#refuse(res, 400, 'unsupported_grant_type', 'grant_type');
    if (form.get('client_id') !== this.#opts.clientId) return this.#refuse(res, 400, 'unauthorized_client', 'client_id', [700016]);
    if (form.get('scope') !== `${new URL(this.graphBaseUrl).origin}/.default`) return this.#refuse(res, 400, 'invalid_scope', 'scope', [70011]);
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return this.#refuse(res, 400, 'invalid_request', 'client_assertion_type');
    const problem = this.#checkAssertion(form.get('client_assertion') ?? '');
    if (problem) return this.#refuse(res, 401, 'invalid_client', problem, [700027]);
    // Shaped like Entra's: a JWT whose roles name the application permissions consented (not checked by Graph here).
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = `${enc({ typ: 'JWT', alg: 'RS256' })}.${enc({ aud: new URL(this.graphBaseUrl).origin, tid: this.#opts.tenantId, appid: this.#opts.clientId, roles: this.roles })}.${randomBytes(32).toString('base64url')}`;
    this.#tokens.set(token, Date.now() + this.tokenExpiresIn * 1000);
    json(res, 200, { token_type: 'Bearer', expires_in: this.tokenExpiresIn, ext_expires_in: this.tokenExpiresIn, access_token: token });
  }

  /** Why the assertion is refused, or null when it is good (the jti is then spent). */
  #checkAssertion(jwt: string): string | null {
    const parts = jwt.split('.');
    if (parts.length !== 3) return 'assertion: not a JWS';
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = b64uJson(parts[0]);
      claims = b64uJson(parts[1]);
    } catch {
      return 'assertion: not JSON';
    }
    if (header.alg !== 'PS256') return `assertion: alg ${String(header.alg)}`;
    const cert = this.#certificates.get(String(header['x5t#S256']));
    if (!cert) return 'assertion: certificate not uploaded (x5t#S256 unknown)';
    const good = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), {
      key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32,
    }, Buffer.from(parts[2], 'base64url'));
    if (!good) return 'assertion: signature';
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== this.tokenEndpoint) return 'assertion: aud';
    if (claims.iss !== this.#opts.clientId || claims.sub !== this.#opts.clientId) return 'assertion: iss/sub';
    if (typeof claims.exp !== 'number' || claims.exp <= now) return 'assertion: expired';
    if (typeof claims.nbf !== 'number' || claims.nbf > now + 60) return 'assertion: not yet valid';
    if (claims.exp - claims.nbf > 600) return 'assertion: lives longer than 10 minutes';
    if (typeof claims.jti !== 'string' || claims.jti.length < 16) return 'assertion: jti';
    if (this.#seenJti.has(claims.jti)) return 'assertion: jti replayed';
    this.#seenJti.add(claims.jti);
    return null;
  }

  #bearerOk(req: IncomingMessage, res: ServerResponse): boolean {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const expires = m ? this.#tokens.get(m[1]) : undefined;
    if (expires === undefined || expires <= Date.now()) {
      this.refusals.push('bearer token');
      json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } });
      return false;
    }
    return true;
  }

  #createTap(userId: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    this.calls.tap += 1;
    if (!this.#bearerOk(req, res)) return;
    if (this.#fault('tap', res)) return;
    if (!this.#opts.users.includes(userId)) return void json(res, 404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${userId}' does not exist` } });
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      this.lastTapBody = parsed;
    } catch {
      return void json(res, 400, { error: { code: 'BadRequest', message: 'not JSON' } });
    }
    const keysOk = Object.keys(parsed).every((k) => ['lifetimeInMinutes', 'isUsableOnce', 'startDateTime'].includes(k));
    const lifetime = parsed.lifetimeInMinutes;
    if (!keysOk || typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 10 || lifetime > 43_200 || typeof parsed.isUsableOnce !== 'boolean') {
      return void json(res, 400, { error: { code: 'invalidRequest', message: 'body' } });
    }
    // Graph keeps one usable TAP per user: a new one replaces the old.
    for (let i = this.created.length - 1; i >= 0; i -= 1) if (this.created[i].userId === userId) this.created.splice(i, 1);
    const record: CreatedTapRecord = { userId, id: randomUUID(), temporaryAccessPass: randomBytes(9).toString('base64url').replace(/[-_]/g, 'x'), lifetimeInMinutes: lifetime, isUsableOnce: parsed.isUsableOnce };
    this.created.push(record);
    const start = new Date().toISOString();
    json(res, 201, {
      '@odata.context': `${this.graphBaseUrl}/$metadata#users('${userId}')/authentication/temporaryAccessPassMethods/$entity`,
      id: record.id, isUsable: true, methodUsabilityReason: 'EnabledByPolicy', createdDateTime: start, startDateTime: start,
      lifetimeInMinutes: lifetime, isUsableOnce: parsed.isUsableOnce, temporaryAccessPass: record.temporaryAccessPass,
    });
  }

  #deleteTap(userId: string, tapId: string, req: IncomingMessage, res: ServerResponse): void {
    this.calls.delete += 1;
    if (!this.#bearerOk(req, res)) return;
    if (this.#fault('delete', res)) return;
    const i = this.created.findIndex((c) => c.userId === userId && c.id === tapId);
    if (i < 0) return void json(res, 404, { error: { code: 'Request_ResourceNotFound', message: 'no such method' } });
    this.deleted.push(...this.created.splice(i, 1));
    res.writeHead(204).end();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A started simulated Graph, closed when the test ends. */
export async function startSimulatedGraph(t: { teardown(fn: () => unknown): void }, opts: SimulatedGraphOptions): Promise<SimulatedGraph> {
  const graph = await new SimulatedGraph(opts).start();
  t.teardown(() => graph.close());
  return graph;
}
