// A fixed-window count of passkey attempts (options asked for, answers posted) per client address, in
// memory: an address over the limit is refused until its window ends. A restart forgets the counts; the
// real guard is the passkey itself, this only keeps one address from hammering the ceremonies. The map is
// bounded: past MAX_ADDRESSES, windows that ended are dropped, and if none has, new addresses share one
// overflow bucket (refused together rather than letting memory grow).
export const MAX_ADDRESSES = 10_000;
const OVERFLOW = '(overflow)';

export class AttemptLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(opts: { maxAttemptsPerWindow: number; windowSeconds: number }) {
    this.#max = opts.maxAttemptsPerWindow;
    this.#windowMs = opts.windowSeconds * 1000;
  }

  /** Counts one attempt from `address`; false when it is over the limit (the attempt must be refused). */
  allow(address: string | null, now: number): boolean {
    let key = address ?? OVERFLOW;
    if (!this.#windows.has(key) && this.#windows.size >= MAX_ADDRESSES) {
      for (const [k, w] of this.#windows) if (now - w.start >= this.#windowMs) this.#windows.delete(k);
      if (this.#windows.size >= MAX_ADDRESSES) key = OVERFLOW;
    }
    const w = this.#windows.get(key);
    if (!w || now - w.start >= this.#windowMs) {
      this.#windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.#max;
  }
}
