// A SQLite store in a fresh temp directory, closed and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteRepository, type SqliteRepository, type SqliteRepositoryOptions } from '../../src/store/sqlite-repository.js';

interface Teardown { teardown(fn: () => void): void }

export function tempDir(t: Teardown, prefix = 'proofgate-store-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function tempRepository(t: Teardown, opts: SqliteRepositoryOptions = {}): { repo: SqliteRepository; file: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-store-'));
  const file = path.join(dir, 'proofgate.sqlite');
  const repo = openSqliteRepository(file, opts);
  t.teardown(() => {
    repo.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { repo, file, dir };
}

/** A settable clock for expiry tests. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; set(ms: number): void; advance(ms: number): void } {
  let current = start;
  return { now: () => current, set: (ms) => { current = ms; }, advance: (ms) => { current += ms; } };
}
