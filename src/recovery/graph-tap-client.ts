// Microsoft Graph's temporaryAccessPassMethods for one user: create (POST → 201 with the pass in clear,
// the only time Graph ever shows it) and delete (the undo when the appliance cannot finish the issue).
// Application permission UserAuthenticationMethod.ReadWrite.All, admin-consented. A 401 means the cached
// token went stale: it is dropped and the call tried once more with a fresh one (nothing was created).
import { boundedExchange, type BoundedResponse } from './bounded-response.js';
import { graphRefused, graphUnavailable, safeErrorCode } from './graph-errors.js';
import type { GraphTokenClient } from './graph-token-client.js';

/** A TAP answer is under 1 KiB; an error answer a few. */
export const MAX_GRAPH_RESPONSE_BYTES = 32 * 1024;

/** What Graph answered on create, checked. `temporaryAccessPass` is the secret: show once, never keep. */
export interface CreatedTap {
  /** Graph's id of the method (to delete it). */
  id: string;
  temporaryAccessPass: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  startDateTime: string;
}

export interface GraphTapClientOptions {
  graphBaseUrl: string;
  tokens: GraphTokenClient;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class GraphTapClient {
  readonly #opts: GraphTapClientOptions;

  constructor(opts: GraphTapClientOptions) {
    this.#opts = opts;
  }

  #methodsUrl(userId: string): string {
    return `${this.#opts.graphBaseUrl}/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`;
  }

  async #call(url: string, init: RequestInit): Promise<BoundedResponse> {
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.#opts.tokens.accessToken();
      const res = await boundedExchange({
        endpoint: 'Graph',
        url,
        init: { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}`, accept: 'application/json' } },
        timeoutMs: this.#opts.timeoutMs,
        maxBytes: MAX_GRAPH_RESPONSE_BYTES,
        fetch: this.#opts.fetch,
      });
      if (res.status !== 401 || attempt > 0) return res;
      this.#opts.tokens.forget();
    }
  }

  /** Creates a TAP for the user (object id or UPN); Graph starts it now when no start is given. */
  async create(userId: string, opts: { lifetimeInMinutes: number; isUsableOnce: boolean }): Promise<CreatedTap> {
    const res = await this.#call(this.#methodsUrl(userId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lifetimeInMinutes: opts.lifetimeInMinutes, isUsableOnce: opts.isUsableOnce }),
    });
    if (res.status !== 201 && res.status !== 200) throw graphFailure(res);
    try {
      return readCreatedTap(res.json);
    } catch (e) {
      // Created, but not in a shape we can show: take it back rather than leave a pass nobody can see.
      const id = (res.json as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string' && TAP_ID.test(id)) await this.delete(userId, id).catch(() => undefined);
      throw e;
    }
  }

  /** Deletes a TAP by its method id; a TAP already gone counts as deleted. */
  async delete(userId: string, tapId: string): Promise<void> {
    const res = await this.#call(`${this.#methodsUrl(userId)}/${encodeURIComponent(tapId)}`, { method: 'DELETE' });
    if (res.status !== 204 && res.status !== 200 && res.status !== 404) throw graphFailure(res);
  }
}

function graphFailure(res: BoundedResponse): Error {
  const error = (res.json as { error?: { code?: unknown } } | undefined)?.error;
  const code = safeErrorCode(error?.code);
  const detail = `HTTP ${res.status}${code ? ` ${code}` : ''}`;
  if (res.status === 429 || res.status >= 500) return graphUnavailable('Graph', detail);
  const why = res.status === 403 ? ' (has the app UserAuthenticationMethod.ReadWrite.All, admin-consented, and does the TAP policy allow this user?)'
    : res.status === 404 ? ' (no such user in the tenant)' : '';
  return graphRefused('Graph', `${detail}${why}`);
}

const TAP_TEXT = /^[\x21-\x7e]{4,128}$/;
const TAP_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

function readCreatedTap(json: unknown): CreatedTap {
  const o = (json ?? {}) as Record<string, unknown>;
  const bad = (what: string) => graphRefused('Graph', `created a Temporary Access Pass but the answer has no usable ${what}`);
  if (typeof o.id !== 'string' || !TAP_ID.test(o.id)) throw bad('id');
  if (typeof o.temporaryAccessPass !== 'string' || !TAP_TEXT.test(o.temporaryAccessPass)) throw bad('temporaryAccessPass');
  if (typeof o.lifetimeInMinutes !== 'number' || !Number.isInteger(o.lifetimeInMinutes) || o.lifetimeInMinutes < 1 || o.lifetimeInMinutes > 43_200) throw bad('lifetimeInMinutes');
  if (typeof o.isUsableOnce !== 'boolean') throw bad('isUsableOnce');
  if (typeof o.startDateTime !== 'string' || o.startDateTime.length > 64 || !Number.isFinite(Date.parse(o.startDateTime))) throw bad('startDateTime');
  return { id: o.id, temporaryAccessPass: o.temporaryAccessPass, lifetimeInMinutes: o.lifetimeInMinutes, isUsableOnce: o.isUsableOnce, startDateTime: o.startDateTime };
}
