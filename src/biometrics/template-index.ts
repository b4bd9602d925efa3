// An in-memory index of stored face templates for the 1:N duplicate search (docs/biometrics.md, "1:N
// search"). The native index (native/src/search) keeps every template quantised (int8 with a
// per-template scale by default) and ranks them all by approximate L2 distance with AVX2 on a few
// threads; this class owns the profile id <-> slot map, bounds every argument, and runs one operation
// at a time so a search never sees a slot half reassigned. The candidates it returns carry approximate
// distances only: the caller re-scores them on the stored float32 templates (duplicate-person.ts), so
// quantisation can only change which candidates come back, never a score or a decision.
import { ProofgateError } from '../core/errors.js';
import { callNative } from '../native/call-native.js';
import { nativeTemplateIndex, type NativeTemplateIndexHandle, type NativeTemplateIndexInfo, type TemplateEncoding } from '../native/native-template-index.js';
import { FACE_NATIVE } from './face-errors.js';

export type { TemplateEncoding } from '../native/native-template-index.js';
export const TEMPLATE_ENCODINGS: readonly TemplateEncoding[] = ['int8', 'float16', 'float32'];

/** Bounds on what the index accepts (the native side trusts them). */
export const TEMPLATE_INDEX_LIMITS = {
  maxDimension: 1024,
  /** 16.7 M templates: an int8 index of 128-d templates that size takes ~2.3 GB. */
  maxTemplates: 1 << 24,
  maxK: 1000,
  maxThreads: 16,
  /** Templates per add() call (a start-up build adds page by page). */
  maxBatch: 100_000,
} as const;

export interface TemplateIndexOptions {
  /** Values per template (128 for dlib's ResNet). */
  dimension: number;
  encoding: TemplateEncoding;
  /** Threads one search runs on. */
  threads: number;
}

export interface IndexedTemplate {
  profileId: string;
  vector: Float32Array;
}

export interface IndexCandidate {
  profileId: string;
  /** L2 distance from the quantised template: for ranking only (re-score on the stored float32 template). */
  approximateDistance: number;
}

function bad(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', `template index: ${message}`, { status: 400 });
}

function integerIn(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(`${what} must be an integer ${min}..${max}, got ${String(v)}`);
  return v;
}

