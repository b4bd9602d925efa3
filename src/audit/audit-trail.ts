// The one door into the audit trail. record() validates the entry, reads the newest record, computes
// the chain hash and appends, all in one repository transaction: IMMEDIATE when it stands alone (the
// write lock is taken before the newest record is read, so writers in several processes still produce
// one gap-free chain), a savepoint inside a caller's transaction (the verification flow closes the
// session and writes its record together). Every audit.checkpointEvery-th record is sealed with an
// HSM-signed checkpoint once its transaction has committed; checkpointIfDue (polled by
// src/cli/start-appliance.ts) seals a quiet tail after audit.checkpointIntervalSeconds, and whatever a
// failed signature or another process left unsealed.
//
// Record MACs: every record carries HMAC-SHA256(K_seq, `${seq}.${hash}`), K_seq being the position key the
// HSM derives for seq (src/hsm/audit-mac-keys.ts). record() must stay synchronous, so the trail keeps the
// keys for the next AUDIT_MAC_WINDOW positions ready in memory (prepare(), then refilled in the background
// after each record) and drops each once its record has committed; a position whose key is not ready is
// refused with ERR_HSM_UNAVAILABLE, rolling the caller's transaction back. Before signing a checkpoint the trail
// re-derives the key of every record it is about to seal and stops before the first record whose MAC is
// missing or wrong: a row written with database access but without the HSM is never sealed.
import type { AuditConfig } from '../config/sections/audit.js';
import type { AuditMacKeys } from '../hsm/audit-mac-keys.js';
import { hsmUnavailable } from '../hsm/hsm-errors.js';
import type { KeyRing } from '../hsm/signing-key.js';
import type { AuditCheckpoint, AuditEntry, AuditRecord } from '../core/domain.js';
import type { Repository } from '../store/repository.js';
import type { AuditWriter } from './audit-writer.js';
import { GENESIS_HASH, chainHash, checkpointSigningInput, recordMac, recordMacProblem, type AuditBody } from './chain.js';
import { validateAuditEntry } from './validate-entry.js';
import type { CheckpointWitness } from './witness.js';

/** How often start-appliance.ts calls checkpointIfDue. */
export const AUDIT_CHECKPOINT_POLL_MS = 60_000;

/** Position keys kept ready: records [last+1 .. last+AUDIT_MAC_WINDOW] can be written without waiting for the HSM. */
export const AUDIT_MAC_WINDOW = 256;

export interface AuditTrailOptions {
  /**
   * Derives the per-position MAC keys (the appliance: the HSM's Pkcs11AuditMacKeys; tests and the by-hand
   * scripts: SoftwareAuditMacKeys). Required: every record a trail writes carries its MAC.
   */
  macKeys: AuditMacKeys;
  /** Position keys kept ready (default AUDIT_MAC_WINDOW; tests shrink it to reach the not-ready case). */
  macWindow?: number;
  /** Where a record that fails its MAC check (written without the HSM) is reported, once per seq. */
  onForgedRecord?: (seq: number, reason: string) => void;
  /** Where a failed background refill of the position keys is reported (record() then answers 503 until one succeeds). */
  onMacKeyError?: (error: unknown) => void;
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
  /** The first record that failed its MAC check; the trail seals nothing from it on. */
  forgedRecord: { seq: number; reason: string } | null;
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
  readonly #macKeys: AuditMacKeys;
  readonly #macWindow: number;
  readonly #onForged: (seq: number, reason: string) => void;
  readonly #onMacKeyError: (error: unknown) => void;
  /** Ready position keys by seq, for [last+1 .. last+AUDIT_MAC_WINDOW]; each is deleted once used. */
  readonly #positionKeys = new Map<number, Buffer>();
  #refilling: Promise<void> | null = null;
  #refillAgain = false;
  #forged: { seq: number; reason: string } | null = null;

  constructor(repo: Repository, keys: KeyRing, config: Pick<AuditConfig, 'checkpointEvery' | 'checkpointIntervalSeconds'>, opts: AuditTrailOptions) {
    this.#repo = repo;
    this.#keys = keys;
    this.#config = config;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onCheckpointError ?? ((e) => console.error('proofgate audit: checkpoint failed:', e));
    this.#witness = opts.witness ?? null;
    this.#onWitnessError = opts.onWitnessError ?? ((e) => console.error('proofgate audit: witness append failed:', e));
    this.#macKeys = opts.macKeys;
    this.#macWindow = opts.macWindow ?? AUDIT_MAC_WINDOW;
    this.#onForged = opts.onForgedRecord ?? ((seq, reason) => console.error(`proofgate audit: record ${seq} FORGED, not sealed: ${reason}`));
    this.#onMacKeyError = opts.onMacKeyError ?? ((e) => console.error('proofgate audit: position keys not derived:', e));
  }

