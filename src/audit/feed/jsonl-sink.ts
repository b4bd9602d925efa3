// The JSON-lines destination: each record's canonical JSON (the object audit-export writes, without its
// "type") on one line, appended to a file a log shipper tails. A batch is one write followed by fsync;
// the file is opened per batch, so a log rotation that renames it is followed at the next batch.
import { closeSync, fchmodSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import type { AuditRecord } from '../../core/domain.js';
import { canonicalJson } from '../canonical-json.js';
import type { FeedSink } from './feed-sink.js';

const TAIL_CHUNK = 64 * 1024;

/**
 * Cuts a torn last line (a crash inside a write) back to the last newline, so the next batch starts on a
 * line of its own; shippers emit only complete lines, and the feed sends that record again.
 */
function dropTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  let end = size;
  const chunk = Buffer.alloc(TAIL_CHUNK);
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK);
    const n = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) {
      if (start + at + 1 < size) ftruncateSync(fd, start + at + 1);
      return;
    }
    end = start;
  }
  if (size > 0) ftruncateSync(fd, 0);
}

/**
 * Creates the file 0640 when it is absent, whatever the process umask: the appliance's unit runs with
 * UMask=0077, which would leave it 0600 and unreadable to a shipper in the group. An existing file keeps
 * the mode its owner (or logrotate's `create`) gave it.
 */
function createIfAbsent(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o640);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  try {
    fchmodSync(fd, 0o640);
  } finally {
    closeSync(fd);
  }
}

export class JsonLinesSink implements FeedSink {
  readonly file: string;
  readonly destination: string;
  #checkedTail = false;

  constructor(file: string) {
    this.file = file;
    this.destination = `jsonl:${file}`;
  }

  async send(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const bytes = Buffer.from(records.map((r) => `${canonicalJson(r)}\n`).join(''), 'utf8');
    // The records name accounts: the file is private to its owner and group. A rotation renames it between
    // batches, so it is created (0640) here whenever it is absent.
    createIfAbsent(this.file);
    const fd = openSync(this.file, this.#checkedTail ? 'a' : 'a+');
    try {
      if (!this.#checkedTail) {
        dropTornTail(fd);
        this.#checkedTail = true;
      }
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } catch (e) {
      // A write cut short (disk full) may have left part of a line: mend the tail before the retry.
      this.#checkedTail = false;
      throw e;
    } finally {
      closeSync(fd);
    }
  }

  stillHolds(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
