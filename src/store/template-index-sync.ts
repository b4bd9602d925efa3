// Keeps a TemplateIndex (src/biometrics/template-index.ts) in step with the profiles table. Built at
// start-up from every profile of the current embedder; afterwards, before each search, it applies the
// profile journal (profile_changes, written by triggers on every insert, template change and delete,
// whichever process wrote: the server's enrolments and re-enrolments, `proofgate enrol`, `profile
// delete`, `enrolment release`), so the index never misses an enrolment or keeps an erased face.
import { ProofgateError } from '../core/errors.js';
import { TemplateIndex, type IndexCandidate, type TemplateEncoding } from '../biometrics/template-index.js';
import type { ProfileJournal, StoredTemplate } from './enrolment-hold-store.js';

const PAGE = 5000;

export interface SyncedTemplateIndexOptions {
  /** The embedder whose templates are indexed (FaceAnalyzer.modelId); templates of others are left out. */
  modelId: string;
  dimension: number;
  encoding: TemplateEncoding;
  threads: number;
}

function vectorOf(t: StoredTemplate, dimension: number): Float32Array | null {
  if (t.template.length !== dimension * 4) return null;
  const v = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) v[i] = t.template.readFloatLE(i * 4);
  return v.every(Number.isFinite) ? v : null;
}

export class SyncedTemplateIndex {
  readonly modelId: string;
  readonly #journal: ProfileJournal;
  readonly #index: TemplateIndex;
  #seq = 0;
  /** Stored templates of this embedder the index could not take (wrong length, NaN): counted, not indexed. */
  #unusable = new Set<string>();

  private constructor(journal: ProfileJournal, index: TemplateIndex, modelId: string) {
    this.#journal = journal;
    this.#index = index;
    this.modelId = modelId;
  }

  /** Reads every profile of `options.modelId` into a new index (page by page; the journal covers writes meanwhile). */
  static async build(journal: ProfileJournal, options: SyncedTemplateIndexOptions): Promise<SyncedTemplateIndex> {
    if (typeof options?.modelId !== 'string' || options.modelId.length === 0) {
      throw new ProofgateError('ERR_BAD_REQUEST', 'template index: modelId must name the embedder', { status: 400 });
    }
    const synced = new SyncedTemplateIndex(journal, new TemplateIndex(options), options.modelId);
    // The journal position first: whatever is written while the pages are read is applied again by catchUp().
    synced.#seq = journal.lastChange();
    let after: string | null = null;
    for (;;) {
      const page = journal.templatesOf(options.modelId, after, PAGE);
      if (page.length === 0) break;
      await synced.#put(page);
      after = page[page.length - 1].profileId;
    }
    await synced.catchUp();
    return synced;
  }

  /** Templates indexed. */
  get size(): number {
    return this.#index.size;
  }

  /** Stored templates of this embedder that could not be indexed. */
  get unusable(): number {
    return this.#unusable.size;
  }

  info(): ReturnType<TemplateIndex['info']> & { modelId: string; journalSeq: number; unusable: number } {
    return { ...this.#index.info(), modelId: this.modelId, journalSeq: this.#seq, unusable: this.unusable };
  }

  /**
   * Applies the journal's entries since the last call. One pass at a time, in call order: two interleaved
   * passes could put back a template the other just removed and move the journal position past the
   * removal for good. Each caller's pass starts after the one before it, so it sees every change committed
   * before it was called.
   */
  catchUp(): Promise<void> {
    const pass = this.#lastPass.then(() => this.#applyJournal());
    this.#lastPass = pass.catch(() => undefined);
    return pass;
  }

  #lastPass: Promise<void> = Promise.resolve();

  async #applyJournal(): Promise<void> {
    for (;;) {
      const changes = this.#journal.changesSince(this.#seq, PAGE);
      if (changes.length === 0) return;
      const ids = [...new Set(changes.map((c) => c.profileId))];
      const current: StoredTemplate[] = [];
      const gone: string[] = [];
      for (const id of ids) {
        const t = this.#journal.templateOf(id);
        if (t && t.modelId === this.modelId) current.push(t);
        else gone.push(id);
      }
      await this.#index.remove(gone);
      for (const id of gone) this.#unusable.delete(id);
      await this.#put(current);
      this.#seq = changes[changes.length - 1].seq;
    }
  }

  /** The k indexed templates nearest to `query` after catching up with the journal (approximate distances). */
  async search(query: Float32Array, k: number): Promise<IndexCandidate[]> {
    await this.catchUp();
    return this.#index.search(query, k);
  }

  async #put(templates: readonly StoredTemplate[]): Promise<void> {
    const entries: { profileId: string; vector: Float32Array }[] = [];
    const bad: string[] = [];
    for (const t of templates) {
      const vector = vectorOf(t, this.#index.dimension);
      if (vector) {
        entries.push({ profileId: t.profileId, vector });
        this.#unusable.delete(t.profileId);
      } else {
        bad.push(t.profileId);
        this.#unusable.add(t.profileId);
      }
    }
    await this.#index.remove(bad);
    if (entries.length > 0) await this.#index.add(entries);
  }
}
