// An AuditFeed over a test store with quick timings, its log collected, and a wait for a condition.
import path from 'node:path';
import { AuditFeed } from '../../src/audit/feed/audit-feed.js';
import { FeedCursorFile } from '../../src/audit/feed/feed-cursor.js';
import type { FeedSink } from '../../src/audit/feed/feed-sink.js';
import { SyslogSink } from '../../src/audit/feed/syslog-sink.js';
import { syslogHeader } from '../../src/audit/feed/syslog-message.js';
import type { AuditFeedConfig } from '../../src/config/sections/audit.js';
import type { Repository } from '../../src/store/repository.js';
import type { LogLevel } from '../../src/core/log.js';

interface Teardown { teardown(fn: () => unknown): void }

export interface FeedLogLine {
  event: string;
  fields: Record<string, unknown>;
  /** The level the feed logged it at ('info' when it named none, as the Logger port defaults). */
  level: LogLevel;
}

export const QUICK_FEED: Pick<AuditFeedConfig, 'batchSize' | 'pollIntervalMs' | 'retryMinMs' | 'retryMaxMs' | 'startFrom'> = {
  batchSize: 100, pollIntervalMs: 20, retryMinMs: 20, retryMaxMs: 200, startFrom: 'first',
};

/** A plain-TCP syslog sink to a loopback receiver. */
export function loopbackSyslogSink(port: number, timeoutMs = 2000): SyslogSink {
  return new SyslogSink({
    host: '127.0.0.1', port, tls: null, timeoutMs, header: syslogHeader({ facility: 'authpriv', appName: 'proofgate', hostname: 'gate-1.example.test' }),
  });
}

/** Starts a feed (stopped at teardown); `cursorDir` holds its cursor file. */
export function startTestFeed(t: Teardown, repo: Pick<Repository, 'auditRecords' | 'auditRecord' | 'lastAuditRecord'>, sink: FeedSink, cursorDir: string,
  config: Partial<typeof QUICK_FEED> = {}) {
  const logs: FeedLogLine[] = [];
  const cursorFile = path.join(cursorDir, 'audit-feed-cursor.json');
  const feed = new AuditFeed({ repo, sink, cursor: new FeedCursorFile(cursorFile), config: { ...QUICK_FEED, ...config }, log: (event, fields, level = 'info') => logs.push({ event, fields, level }) });
  feed.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await feed.stop();
  };
  t.teardown(stop);
  return { feed, logs, cursorFile, stop };
}

/** Polls `check` until it holds (a ref'd timer keeps the test alive); rejects after timeoutMs with `what`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
