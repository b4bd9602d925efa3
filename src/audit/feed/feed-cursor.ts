// The feed's cursor: the seq and hash of the last record the destination has accepted, kept in a small
// JSON file so a restart resumes after it. Written whole to a temporary file, fsynced and renamed over the
// old one, so a crash leaves either the old cursor or the new one (at worst a batch is sent again: the
// feed is at-least-once and the seq lets the SIEM drop the repeat).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface FeedPosition {
  /** Where the records went (FeedSink.destination): a cursor for another destination is not used. */
  destination: string;
  seq: number;
  hash: string;
}

export class FeedCursorFile {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  /** The stored position; null when there is none. Throws when the file exists but is not a cursor. */
  read(): FeedPosition | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const v = JSON.parse(text) as Partial<FeedPosition> | null;
    if (v === null || typeof v !== 'object' || typeof v.destination !== 'string' || !Number.isSafeInteger(v.seq) || v.seq! < 0
      || typeof v.hash !== 'string') {
      throw new Error(`${this.file} is not an audit feed cursor ({destination, seq, hash})`);
    }
    return { destination: v.destination, seq: v.seq!, hash: v.hash };
  }

  write(position: FeedPosition): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const bytes = Buffer.from(`${JSON.stringify(position)}\n`, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    // The rename itself must survive a power cut too.
    const dir = openSync(path.dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
