// Configuration section "audit": how often the hash-chained audit trail is sealed by an HSM signature,
// and the live feed of its records to a SIEM (audit.feed). The defaults object is also the
// documentation: one comment per key.
import path from 'node:path';
import { ConfigError, SectionReader } from '../validate.js';

/** Syslog facility codes by name (RFC 5424 table 1). */
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, security: 13, console: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
} as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

/**
 * audit.feed: every audit record, once committed, is also sent to a SIEM, in seq order, at least once.
 * The feed follows the store from its own cursor: it never runs inside a decision's transaction, and a
 * receiver outage delays the feed (its lag grows, /health's auditFeed check degrades), never a decision.
 */
export const auditFeedDefaults = {
  /**
   * 'off'; 'syslog': RFC 5424 messages over TCP with RFC 6587 octet-counting framing (TLS per RFC 5425
   * when `tls` is set); 'jsonl': one canonical-JSON record per line appended to `file`, for a log shipper.
   */
  kind: 'off' as 'off' | 'syslog' | 'jsonl',
  /** syslog: the receiver's host name or IP address (required for 'syslog'). */
  host: null as string | null,
  /** syslog: the receiver's TCP port; null: 6514 with TLS (RFC 5425), 514 without. */
  port: null as number | null,
  /**
   * syslog: TLS to the receiver, or null for plain TCP (loopback or a trusted segment only: the records
   * name accounts). { caFile: absolute path of the PEM CA bundle the receiver's certificate must chain to,
   * servername: the name its certificate must carry (null: host), certFile/keyFile: absolute paths of a
   * PEM client certificate and key when the receiver asks for one (both or neither) }.
   */
  tls: null as null | { caFile: string; servername?: string | null; certFile?: string | null; keyFile?: string | null },
  /** jsonl: absolute path of the JSON-lines file (created 0640, appended, fsynced per batch; required for 'jsonl'). */
  file: null as string | null,
  /** syslog: APP-NAME of every message (1 to 48 printable ASCII characters). */
  appName: 'proofgate',
  /** syslog: HOSTNAME of every message; null: the machine's host name. */
  hostname: null as string | null,
  /** syslog: the facility of every message (a name from RFC 5424 table 1: authpriv, security, local0..local7, …). */
  facility: 'authpriv' as SyslogFacility,
  /**
   * Where the feed keeps the seq and hash of the last record delivered (a relative path is taken inside
   * server.dataDir), so a restart or an outage resumes after it. Delete it to resend from `startFrom`.
   */
  cursorFile: 'audit-feed-cursor.json',
  /**
   * Where a feed without a cursor (first start, or a new destination) begins: 'first' sends the whole
   * trail, 'newest' only records written from then on (fetch older ones with audit-export).
   */
  startFrom: 'first' as 'first' | 'newest',
  /** Records read from the store and sent at once (the feed's memory bound). */
  batchSize: 100,
  /** How often the feed looks for new records when it has caught up. */
  pollIntervalMs: 1000,
  /** syslog: connecting, and handing one batch to the connection, must finish within this long. */
  timeoutMs: 10_000,
  /** After a failed delivery the feed waits retryMinMs, doubling per failure up to retryMaxMs. */
  retryMinMs: 1000,
  retryMaxMs: 60_000,
};

export const auditDefaults = {
  /**
   * Sign a checkpoint after every N audit records. A checkpoint fixes the chain up to that record: rows
   * deleted from the tail after it, or rewritten with recomputed hashes, no longer verify. 1 signs every record.
   */
  checkpointEvery: 100,
  /**
   * Also sign a checkpoint over the newest record when this many seconds have passed since the last one
   * (and records were added), so a quiet appliance's tail is sealed too. 0 disables the timer rule.
   */
  checkpointIntervalSeconds: 3600,
  /**
   * Absolute path of the external witness: every checkpoint is also appended here as one JSON line
   * (seq, hash, kid, signature, at), opened O_APPEND and fsynced. It must lie outside the database's
   * directory (start-up refuses otherwise), ideally on another disk or a log host's mount, so deleting
   * or rewriting the database cannot also erase what was sealed. null: no witness (the development
   * default, where no /var/log directory is writable); appliance/proofgate.example.json sets
   * /var/log/proofgate/audit-witness.jsonl.
   */
  witnessFile: null as string | null,
  feed: auditFeedDefaults,
};

export interface AuditFeedTls {
  caFile: string;
  servername: string | null;
  certFile: string | null;
  keyFile: string | null;
}

