// Evidence at rest: each captured image is sealed with AES-256-GCM under the deployment's data key, a
// fresh random 96-bit IV per image, and associated data binding the ciphertext to its evidence id,
// session id and kind (so a blob moved to another row or relabelled no longer decrypts).
// The plaintext SHA-256 is what the audit trail records; it is re-checked on every read.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ProofgateError } from '../core/errors.js';
import type { DataKeyWrapper } from '../hsm/signing-key.js';
import { ensureDataKey, unwrapDataKey } from './data-key.js';
import type { EvidenceRecord } from '../core/domain.js';
import type { EvidenceSeal, Repository } from './repository.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Upper bound on one image; the HTTP layer's limit (server.maxImageBytes) is lower. */
export const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;
const TOKEN = /^[A-Za-z0-9._:/+-]{1,200}$/;

/** AAD: a versioned JSON array, unambiguous whatever the ids contain. */
export function evidenceAad(evidenceId: string, sessionId: string, kind: string): Buffer {
  return Buffer.from(JSON.stringify(['proofgate-evidence-v1', evidenceId, sessionId, kind]), 'utf8');
}

export interface StoredEvidence {
  evidenceId: string;
  sha256: string;
}

/** An image encrypted for the store, not yet written (sealEvidence, putSealed). */
export interface SealedEvidence {
  record: Omit<EvidenceRecord, 'purgedAt'>;
  ciphertext: Buffer;
  keyId: string;
  seal: EvidenceSeal;
}

export interface OpenedEvidence {
  record: EvidenceRecord;
  bytes: Buffer;
}

function inputError(message: string): ProofgateError {
  return new ProofgateError('ERR_STORE_INPUT', message, { status: 400 });
}

export class EvidenceCipher {
  readonly #repo: Repository;
  readonly #wrapper: DataKeyWrapper;
  readonly #now: () => number;
  readonly #keys = new Map<string, Promise<Buffer>>();
  /** The deployment's one data key never changes once stored (saveDataKey keeps the first): look it up once. */
  #currentKeyId: string | undefined;

  constructor(repo: Repository, wrapper: DataKeyWrapper, opts: { now?: () => number } = {}) {
    this.#repo = repo;
    this.#wrapper = wrapper;
    this.#now = opts.now ?? Date.now;
  }

  /** Unwraps (or first creates) the data key now, so a missing HSM shows at start-up, not mid-verification. */
  async ready(): Promise<void> {
    await this.#dataKey(await this.#currentDataKeyId());
  }

  async storeEvidence(sessionId: string, kind: string, mediaType: string, bytes: Buffer): Promise<StoredEvidence> {
    const sealed = await this.sealEvidence(sessionId, kind, mediaType, bytes);
    this.putSealed([sealed]);
    return { evidenceId: sealed.record.evidenceId, sha256: sealed.record.sha256 };
  }

  /**
   * Encrypts one image for the store without writing it; putSealed() writes it. The verification flow
   * seals while it judges and writes in the transaction that claims the session: one commit for both.
   */
  async sealEvidence(sessionId: string, kind: string, mediaType: string, bytes: Buffer): Promise<SealedEvidence> {
    if (typeof sessionId !== 'string' || sessionId.length === 0) throw inputError('evidence sessionId: expected a non-empty string');
    if (typeof kind !== 'string' || !TOKEN.test(kind)) throw inputError(`evidence kind: expected a short token matching ${TOKEN}`);
    if (typeof mediaType !== 'string' || !TOKEN.test(mediaType)) throw inputError(`evidence mediaType: expected a media type matching ${TOKEN}`);
    if (!Buffer.isBuffer(bytes) || bytes.length === 0 || bytes.length > MAX_EVIDENCE_BYTES) {
      throw inputError(`evidence bytes: expected a Buffer of 1..${MAX_EVIDENCE_BYTES} bytes`);
    }
    const keyId = await this.#currentDataKeyId();
    const key = await this.#dataKey(keyId);
    const evidenceId = `ev_${randomBytes(16).toString('base64url')}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(evidenceAad(evidenceId, sessionId, kind));
    const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
    return { record: { evidenceId, sessionId, kind, mediaType, sha256, createdAt: this.#now() }, ciphertext, keyId, seal: { iv, tag: cipher.getAuthTag() } };
  }

  /** Writes sealed images in one transaction (or in the caller's, as savepoints): all or none. */
  putSealed(sealed: readonly SealedEvidence[]): void {
    if (sealed.length === 0) return;
    this.#repo.transaction(() => {
      for (const e of sealed) this.#repo.putEvidence(e.record, e.ciphertext, e.keyId, e.seal);
    });
  }

  async readEvidence(evidenceId: string): Promise<OpenedEvidence> {
    const found = typeof evidenceId === 'string' ? this.#repo.getEvidence(evidenceId) : null;
    if (!found) throw new ProofgateError('ERR_NOT_FOUND', `evidence ${String(evidenceId)} does not exist`, { status: 404 });
    const { record, ciphertext, wrappedKeyId, seal } = found;
    if (ciphertext === null) {
      throw new ProofgateError('ERR_EVIDENCE_PURGED', `evidence ${evidenceId} was purged at ${new Date(record.purgedAt ?? 0).toISOString()} (retention)`, { status: 410 });
    }
    const key = await this.#dataKey(wrappedKeyId);
    let bytes: Buffer;
    try {
      if (seal.iv.length !== IV_BYTES || seal.tag.length !== TAG_BYTES) throw new Error('bad iv or tag length');
      const decipher = createDecipheriv('aes-256-gcm', key, seal.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(evidenceAad(record.evidenceId, record.sessionId, record.kind));
      decipher.setAuthTag(seal.tag);
      bytes = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (e) {
      throw tampered(evidenceId, 'its ciphertext, IV, tag, session or kind was altered', e);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== record.sha256) {
      throw tampered(evidenceId, 'its recorded SHA-256 does not match the decrypted bytes');
    }
    return { record, bytes };
  }

  async #currentDataKeyId(): Promise<string> {
    this.#currentKeyId ??= (await ensureDataKey(this.#repo, this.#wrapper, this.#now())).keyId;
    return this.#currentKeyId;
  }

  #dataKey(keyId: string): Promise<Buffer> {
    let pending = this.#keys.get(keyId);
    if (!pending) {
      const stored = this.#repo.getDataKey(keyId);
      if (!stored) return Promise.reject(new ProofgateError('ERR_DATA_KEY', `data key ${keyId} is not in the store`, { expose: false }));
      pending = unwrapDataKey(stored, this.#wrapper);
      this.#keys.set(keyId, pending);
      // A transient HSM failure must not poison the cache.
      pending.catch(() => this.#keys.delete(keyId));
    }
    return pending;
  }
}

function tampered(evidenceId: string, why: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_EVIDENCE_TAMPERED', `evidence ${evidenceId} failed its integrity check: ${why}`, { status: 500, expose: false, cause });
}
