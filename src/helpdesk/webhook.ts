// The completion webhook: when a request is decided, its signed result (the JWS, application/jwt) is POSTed
// to every configured URL, off the request path. Each attempt is bounded by timeoutMs; a failure (network,
// timeout, non-2xx) is retried up to maxAttempts with doubling delays; each URL's outcome is kept in
// webhook_deliveries. The body is also MACed with the shared secret (X-Proofgate-Signature) so a receiver
// that cannot fetch the JWKS can still tell the sender. A failing receiver never touches the decision.
// A delivery is on record as 'pending' before its first attempt, so one that a restart cuts short is
// resumed at start-up (RequestResults.resumeDeliveries) from the attempt after the last one made; a
// receiver may therefore see one attempt twice and should key on X-Proofgate-Request-Id.
import { createHmac } from 'node:crypto';
import type { HelpdeskWebhookConfig } from '../config/sections/helpdesk.js';
import type { Logger } from '../core/log.js';
import type { RequestStore } from '../store/request-store.js';

export interface WebhookDeps {
  config: HelpdeskWebhookConfig;
  store: Pick<RequestStore, 'saveDelivery'>;
  log: Logger;
  now: () => number;
}

export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Delivers `jws` for `requestId` to every URL; resolves when each has been delivered or has used its attempts. */
export async function deliverResult(d: WebhookDeps, requestId: string, jws: string): Promise<void> {
  await Promise.all(d.config.urls.map((url) => deliverTo(d, url, requestId, jws, 0)));
}

/**
 * Delivers `jws` to one URL, after `attemptsMade` earlier attempts (0 for a new delivery; a resumed one
 * waits the delay its next attempt would have waited). Never throws: the outcome is on record.
 */
export async function deliverTo(d: WebhookDeps, url: string, requestId: string, jws: string, attemptsMade: number): Promise<void> {
  const { config } = d;
  let lastStatus: number | null = null;
  let lastError: string | null = null;
  if (attemptsMade === 0) {
    try {
      d.store.saveDelivery({ requestId, url, state: 'pending', attempts: 0, lastStatus, lastError, updatedAt: d.now() });
    } catch (e) {
      d.log('helpdesk.webhook_record_failed', { requestId, url, error: (e as Error).message }, 'error');
    }
  } else {
    await sleep(config.retryDelayMs * 2 ** (attemptsMade - 1));
  }
  for (let attempt = attemptsMade + 1; attempt <= config.maxAttempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST', body: jws, redirect: 'manual', signal: AbortSignal.timeout(config.timeoutMs),
        headers: {
          'content-type': 'application/jwt',
          'x-proofgate-request-id': requestId,
          'x-proofgate-delivery-attempt': String(attempt),
          ...(config.secret ? { 'x-proofgate-signature': webhookSignature(config.secret, jws) } : {}),
        },
      });
      lastStatus = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        d.store.saveDelivery({ requestId, url, state: 'delivered', attempts: attempt, lastStatus, lastError: null, updatedAt: d.now() });
        d.log('helpdesk.webhook_delivered', { requestId, url, attempts: attempt, status: res.status });
        return;
      }
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = (e as Error).name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : (e as Error).message;
    }
    const final = attempt === config.maxAttempts;
    try {
      d.store.saveDelivery({ requestId, url, state: final ? 'failed' : 'pending', attempts: attempt, lastStatus, lastError, updatedAt: d.now() });
    } catch (e) {
      d.log('helpdesk.webhook_record_failed', { requestId, url, error: (e as Error).message }, 'error');
    }
    d.log(final ? 'helpdesk.webhook_failed' : 'helpdesk.webhook_retry', { requestId, url, attempt, error: lastError }, final ? 'error' : 'warn');
    if (!final) await sleep(config.retryDelayMs * 2 ** (attempt - 1));
  }
}
