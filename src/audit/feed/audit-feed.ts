// The live feed of the audit trail to a SIEM. It FOLLOWS the store: a timer reads the records after its
// cursor, in seq order, at most batchSize at a time, and hands them to the sink (syslog or JSON lines).
// It never runs inside a decision's transaction and nothing in a decision waits for it, so a receiver
// outage cannot block or fail a verification: the feed falls behind (lag()), retries with backoff, and
// catches up from its cursor, which survives restarts (feed-cursor.ts). Records written by other
// processes (the CLI) are fed too, since the store is the source.
//
// Delivery is at-least-once, in seq order. A batch is counted delivered, and the cursor moved past it,
// only when the sink still holds it one settle period after sending (a stream has no acknowledgement:
// a receiver that dropped the connection meanwhile gets the batch again). A crash between a send and
// the cursor write also resends. The SIEM drops repeats by seq (and hash); a gap in seq means records
// were lost downstream, and `audit-export --since` fills it.
import type { AuditFeedConfig } from '../../config/sections/audit.js';
import type { AuditRecord } from '../../core/domain.js';
import type { Logger } from '../../core/log.js';
import type { Repository } from '../../store/repository.js';
import { GENESIS_HASH } from '../chain.js';
import type { FeedCursorFile } from './feed-cursor.js';
import type { FeedSink } from './feed-sink.js';

/** How long after a send its connection must still stand before the batch counts as delivered. */
export const FEED_SETTLE_MS = 50;

export interface AuditFeedOptions {
  repo: Pick<Repository, 'auditRecords' | 'auditRecord' | 'lastAuditRecord'>;
  sink: FeedSink;
  cursor: FeedCursorFile;
  config: Pick<AuditFeedConfig, 'batchSize' | 'pollIntervalMs' | 'retryMinMs' | 'retryMaxMs' | 'startFrom'>;
  log: Logger;
  settleMs?: number;
  now?: () => number;
}

interface Position {
  seq: number;
  hash: string;
}

/** What GET /health's auditFeed check shows. No addresses: /health may be reachable from outside. */
export interface AuditFeedHealth {
  ok: boolean;
  detail: string;
}

export class AuditFeed {
  readonly #repo: AuditFeedOptions['repo'];
  readonly #sink: FeedSink;
  readonly #cursor: FeedCursorFile;
  readonly #config: AuditFeedOptions['config'];
  readonly #log: Logger;
  readonly #settleMs: number;
  readonly #now: () => number;
  /** The last record the destination has (as far as we know); null until the start position is resolved. */
  #delivered: Position | null = null;
  /** The last record of a batch sent but not yet counted delivered. */
  #pending: Position | null = null;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #started = false;
  #stopped = false;
  #failures = 0;
  #failingSince: number | null = null;

  constructor(opts: AuditFeedOptions) {
    this.#repo = opts.repo;
    this.#sink = opts.sink;
    this.#cursor = opts.cursor;
    this.#config = opts.config;
    this.#log = opts.log;
    this.#settleMs = opts.settleMs ?? FEED_SETTLE_MS;
    this.#now = opts.now ?? Date.now;
  }

  get destination(): string {
    return this.#sink.destination;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops following; a sent batch its connection still holds is counted; the sink is closed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
    try {
      this.#settlePending();
    } catch (e) {
      this.#log('audit-feed-cursor-failed', { destination: this.destination, error: (e as Error).message, effect: 'the last batch is sent again at the next start' }, 'error');
    }
    await this.#sink.close();
  }

  /** The seq of the last record counted delivered (0: none). */
  deliveredSeq(): number {
    return this.#delivered?.seq ?? 0;
  }

  /** Records in the store not yet counted delivered: what /health and metrics show as the feed's lag. */
  lag(): number {
    const newest = this.#repo.lastAuditRecord()?.seq ?? 0;
    return Math.max(0, newest - this.deliveredSeq());
  }

