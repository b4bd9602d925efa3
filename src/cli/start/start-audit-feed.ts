// The audit feed as the appliance runs it (audit.feed): the sink built from the configuration (TLS
// material read and checked now, so a wrong file stops start-up with the key named), the cursor beside
// the database unless configured elsewhere, and the follower started. Returns null when the feed is off.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { AuditFeed } from '../../audit/feed/audit-feed.js';
import { FeedCursorFile } from '../../audit/feed/feed-cursor.js';
import type { FeedSink } from '../../audit/feed/feed-sink.js';
import { JsonLinesSink } from '../../audit/feed/jsonl-sink.js';
import { SyslogSink, type SyslogSinkOptions } from '../../audit/feed/syslog-sink.js';
import { syslogHeader } from '../../audit/feed/syslog-message.js';
import { ConfigError, type ProofgateConfig } from '../../config/index.js';
import type { AuditFeedConfig } from '../../config/sections/audit.js';
import type { Logger } from '../../core/log.js';
import type { Repository } from '../../store/repository.js';

function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError(key, 'a readable PEM file', `${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function syslogTls(feed: AuditFeedConfig): SyslogSinkOptions['tls'] {
  const tls = feed.tls;
  if (!tls) return null;
  const ca = readPem('config.audit.feed.tls.caFile', tls.caFile);
  const cert = tls.certFile ? readPem('config.audit.feed.tls.certFile', tls.certFile) : null;
  const key = tls.keyFile ? readPem('config.audit.feed.tls.keyFile', tls.keyFile) : null;
  // Node takes a CA file without any certificate in it silently; every handshake would then fail.
  try {
    new X509Certificate(ca);
  } catch (e) {
    throw new ConfigError('config.audit.feed.tls.caFile', 'a PEM file holding the CA certificate(s)', `${tls.caFile} (${(e as Error).message})`);
  }
  try {
    createSecureContext({ ca, ...(cert && key ? { cert, key } : {}) });
  } catch (e) {
    const which = cert && /key|cert/i.test((e as Error).message) ? 'config.audit.feed.tls.certFile' : 'config.audit.feed.tls.caFile';
    throw new ConfigError(which, 'PEM certificates (and a key matching certFile)', (e as Error).message);
  }
  return { ca, cert, key, servername: tls.servername };
}

/** The configured destination, or null when the feed is off; refuses (ERR_CONFIG, naming the key) unusable TLS files. */
export function auditFeedSink(feed: AuditFeedConfig): FeedSink | null {
  if (feed.kind === 'syslog') {
    return new SyslogSink({
      host: feed.host!, port: feed.port, tls: syslogTls(feed), timeoutMs: feed.timeoutMs,
      header: syslogHeader({ facility: feed.facility, appName: feed.appName, hostname: feed.hostname }),
    });
  }
  if (feed.kind === 'jsonl') return new JsonLinesSink(feed.file!);
  return null;
}

/** Starts the feed over `sink` (auditFeedSink(config.audit.feed), built before anything opened); null: off. */
export function startAuditFeed(config: ProofgateConfig, sink: FeedSink | null, repository: Repository, dataDir: string, log: Logger): AuditFeed | null {
  if (!sink) return null;
  const feed = config.audit.feed;
  const cursorFile = path.isAbsolute(feed.cursorFile) ? feed.cursorFile : path.join(dataDir, feed.cursorFile);
  const auditFeed = new AuditFeed({ repo: repository, sink, cursor: new FeedCursorFile(cursorFile), config: feed, log });
  auditFeed.start();
  log('audit-feed-started', { destination: sink.destination, cursorFile });
  return auditFeed;
}