export class TemplateIndex {
  readonly dimension: number;
  readonly encoding: TemplateEncoding;
  readonly threads: number;
  readonly #handle: NativeTemplateIndexHandle;
  readonly #slotOf = new Map<string, number>();
  /** slot -> profile id; null for a free slot. */
  readonly #profileAt: (string | null)[] = [];
  readonly #freeSlots: number[] = [];
  /** Operations run one after another (see the header). */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: TemplateIndexOptions) {
    this.dimension = integerIn(options?.dimension, 1, TEMPLATE_INDEX_LIMITS.maxDimension, 'dimension');
    if (!TEMPLATE_ENCODINGS.includes(options.encoding)) throw bad(`encoding must be ${TEMPLATE_ENCODINGS.join(' | ')}, got ${String(options.encoding)}`);
    this.encoding = options.encoding;
    this.threads = integerIn(options.threads, 1, TEMPLATE_INDEX_LIMITS.maxThreads, 'threads');
    this.#handle = nativeTemplateIndex().templateIndexCreate({ dimension: this.dimension, encoding: this.encoding });
  }

  /** Templates held. */
  get size(): number {
    return this.#slotOf.size;
  }

  has(profileId: string): boolean {
    return this.#slotOf.has(profileId);
  }

  /** Adds templates; a profile id already held gets its new template (re-enrolment). */
  add(entries: readonly IndexedTemplate[]): Promise<void> {
    if (!Array.isArray(entries)) throw bad('add expects an array of { profileId, vector }');
    if (entries.length > TEMPLATE_INDEX_LIMITS.maxBatch) throw bad(`at most ${TEMPLATE_INDEX_LIMITS.maxBatch} templates per add, got ${entries.length}`);
    const vectors = new Float32Array(entries.length * this.dimension);
    const seen = new Set<string>();
    entries.forEach((e, i) => {
      if (typeof e?.profileId !== 'string' || e.profileId.length === 0 || e.profileId.length > 200) throw bad(`entry ${i}: profileId must be a string of 1..200 characters`);
      if (seen.has(e.profileId)) throw bad(`entry ${i}: profile ${e.profileId} appears twice in one add`);
      seen.add(e.profileId);
      vectors.set(this.#checkVector(e.vector, `entry ${i} (${e.profileId})`), i * this.dimension);
    });
    const fresh = entries.filter((e) => !this.#slotOf.has(e.profileId)).length;
    if (this.size + fresh > TEMPLATE_INDEX_LIMITS.maxTemplates) throw bad(`the index holds at most ${TEMPLATE_INDEX_LIMITS.maxTemplates} templates`);
    return this.#run(async () => {
      const slots = new Int32Array(entries.length);
      entries.forEach((e, i) => {
        slots[i] = this.#slotOf.get(e.profileId) ?? this.#takeSlot(e.profileId);
      });
      await callNative(this.add, () => nativeTemplateIndex().templateIndexAdd(this.#handle, slots, vectors), FACE_NATIVE, 'adding templates to the index');
    });
  }

  /** Removes templates by profile id; ids not held are ignored. */
  remove(profileIds: readonly string[]): Promise<void> {
    if (!Array.isArray(profileIds) || profileIds.some((id) => typeof id !== 'string')) throw bad('remove expects an array of profile ids');
    return this.#run(async () => {
      const slots: number[] = [];
      for (const id of profileIds) {
        const slot = this.#slotOf.get(id);
        if (slot === undefined) continue;
        this.#slotOf.delete(id);
        this.#profileAt[slot] = null;
        this.#freeSlots.push(slot);
        slots.push(slot);
      }
      if (slots.length === 0) return;
      await callNative(this.remove, () => nativeTemplateIndex().templateIndexRemove(this.#handle, Int32Array.from(slots)), FACE_NATIVE, 'removing templates from the index');
    });
  }

  /** The k templates nearest to `query` (fewer when the index holds fewer), nearest first. */
  search(query: Float32Array, k: number): Promise<IndexCandidate[]> {
    const q = this.#checkVector(query, 'query');
    integerIn(k, 1, TEMPLATE_INDEX_LIMITS.maxK, 'k');
    return this.#run(async () => {
      if (this.size === 0) return [];
      // The native side keeps a reference to the array while it runs: hand it a copy the caller cannot change.
      const found = await callNative(this.search, () => nativeTemplateIndex().templateIndexSearch(this.#handle, Float32Array.from(q), { k, threads: this.threads }), FACE_NATIVE, 'searching the template index');
      const out: IndexCandidate[] = [];
      found.slots.forEach((slot, i) => {
        const profileId = this.#profileAt[slot];
        if (profileId) out.push({ profileId, approximateDistance: found.distances[i] });
      });
      return out;
    });
  }

  /** Sizes and memory, for /health and the benchmark. */
  info(): NativeTemplateIndexInfo & { templates: number } {
    return { ...nativeTemplateIndex().templateIndexInfo(this.#handle), templates: this.size };
  }

  #checkVector(v: unknown, what: string): Float32Array {
    if (!(v instanceof Float32Array)) throw bad(`${what} must be a Float32Array`);
    if (v.length !== this.dimension) throw bad(`${what} holds ${v.length} values, the index's templates ${this.dimension}`);
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw bad(`${what} holds NaN or infinity at ${i}`);
    return v;
  }

  #takeSlot(profileId: string): number {
    const slot = this.#freeSlots.pop() ?? this.#profileAt.length;
    this.#profileAt[slot] = profileId;
    this.#slotOf.set(profileId, slot);
    return slot;
  }

  #run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(op, op);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
