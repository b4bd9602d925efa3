// A store with a software key ring and an AuditTrail over it, for audit tests. Records are only ever
// appended through a trail (the one door), and its checkpoints are really signed.
import { SoftwareKeyRing } from '../../src/hsm/software-key-ring.js';
import { SoftwareAuditMacKeys } from '../../src/hsm/software-audit-mac-keys.js';
import { AuditTrail, type AuditTrailOptions } from '../../src/audit/audit-trail.js';
import type { AuditConfig } from '../../src/config/sections/audit.js';
import type { Repository } from '../../src/store/repository.js';
import { sqliteBackend, type StoreBackend, type TempStore, type Teardown } from './store-backends.js';
import { tempRepository } from './temp-store.js';
import { auditEntryFixture } from './store-fixtures.js';

async function fixtureStore(t: Teardown, opts: FixtureOptions & { backend?: StoreBackend }): Promise<{ repo: TempStore['repo']; file: string; dir: string; store: TempStore }> {
  if (opts.backend && opts.backend.name !== 'sqlite') {
    const store = await opts.backend.temp(t, { now: opts.now });
    return { repo: store.repo, file: '', dir: '', store };
  }
  const { repo, file, dir } = tempRepository(t, opts);
  return { repo, file, dir, store: sqliteBackend.over(t, repo, file) };
}

let sharedRing: Promise<SoftwareKeyRing> | undefined;
/** One RSA key per test process: generating keys is the slow part. */
export const testKeyRing = (): Promise<SoftwareKeyRing> => (sharedRing ??= SoftwareKeyRing.create());

let sharedMacKeys: SoftwareAuditMacKeys | undefined;
/** One audit MAC secret per test process, standing in for the HSM's `<prefix>/audit-mac`. */
export const testAuditMacKeys = (): SoftwareAuditMacKeys => (sharedMacKeys ??= new SoftwareAuditMacKeys());

/**
 * A trail over `repo` signing with the process's test key and MACing with its test MAC secret, its position
 * keys prepared; checkpoint failures are collected in `errors`, forged records in `forged`.
 */
export async function auditTrailFor(repo: Repository, config: Partial<AuditConfig> = {}, opts: FixtureOptions = {}) {
  const ring = await testKeyRing();
  const macKeys = opts.macKeys ?? testAuditMacKeys();
  const errors: unknown[] = [];
  const forged: number[] = [];
  const trail = new AuditTrail(repo, ring, { checkpointEvery: 3, checkpointIntervalSeconds: 3600, ...config }, {
    now: opts.now, onCheckpointError: (e) => errors.push(e), witness: opts.witness, macKeys,
    onForgedRecord: (seq) => forged.push(seq), onMacKeyError: (e) => errors.push(e),
  });
  await trail.prepare();
  return { trail, ring, macKeys, errors, forged };
}

/** now: the clock; witness, macKeys: as AuditTrailOptions (absent: no witness; the process's test MAC secret). */
export type FixtureOptions = { now?: () => number } & Partial<Pick<AuditTrailOptions, 'witness' | 'macKeys'>>;

/**
 * backend: the store to run on (absent: a SQLite file). `file` and `dir` name the SQLite file and its
 * directory, and are empty on PostgreSQL; `store` reaches the database behind the store's back.
 */
export async function auditFixture(t: Teardown, config: Partial<AuditConfig> = {}, opts: FixtureOptions & { backend?: StoreBackend } = {}) {
  const { repo, file, dir, store } = await fixtureStore(t, opts);
  const { trail, ring, macKeys, errors, forged } = await auditTrailFor(repo, config, opts);
  const trusted = (await ring.published()).map((k) => k.jwk());
  /** Appends records for fixtures from..to and waits for their checkpoints. */
  const fill = async (from: number, to: number) => {
    for (let i = from; i <= to; i += 1) trail.record(auditEntryFixture(i));
    await trail.flush();
  };
  return { repo, file, dir, store, ring, macKeys, trail, trusted, errors, forged, fill };
}
