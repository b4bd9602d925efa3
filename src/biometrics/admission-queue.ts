// Admits at most `concurrency` native analyses at a time and lets at most `maxQueued` wait. Each
// admitted analysis holds one libuv pool thread and one engine pipeline; queueing here, in JavaScript,
// means no pool thread ever blocks waiting for a pipeline, and overload fails fast instead of piling up.
import { ProofgateError } from '../core/errors.js';

export class AdmissionQueue {
  readonly #concurrency: number;
  readonly #maxQueued: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(concurrency: number, maxQueued: number) {
    this.#concurrency = concurrency;
    this.#maxQueued = maxQueued;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Runs `task` when a slot is free; rejects with ERR_BUSY (503) when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#concurrency) {
      if (this.#waiting.length >= this.#maxQueued) {
        throw new ProofgateError('ERR_BUSY', `the face engine is busy (${this.#active} running, ${this.#waiting.length} waiting)`, { status: 503 });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so a new arrival cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
