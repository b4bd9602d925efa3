// The appliance's Prometheus metrics: one registry per app (never prom-client's global one, so two apps
// in one process keep their own counts), the instruments docs/observability.md lists, and the methods
// call sites use, so src/oidc, src/verification and src/cli never touch prom-client themselves.
// Every label takes values from a closed set (error codes, flows, outcomes, tiers, HSM operations,
// stages): nothing a client sends becomes a label.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'proofgate_';

/** The stages whose latency is measured (seconds). */
export type Stage = 'authorize' | 'capture_analysis' | 'decision' | 'signing';

/**
 * The liveness tier a decision rested on, from the evidence actually judged: 'depth' (depth geometry,
 * with or without IR and the challenge), 'challenge' (the active challenge without depth), 'none'. When
 * the assurance tiers land, this label carries them.
 */
export type LivenessTier = 'depth' | 'challenge' | 'none';

export interface DecisionLabels {
  flow: 'returning' | 'first-time';
  outcome: 'verified' | 'denied' | 'unavailable';
  tier: LivenessTier;
}

export interface ApplianceMetrics {
  /** What GET /metrics serves. */
  readonly registry: Registry;
  authorizeAccepted(): void;
  authorizeRefused(code: string): void;
  captureRefused(code: string): void;
  decision(labels: DecisionLabels): void;
  hsmFailure(operation: string): void;
  /** A denial counted towards the account's lockout (verification.lockout), by what failed. */
  lockoutFailure(reason: string): void;
  /** An account's lock started (once per lock): `short` (the window) or `staff` (the daily cap, until a staff unlock). */
  accountLocked(kind: 'short' | 'staff'): void;
  /** A capture refused unjudged because its account is locked. */
  lockedRefusal(): void;
  unavailableResponse(): void;
  /** Starts a latency measurement; call the returned function when the stage ends. */
  startStage(stage: Stage): () => void;
  /** The gauge of audit records after the last signed checkpoint reads this at every scrape. */
  watchUnsealedAuditRecords(count: () => number): void;
  /** The Entra-keys freshness gauge (1 current, 0 stale or missing) reads this at every scrape; it must not call out. */
  watchEntraKeysFreshness(fresh: () => boolean): void;
  /** The SIEM feed's lag gauge (audit records not yet delivered) reads this at every scrape; absent when the feed is off. */
  watchAuditFeedLag(lag: () => number): void;
}

// Latency buckets (seconds): a face analysis is tens of ms, an HSM signature ms, a first-time decision up to seconds.
const STAGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event loop, GC) with the proofgate_ prefix; default true. */
  processMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): ApplianceMetrics {
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const name = (n: string) => `${METRIC_PREFIX}${n}`;

  const decisions = new Counter({
    name: name('decisions_total'), help: 'Verification decisions by flow, outcome (what went back to Entra) and liveness tier.',
    labelNames: ['flow', 'outcome', 'tier'] as const, registers: [registry],
  });
  const authorizeAccepted = new Counter({
    name: name('authorize_accepted_total'), help: 'Authorization requests that opened a verification session.', registers: [registry],
  });
  const authorizeRefusals = new Counter({
    name: name('authorize_refusals_total'), help: 'Authorization requests refused, by internal error code.',
    labelNames: ['code'] as const, registers: [registry],
  });
  const captureRefusals = new Counter({
    name: name('capture_refusals_total'), help: 'Capture requests refused before a decision, by internal error code.',
    labelNames: ['code'] as const, registers: [registry],
  });
  const hsmFailures = new Counter({
    name: name('hsm_failures_total'), help: 'HSM (PKCS#11) operations that failed, by operation.',
    labelNames: ['operation'] as const, registers: [registry],
  });
  const lockoutFailures = new Counter({
    name: name('lockout_failures_total'), help: 'Denials counted towards an account lockout (verification.lockout), by what failed: face-match or liveness.',
    labelNames: ['reason'] as const, registers: [registry],
  });
  const accountsLocked = new Counter({
    name: name('accounts_locked_total'),
    help: 'Account locks started, by kind: short (too many failed verifications within the window) or staff (the daily cap; locked until a staff unlock).',
    labelNames: ['kind'] as const, registers: [registry],
  });
  const lockedRefusals = new Counter({
    name: name('locked_account_refusals_total'), help: 'Captures refused unjudged because their account was locked.', registers: [registry],
  });
  const unavailable = new Counter({
    name: name('http_503_responses_total'), help: 'HTTP responses with status 503 to users (a part the request needs is down); /health and /metrics probes are not counted.', registers: [registry],
  });
  const stages = new Histogram({
    name: name('stage_duration_seconds'), help: 'Latency per stage: authorize, capture_analysis (face engine), decision, signing (HSM).',
    labelNames: ['stage'] as const, buckets: STAGE_BUCKETS, registers: [registry],
  });
  let unsealedSource: (() => number) | null = null;
  new Gauge({
    name: name('audit_unsealed_records'), help: 'Audit records after the last HSM-signed checkpoint.', registers: [registry],
    collect() {
      if (unsealedSource) this.set(unsealedSource());
    },
  });

  let freshnessSource: (() => boolean) | null = null;
  new Gauge({
    name: name('entra_keys_fresh'), help: 'Whether the Entra keys hints are checked against are current (1) or stale or missing (0), as /health judges them.',
    registers: [registry],
    collect() {
      if (freshnessSource) this.set(freshnessSource() ? 1 : 0);
    },
  });

  // Registered only when a feed is watched: an unset gauge would read 0 ("nothing behind") with the feed off.
  let feedLagSource: (() => number) | null = null;

  return {
    registry,
    authorizeAccepted: () => authorizeAccepted.inc(),
    authorizeRefused: (code) => authorizeRefusals.inc({ code }),
    captureRefused: (code) => captureRefusals.inc({ code }),
    decision: (labels) => decisions.inc(labels),
    hsmFailure: (operation) => hsmFailures.inc({ operation }),
    lockoutFailure: (reason) => lockoutFailures.inc({ reason }),
    accountLocked: (kind) => accountsLocked.inc({ kind }),
    lockedRefusal: () => lockedRefusals.inc(),
    unavailableResponse: () => unavailable.inc(),
    startStage: (stage) => stages.startTimer({ stage }),
    watchUnsealedAuditRecords(count) {
      unsealedSource = count;
    },
    watchEntraKeysFreshness(fresh) {
      freshnessSource = fresh;
    },
    watchAuditFeedLag(lag) {
      if (!feedLagSource) {
        new Gauge({
          name: name('audit_feed_lag_records'), help: 'Audit records the SIEM feed (audit.feed) has not yet delivered; absent when the feed is off.',
          registers: [registry],
          collect() {
            if (feedLagSource) this.set(feedLagSource());
          },
        });
      }
      feedLagSource = lag;
    },
  };
}