  health(): AuditFeedHealth {
    let behind: string;
    try {
      behind = `${this.lag()} record(s) behind`;
    } catch {
      behind = 'lag unknown';
    }
    if (this.#failingSince !== null) {
      return { ok: false, detail: `delivery failing for ${Math.round((this.#now() - this.#failingSince) / 1000)} s; ${behind}` };
    }
    return { ok: true, detail: behind };
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.#step().finally(() => { this.#running = null; });
    }, ms);
    this.#timer.unref();
  }

  /** One round: count the previous batch, send the next one, and plan the next round. */
  async #step(): Promise<void> {
    let next: number;
    try {
      this.#delivered ??= this.#startPosition();
      this.#settlePending();
      const batch = this.#readBatch(this.#delivered.seq);
      if (batch.length === 0) {
        this.#recovered();
        next = this.#config.pollIntervalMs;
      } else {
        await this.#sink.send(batch);
        const last = batch[batch.length - 1];
        this.#pending = { seq: last.seq, hash: last.hash };
        this.#recovered();
        next = this.#settleMs;
      }
    } catch (e) {
      this.#pending = null;
      next = this.#failed(e);
    }
    this.#schedule(next);
  }

  #settlePending(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    if (!this.#sink.stillHolds()) return; // sent again from the cursor
    this.#cursor.write({ destination: this.destination, ...pending });
    this.#delivered = pending;
  }

  #readBatch(afterSeq: number): AuditRecord[] {
    const batch: AuditRecord[] = [];
    for (const r of this.#repo.auditRecords(afterSeq + 1)) {
      batch.push(r);
      if (batch.length >= this.#config.batchSize) break;
    }
    return batch;
  }

  /**
   * Where to resume: the cursor, when it is for this destination and the store still holds its record
   * with its hash; otherwise (a database restored or replaced, a corrupt cursor) from the first record,
   * since a gap is worse than a repeat. Without a cursor: config.startFrom.
   */
  #startPosition(): Position {
    let stored;
    try {
      stored = this.#cursor.read();
    } catch (e) {
      this.#log('audit-feed-cursor-unreadable', { cursorFile: this.#cursor.file, error: (e as Error).message, effect: 'sending from the first record' }, 'error');
      return { seq: 0, hash: GENESIS_HASH };
    }
    if (stored && stored.destination === this.destination) {
      if (stored.seq === 0 || this.#recordAt(stored.seq)?.hash === stored.hash) return { seq: stored.seq, hash: stored.hash };
      this.#log('audit-feed-cursor-mismatch', {
        cursorFile: this.#cursor.file, seq: stored.seq, effect: 'the store no longer holds that record with that hash (restored or replaced?); sending from the first record',
      }, 'warn');
      return { seq: 0, hash: GENESIS_HASH };
    }
    if (stored) this.#log('audit-feed-new-destination', { destination: this.destination, previous: stored.destination, startFrom: this.#config.startFrom }, 'warn');
    if (this.#config.startFrom === 'newest') {
      const newest = this.#repo.lastAuditRecord();
      const position = newest ? { seq: newest.seq, hash: newest.hash } : { seq: 0, hash: GENESIS_HASH };
      this.#cursor.write({ destination: this.destination, ...position });
      return position;
    }
    return { seq: 0, hash: GENESIS_HASH };
  }

  #recordAt(seq: number): AuditRecord | null {
    return this.#repo.auditRecord(seq);
  }

  #recovered(): void {
    if (this.#failingSince === null) return;
    this.#log('audit-feed-resumed', { destination: this.destination, failedAttempts: this.#failures, behind: this.lag() });
    this.#failingSince = null;
    this.#failures = 0;
  }

  /** Logs the first failure of an outage; returns the backoff before the next try. */
  #failed(e: unknown): number {
    this.#failures += 1;
    if (this.#failingSince === null) {
      this.#failingSince = this.#now();
      let behind: number | null = null;
      try {
        behind = this.lag();
      } catch { /* the store's own trouble is reported by its health check */ }
      this.#log('audit-feed-failed', {
        destination: this.destination, error: (e as Error).message, behind, effect: 'retrying with backoff; decisions are not affected',
      }, 'error');
    }
    const base = Math.min(this.#config.retryMaxMs, this.#config.retryMinMs * 2 ** Math.min(this.#failures - 1, 30));
    // Jitter keeps appliances that lost the same receiver from reconnecting in step.
    return Math.round(base * (0.8 + 0.2 * Math.random()));
  }
}