export interface AuditFeedConfig {
  kind: 'off' | 'syslog' | 'jsonl';
  host: string | null;
  /** Resolved: 6514 with TLS, 514 without, unless set. */
  port: number;
  tls: AuditFeedTls | null;
  file: string | null;
  appName: string;
  hostname: string | null;
  facility: SyslogFacility;
  cursorFile: string;
  startFrom: 'first' | 'newest';
  batchSize: number;
  pollIntervalMs: number;
  timeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface AuditConfig {
  checkpointEvery: number;
  checkpointIntervalSeconds: number;
  witnessFile: string | null;
  feed: AuditFeedConfig;
}

function readWitnessFile(r: SectionReader): string | null {
  const file = r.optionalString('witnessFile');
  if (file === undefined) return null;
  if (!path.isAbsolute(file)) throw new ConfigError(r.key('witnessFile'), 'an absolute path outside the database\'s directory, or null', file);
  return path.normalize(file);
}

function absolutePath(r: SectionReader, name: string, what: string): string | null {
  const file = r.optionalString(name);
  if (file === undefined) return null;
  if (!path.isAbsolute(file)) throw new ConfigError(r.key(name), `an absolute path of ${what}, or null`, file);
  return path.normalize(file);
}

/** Printable US-ASCII (%d33-126), as RFC 5424 requires of HOSTNAME and APP-NAME. */
const printUsAscii = (max: number) => new RegExp(`^[!-~]{1,${max}}$`);

function readFeedTls(r: SectionReader): AuditFeedTls | null {
  const raw = r.raw('tls');
  if (raw === null || raw === undefined) return null;
  const t = new SectionReader(raw, r.key('tls'));
  const caFile = absolutePath(t, 'caFile', 'the PEM CA bundle the receiver\'s certificate chains to');
  if (caFile === null) throw new ConfigError(t.key('caFile'), 'an absolute path of the PEM CA bundle the receiver\'s certificate chains to', null);
  const servername = t.optionalString('servername') ?? null;
  if (servername !== null && !/^[A-Za-z0-9.-]{1,253}$/.test(servername)) throw new ConfigError(t.key('servername'), 'a DNS name, or null', servername);
  const certFile = absolutePath(t, 'certFile', 'a PEM client certificate');
  const keyFile = absolutePath(t, 'keyFile', 'the client certificate\'s PEM private key');
  if ((certFile === null) !== (keyFile === null)) {
    throw new ConfigError(t.key(certFile === null ? 'certFile' : 'keyFile'), 'certFile and keyFile together (a client certificate and its key), or neither', null);
  }
  t.done();
  return { caFile, servername, certFile, keyFile };
}

function readAuditFeedConfig(r: SectionReader): AuditFeedConfig {
  const kind = r.oneOf('kind', ['off', 'syslog', 'jsonl'] as const);
  const host = r.optionalString('host') ?? null;
  if (host !== null && !/^[A-Za-z0-9.:_-]{1,253}$/.test(host)) throw new ConfigError(r.key('host'), 'a host name or IP address', host);
  if (kind === 'syslog' && host === null) throw new ConfigError(r.key('host'), 'the syslog receiver\'s host name or IP address when audit.feed.kind is "syslog"', null);
  const rawPort = r.raw('port');
  const tls = readFeedTls(r);
  const port = rawPort === null || rawPort === undefined ? (tls ? 6514 : 514) : r.number('port', { integer: true, min: 1, max: 65535 });
  const file = absolutePath(r, 'file', 'the JSON-lines file a log shipper reads');
  if (kind === 'jsonl' && file === null) throw new ConfigError(r.key('file'), 'an absolute path of the JSON-lines file when audit.feed.kind is "jsonl"', null);
  const hostname = r.optionalString('hostname') ?? null;
  if (hostname !== null && !printUsAscii(255).test(hostname)) throw new ConfigError(r.key('hostname'), '1 to 255 printable ASCII characters without spaces, or null', hostname);
  const out: AuditFeedConfig = {
    kind, host, port, tls, file,
    appName: r.string('appName', { pattern: printUsAscii(48) }),
    hostname,
    facility: r.oneOf('facility', Object.keys(SYSLOG_FACILITIES) as SyslogFacility[]),
    cursorFile: r.string('cursorFile'),
    startFrom: r.oneOf('startFrom', ['first', 'newest'] as const),
    batchSize: r.number('batchSize', { integer: true, min: 1, max: 1000 }),
    pollIntervalMs: r.number('pollIntervalMs', { integer: true, min: 10, max: 60_000 }),
    timeoutMs: r.number('timeoutMs', { integer: true, min: 100, max: 600_000 }),
    retryMinMs: r.number('retryMinMs', { integer: true, min: 10, max: 600_000 }),
    retryMaxMs: r.number('retryMaxMs', { integer: true, min: 10, max: 3_600_000 }),
  };
  if (out.retryMaxMs < out.retryMinMs) throw new ConfigError(r.key('retryMaxMs'), `an integer >= audit.feed.retryMinMs (${out.retryMinMs})`, out.retryMaxMs);
  r.done();
  return out;
}

export function readAuditConfig(r: SectionReader): AuditConfig {
  const out: AuditConfig = {
    checkpointEvery: r.number('checkpointEvery', { integer: true, min: 1, max: 1_000_000 }),
    checkpointIntervalSeconds: r.number('checkpointIntervalSeconds', { integer: true, min: 0, max: 31 * 24 * 3600 }),
    witnessFile: readWitnessFile(r),
    feed: readAuditFeedConfig(r.section('feed')),
  };
  r.done();
  return out;
}
