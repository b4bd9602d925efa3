// The audit trail as the verification flow uses it: append one chained record per verification, and seal
// the chain with HSM-signed checkpoints every audit.checkpointEvery records and on the
// audit.checkpointIntervalSeconds timer (src/cli/start-appliance.ts polls checkpointIfDue). The
// verification flow appends with Repository.appendAudit directly, so in the appliance the count rule
// is applied by that poll, not by record().
import type { AuditConfig } from '../config/sections/audit.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { AuditCheckpoint, AuditEntry, AuditRecord } from '../core/domain.js';
import type { Repository } from '../store/repository.js';
import { checkpointSigningInput } from './chain.js';

/** How often start-appliance.ts calls checkpointIfDue. */
export const AUDIT_CHECKPOINT_POLL_MS = 60_000;

export interface AuditTrailOptions {
  now?: () => number;
  /** Where a background checkpoint failure is reported (the HSM may be briefly unavailable). */
  onCheckpointError?: (error: unknown) => void;
}

export class AuditTrail {
  readonly #repo: Repository;
  readonly #keys: KeyRing;
  readonly #config: AuditConfig;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  /** Checkpoints are signed one at a time, in order. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(repo: Repository, keys: KeyRing, config: AuditConfig, opts: AuditTrailOptions = {}) {
    this.#repo = repo;
    this.#keys = keys;
    this.#config = config;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onCheckpointError ?? ((e) => console.error('proofgate audit: checkpoint failed:', e));
  }

  /**
   * Appends one verification's record. Synchronous, so it can share a Repository.transaction with the
   * session close; when the count rule is due a checkpoint is signed in the background afterwards.
   */
  record(entry: AuditEntry): AuditRecord {
    const record = this.#repo.appendAudit(entry);
    if (record.seq % this.#config.checkpointEvery === 0) {
      // Runs after the caller's synchronous transaction has settled; a rolled-back record is not signed.
      this.#enqueue(record.seq).catch(this.#onError);
    }
    return record;
  }

  /** Signs a checkpoint over the newest record unless it is already covered. Resolves to it, or null. */
  checkpoint(): Promise<AuditCheckpoint | null> {
    return this.#enqueue(undefined);
  }

  #enqueue(seq: number | undefined): Promise<AuditCheckpoint | null> {
    const run = this.#queue.then(() => this.#sign(seq));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * For the server's timer (poll every AUDIT_CHECKPOINT_POLL_MS): seals the tail when checkpointEvery
   * records are unsealed (this also covers records appended with Repository.appendAudit directly,
   * bypassing record()), or when records were added and checkpointIntervalSeconds have passed.
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

  /** Signs record `seq` (default: the newest) unless a checkpoint already covers it. */
  async #sign(seq: number | undefined): Promise<AuditCheckpoint | null> {
    const last = seq === undefined ? this.#repo.lastAuditRecord() : this.#recordAt(seq);
    if (!last) return null;
    const sealed = this.#lastCheckpoint();
    if (sealed && sealed.seq >= last.seq) return null;
    const key = await this.#keys.active();
    const signature = await key.sign(checkpointSigningInput(last.seq, last.hash));
    const checkpoint: AuditCheckpoint = {
      seq: last.seq, hash: last.hash, kid: key.kid, signature: signature.toString('base64url'), at: this.#now(),
    };
    return this.#repo.appendAuditCheckpoint(checkpoint, key.jwk()) ? checkpoint : null;
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
