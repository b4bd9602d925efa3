// The one door into the audit trail. record() validates the entry, reads the newest record, computes
// the chain hash and appends, all in one repository transaction: IMMEDIATE when it stands alone (the
// write lock is taken before the newest record is read, so writers in several processes still produce
// one gap-free chain), a savepoint inside a caller's transaction (the verification flow closes the
// session and writes its record together). Every audit.checkpointEvery-th record is sealed with an
// HSM-signed checkpoint once its transaction has committed; checkpointIfDue (polled by
// src/cli/start-appliance.ts) seals a quiet tail after audit.checkpointIntervalSeconds, and whatever a
// failed signature or another process left unsealed.
import type { AuditConfig } from '../config/sections/audit.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { AuditCheckpoint, AuditEntry, AuditRecord } from '../core/domain.js';
import type { Repository } from '../store/repository.js';
import type { AuditWriter } from './audit-writer.js';
import { GENESIS_HASH, chainHash, checkpointSigningInput, type AuditBody } from './chain.js';
import { validateAuditEntry } from './validate-entry.js';
import type { CheckpointWitness } from './witness.js';

/** How often start-appliance.ts calls checkpointIfDue. */
export const AUDIT_CHECKPOINT_POLL_MS = 60_000;

export interface AuditTrailOptions {
  now?: () => number;
  /** Where a background checkpoint failure is reported (the HSM may be briefly unavailable). */
  onCheckpointError?: (error: unknown) => void;
  /** Also receives every checkpoint once it is stored (src/audit/witness.ts); null or absent: none. */
  witness?: CheckpointWitness | null;
  /** Where a failed witness append is reported; the checkpoint stays in the database regardless. */
  onWitnessError?: (error: unknown, checkpoint: AuditCheckpoint) => void;
}

/** What GET /health shows about the trail: the last witness failure, until a later append succeeds. */
export interface AuditTrailHealth {
  witnessProblem: string | null;
}

export class AuditTrail implements AuditWriter {
  readonly #repo: Repository;
  readonly #keys: KeyRing;
  readonly #config: Pick<AuditConfig, 'checkpointEvery' | 'checkpointIntervalSeconds'>;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #witness: CheckpointWitness | null;
  readonly #onWitnessError: (error: unknown, checkpoint: AuditCheckpoint) => void;
  #witnessProblem: string | null = null;
  /** Checkpoints are signed one at a time, in order. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(repo: Repository, keys: KeyRing, config: Pick<AuditConfig, 'checkpointEvery' | 'checkpointIntervalSeconds'>, opts: AuditTrailOptions = {}) {
    this.#repo = repo;
    this.#keys = keys;
    this.#config = config;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onCheckpointError ?? ((e) => console.error('proofgate audit: checkpoint failed:', e));
    this.#witness = opts.witness ?? null;
    this.#onWitnessError = opts.onWitnessError ?? ((e) => console.error('proofgate audit: witness append failed:', e));
  }

  health(): AuditTrailHealth {
    return { witnessProblem: this.#witnessProblem };
  }

  /**
   * Appends one record (see AuditWriter). When the count rule is due, a checkpoint over exactly this
   * record is signed in the background once the caller's transaction has settled.
   */
  record(entry: AuditEntry): AuditRecord {
    const clean = validateAuditEntry(entry);
    const record = this.#repo.transaction(() => {
      const last = this.#repo.lastAuditRecord();
      const body: AuditBody = { ...clean, seq: (last?.seq ?? 0) + 1 };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const appended: AuditRecord = { ...body, prevHash, hash: chainHash(prevHash, body) };
      this.#repo.insertAuditRecord(appended);
      return appended;
    });
    if (record.seq % this.#config.checkpointEvery === 0) {
      // Transactions are synchronous, so this job starts after the outermost one has committed or rolled
      // back; it signs only if this very record (seq and hash) is stored, so a rolled-back one never is.
      this.#enqueue({ seq: record.seq, hash: record.hash }).catch(this.#onError);
    }
    return record;
  }

  /** Signs a checkpoint over the newest record unless it is already covered. Resolves to it, or null. */
  checkpoint(): Promise<AuditCheckpoint | null> {
    return this.#enqueue(undefined);
  }

  #enqueue(target: { seq: number; hash: string } | undefined): Promise<AuditCheckpoint | null> {
    const run = this.#queue.then(() => this.#sign(target));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * For the server's timer (poll every AUDIT_CHECKPOINT_POLL_MS): seals the tail when checkpointEvery
   * records are unsealed (a count checkpoint whose signature failed, or records another process appended
   * while its HSM was away), or when records were added and checkpointIntervalSeconds have passed.
   */
  async checkpointIfDue(now: number = this.#now()): Promise<AuditCheckpoint | null> {
    const last = this.#repo.lastAuditRecord();
    const sealed = this.#lastCheckpoint();
    if (!last || (sealed && sealed.seq >= last.seq)) return null;
    if (last.seq - (sealed?.seq ?? 0) >= this.#config.checkpointEvery) return this.checkpoint();
    if (this.#config.checkpointIntervalSeconds === 0) return null;
    const since = sealed?.at ?? this.#firstRecordAt();
    if (now - since < this.#config.checkpointIntervalSeconds * 1000) return null;
    return this.checkpoint();
  }

  /** Waits for background checkpoints (shutdown, tests). */
  async flush(): Promise<void> {
    await this.#queue;
  }

  /** Signs the target record (default: the newest) unless it is not stored or a checkpoint already covers it. */
  async #sign(target: { seq: number; hash: string } | undefined): Promise<AuditCheckpoint | null> {
    const last = target === undefined ? this.#repo.lastAuditRecord() : this.#recordAt(target.seq);
    if (!last || (target && last.hash !== target.hash)) return null;
    const sealed = this.#lastCheckpoint();
    if (sealed && sealed.seq >= last.seq) return null;
    const key = await this.#keys.active();
    const signature = await key.sign(checkpointSigningInput(last.seq, last.hash));
    const checkpoint: AuditCheckpoint = {
      seq: last.seq, hash: last.hash, kid: key.kid, signature: signature.toString('base64url'), at: this.#now(),
    };
    if (!this.#repo.appendAuditCheckpoint(checkpoint, key.jwk())) return null;
    this.#witnessCheckpoint(checkpoint);
    return checkpoint;
  }

  /** The database keeps the checkpoint whatever happens here; a failure is reported and shown in health(). */
  #witnessCheckpoint(checkpoint: AuditCheckpoint): void {
    if (!this.#witness) return;
    try {
      this.#witness.append(checkpoint);
      this.#witnessProblem = null;
    } catch (e) {
      this.#witnessProblem = `checkpoint ${checkpoint.seq} not witnessed: ${(e as Error).message}`;
      this.#onWitnessError(e, checkpoint);
    }
  }

  #lastCheckpoint(): AuditCheckpoint | null {
    return this.#repo.lastAuditCheckpoint();
  }

  #recordAt(seq: number): AuditRecord | null {
    for (const r of this.#repo.auditRecords(seq)) return r.seq === seq ? r : null;
    return null;
  }

  #firstRecordAt(): number {
    for (const r of this.#repo.auditRecords()) return r.at;
    return this.#now();
  }
}
