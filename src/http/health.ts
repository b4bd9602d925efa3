// GET /health: runs each registered check (start-appliance.ts registers the HSM, the store and the face engine) with a time
// limit and answers 200 when all pass, 503 otherwise. Check names and ok flags only; details are short.
import type { RequestHandler } from 'express';
import { markMonitoringProbe } from './metrics-responses.js';

export interface HealthResult {
  ok: boolean;
  detail?: string;
}
export type HealthChecks = Record<string, () => Promise<HealthResult> | HealthResult>;

const CHECK_TIMEOUT_MS = 3000;

async function runCheck(check: () => Promise<HealthResult> | HealthResult): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<HealthResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    return { ok: false, detail: (e as { code?: string }).code ?? 'check failed' };
  } finally {
    clearTimeout(timer);
  }
}

export function healthEndpoint(checks: HealthChecks): RequestHandler {
  return async (_req, res) => {
    markMonitoringProbe(res);
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((n) => runCheck(checks[n])));
    const report = Object.fromEntries(names.map((n, i) => [n, results[i]]));
    const ok = results.every((r) => r.ok);
    res.setHeader('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks: report });
  };
}
