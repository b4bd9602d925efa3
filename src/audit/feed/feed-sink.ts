// Where the audit feed delivers: a syslog receiver (syslog-sink.ts) or a JSON-lines file (jsonl-sink.ts).
import type { AuditRecord } from '../../core/domain.js';

export interface FeedSink {
  /** Names the destination (kept in the cursor: a new destination starts afresh). No secrets. */
  readonly destination: string;
  /**
   * Delivers the records, in order, as far as the transport can tell: resolves once they are handed over
   * (written to the connection, or written and fsynced), rejects when they may not have been.
   */
  send(records: readonly AuditRecord[]): Promise<void>;
  /**
   * Whether what the last send() handed over still stands: a stream transport has no acknowledgement, so
   * the feed counts a batch as delivered only if its connection is still up one settle period later (a
   * receiver that vanished meanwhile gets the batch again).
   */
  stillHolds(): boolean;
  close(): Promise<void>;
}
