// One outbound HTTP exchange with Entra or Graph, bounded on every side: a deadline over the whole
// exchange (AbortSignal, body included), no redirects, and a body read to at most `maxBytes` (the stream
// is cancelled past it, whatever Content-Length claimed). JSON bodies only.
import { ProofgateError } from '../core/errors.js';
import { graphRefused, graphUnavailable, type GraphEndpoint } from './graph-errors.js';

export interface BoundedResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for an empty body or one that is not JSON. */
  json: unknown;
}

export interface BoundedRequest {
  endpoint: GraphEndpoint;
  url: string;
  init: RequestInit;
  timeoutMs: number;
  maxBytes: number;
  fetch?: typeof fetch;
}

async function readCapped(res: Response, maxBytes: number, endpoint: GraphEndpoint): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw graphRefused(endpoint, `answered more than ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export async function boundedExchange(req: BoundedRequest): Promise<BoundedResponse> {
  const doFetch = req.fetch ?? globalThis.fetch;
  const signal = AbortSignal.timeout(req.timeoutMs);
  let res: Response;
  let body: Buffer;
  try {
    res = await doFetch(req.url, { ...req.init, signal, redirect: 'manual' });
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > req.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw graphRefused(req.endpoint, `answered ${declared} bytes, more than ${req.maxBytes}`);
    }
    body = await readCapped(res, req.maxBytes, req.endpoint);
  } catch (e) {
    if (e instanceof ProofgateError) throw e;
    const name = (e as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') throw graphUnavailable(req.endpoint, `no answer within ${req.timeoutMs} ms`, e);
    throw graphUnavailable(req.endpoint, `could not be reached (${causeText(e)})`, e);
  }
  if (res.status >= 300 && res.status < 400) throw graphRefused(req.endpoint, `HTTP ${res.status} redirect (redirects are not followed)`);
  let json: unknown;
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, json };
}

/** The network error's own code (ECONNREFUSED…), or its message when short and plain; never a long text. */
function causeText(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code)) return cause.code;
  if (cause && typeof cause.message === 'string' && /^[\w .:-]{1,60}$/.test(cause.message)) return cause.message;
  return 'network error';
}