  health(): AuditTrailHealth {
    return { witnessProblem: this.#witnessProblem, forgedRecord: this.#forged };
  }

  /** Derives the position keys for the next AUDIT_MAC_WINDOW records; await it before the first record(). */
  async prepare(): Promise<void> {
    await this.#refill();
  }

  /**
   * Appends one record (see AuditWriter). When the count rule is due, a checkpoint over exactly this
   * record is signed in the background once the caller's transaction has settled.
   */
  record(entry: AuditEntry): AuditRecord {
    const clean = validateAuditEntry(entry);
    let record: AuditRecord;
    try {
      record = this.#repo.transaction(() => {
        const last = this.#repo.lastAuditRecord();
        const body: AuditBody = { ...clean, seq: (last?.seq ?? 0) + 1 };
        const prevHash = last?.hash ?? GENESIS_HASH;
        const hash = chainHash(prevHash, body);
        const appended: AuditRecord = { ...body, prevHash, hash, mac: this.#macFor(body.seq, hash) };
        this.#repo.insertAuditRecord(appended);
        return appended;
      });
    } finally {
      this.#refill().catch(this.#onMacKeyError);
    }
    if (record.seq % this.#config.checkpointEvery === 0) {
      // Transactions are synchronous, so this job starts after the outermost one has committed or rolled
      // back; it signs only if this very record (seq and hash) is stored, so a rolled-back one never is.
      this.#enqueue({ seq: record.seq, hash: record.hash }).catch(this.#onError);
    }
    return record;
  }

  /**
   * The MAC for a record at `seq` with its ready position key; throws 503 when none is ready. The key itself
   * is forgotten once the record's transaction has settled (#pruneWindow, right after): a rolled-back record
   * leaves its position free, and its key ready, for the next one. Keys below `seq` are dropped at once.
   */
  #macFor(seq: number, hash: string): string {
    for (const used of [...this.#positionKeys.keys()]) if (used < seq) this.#positionKeys.delete(used);
    const key = this.#positionKeys.get(seq);
    if (!key) throw hsmUnavailable(`audit MAC key for record ${seq} not derived yet`);
    return recordMac(key, seq, hash);
  }

  /** Tops the window up to [last+1 .. last+window]; one run at a time, rerun when asked during one. */
  #refill(): Promise<void> {
    const macKeys = this.#macKeys;
    if (this.#refilling) {
      this.#refillAgain = true;
      return this.#refilling;
    }
    const run = async () => {
      do {
        this.#refillAgain = false;
        // Transactions are synchronous: after this await the caller's has committed or rolled back.
        await null;
        const missing = this.#pruneWindow();
        // Every key the HSM did derive is kept, so a flaky token still leaves a usable window.
        const derived = await Promise.allSettled(missing.map((seq) => macKeys.positionKey(seq)));
        missing.forEach((seq, i) => {
          const d = derived[i];
          if (d.status === 'fulfilled') this.#positionKeys.set(seq, d.value);
        });
        const failed = derived.find((d) => d.status === 'rejected');
        if (failed) throw failed.reason;
      } while (this.#refillAgain);
      this.#pruneWindow();
    };
    this.#refilling = run().finally(() => { this.#refilling = null; });
    return this.#refilling;
  }

  /** Forgets keys outside the window (used positions, or ones another process wrote); returns the positions lacking a key. */
  #pruneWindow(): number[] {
    const last = this.#repo.lastAuditRecord()?.seq ?? 0;
    for (const seq of [...this.#positionKeys.keys()]) {
      if (seq <= last || seq > last + this.#macWindow) this.#positionKeys.delete(seq);
    }
    const missing: number[] = [];
    for (let seq = last + 1; seq <= last + this.#macWindow; seq += 1) if (!this.#positionKeys.has(seq)) missing.push(seq);
    return missing;
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
    const newest = target === undefined ? this.#repo.lastAuditRecord() : this.#recordAt(target.seq);
    if (!newest || (target && newest.hash !== target.hash)) return null;
    const sealed = this.#lastCheckpoint();
    if (sealed && sealed.seq >= newest.seq) return null;
    const last = await this.#lastGenuine(sealed?.seq ?? 0, newest);
    if (!last || (sealed && sealed.seq >= last.seq)) return null;
    const key = await this.#keys.active();
    const signature = await key.sign(checkpointSigningInput(last.seq, last.hash));
    const checkpoint: AuditCheckpoint = {
      seq: last.seq, hash: last.hash, kid: key.kid, signature: signature.toString('base64url'), at: this.#now(),
    };
    if (!this.#repo.appendAuditCheckpoint(checkpoint, key.jwk())) return null;
    this.#witnessCheckpoint(checkpoint);
    return checkpoint;
  }

  /**
   * Re-derives the position key of every record after the previous checkpoint up to `newest` and checks its
   * MAC (chain.ts recordMacProblem, the rule audit-verify applies). Returns `newest`, or the record before
   * the first one that fails (reported as forged), or null.
   */
  async #lastGenuine(sealedSeq: number, newest: AuditRecord): Promise<AuditRecord | null> {
    const preMacThrough = this.#repo.auditPreMacThrough();
    let good: AuditRecord | null = null;
    const pending: AuditRecord[] = [];
    for (const r of this.#repo.auditRecords(Math.max(1, sealedSeq))) {
      if (r.seq > newest.seq) break;
      if (r.seq <= sealedSeq) good = r;
      else pending.push(r);
    }
    const keys = await Promise.all(pending.map((r) => this.#macKeys.positionKey(r.seq)));
    for (const [i, r] of pending.entries()) {
      const reason = recordMacProblem(r, preMacThrough, keys[i]);
      if (reason) {
        this.#reportForged(r.seq, reason);
        return good;
      }
      good = r;
    }
    return good;
  }

  #reportForged(seq: number, reason: string): void {
    if (this.#forged?.seq === seq) return;
    this.#forged = { seq, reason };
    this.#onForged(seq, reason);
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
    return this.#repo.auditRecord(seq);
  }

  #firstRecordAt(): number {
    for (const r of this.#repo.auditRecords()) return r.at;
    return this.#now();
  }
}
