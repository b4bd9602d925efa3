// The cheapest complete verification: open a session and press Cancel (access_denied, one audit record).
import type { Test } from 'tap';
import { parseFormPost } from './simulated-entra.js';
import type { VerificationTestApp } from './verification-test-app.js';

export async function cancel(app: VerificationTestApp, opened: { cancelUrl: string; session: { csrfToken: string } }): Promise<Response> {
  return fetch(`${app.baseUrl}${opened.cancelUrl}`, {
    method: 'POST', body: new URLSearchParams({ csrf: opened.session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Opens a session, cancels it and checks access_denied went back. */
export async function cancelled(t: Test, app: VerificationTestApp): Promise<void> {
  const res = await cancel(app, await app.openSession());
  t.equal(res.status, 200);
  t.match(parseFormPost(await res.text())?.fields, { error: 'access_denied' });
}

/** The public keys the test app's checkpoints verify under. */
export const trustedKeys = async (app: VerificationTestApp) => (await app.keyRing.published()).map((k) => k.jwk());
