// Admits at most `concurrency` native analyses at a time. Each admitted analysis holds one libuv pool
// thread and one engine pipeline; queueing here, in JavaScript, means no pool thread ever blocks waiting
// for a pipeline. An arrival that finds every slot taken waits in FIFO order:
//   - unconditionally while fewer than `maxQueued` wait (biometrics.maxQueue);
//   - beyond that, only while its expected wait fits `maxWaitMs` and fewer than `maxWaiting` wait
//     (biometrics.admission): a burst a little above capacity is served late rather than refused, while
//     sustained overload still fails fast with ERR_BUSY (503) instead of piling up latency and memory
//     (every waiter holds its request and its upload).
// The expected wait of the n-th waiter is n x (mean analysis time) / concurrency: the slots finish
// `concurrency` analyses per mean analysis time. The mean is a moving average of the analyses that
// finished (failed ones are not counted); before the first one finishes nothing is known, so nobody waits beyond `maxQueued`.
import { ProofgateError } from '../core/errors.js';

/** biometrics.admission: how long and how many may wait beyond biometrics.maxQueue. */
export interface AdmissionWaitLimits {
  /** Longest expected wait (ms) for which an arrival beyond maxQueue still waits; 0: refuse at maxQueue, as without a budget. */
  maxWaitMs: number;
  /** Hard bound on waiters, whatever the budget; at least maxQueue. */
  maxWaiting: number;
}

/** Weight of the newest analysis in the moving average of analysis time. */
const SERVICE_TIME_WEIGHT = 0.2;

export class AdmissionQueue {
  readonly #concurrency: number;
  readonly #maxQueued: number;
  readonly #limits: AdmissionWaitLimits;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  /** Moving average of how long an admitted task ran, ms; null until one has finished. */
  #meanServiceMs: number | null = null;

  constructor(concurrency: number, maxQueued: number, limits: AdmissionWaitLimits = { maxWaitMs: 0, maxWaiting: maxQueued }) {
    this.#concurrency = concurrency;
    this.#maxQueued = maxQueued;
    this.#limits = { maxWaitMs: limits.maxWaitMs, maxWaiting: Math.max(maxQueued, limits.maxWaiting) };
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** What a new arrival would wait, ms, from the analyses seen so far; null before the first finished. */
  get expectedWaitMs(): number | null {
    if (this.#active < this.#concurrency) return 0;
    return this.#meanServiceMs === null ? null : ((this.#waiting.length + 1) * this.#meanServiceMs) / this.#concurrency;
  }

  /** Runs `task` when a slot is free; rejects with ERR_BUSY (503) when it may not wait (see above). */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#concurrency) {
      this.#refuseUnlessMayWait();
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    const started = performance.now();
    try {
      const result = await task();
      // Only analyses that ran to the end teach the mean: a flood of corrupt uploads, each refused in a
      // fraction of a millisecond, would otherwise make the queue expect short waits and admit more.
      this.#observe(performance.now() - started);
      return result;
    } finally {
      // Hand the slot straight to the next waiter, so a new arrival cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  #refuseUnlessMayWait(): void {
    const waiting = this.#waiting.length;
    if (waiting < this.#maxQueued) return;
    const expected = this.expectedWaitMs;
    if (waiting < this.#limits.maxWaiting && expected !== null && expected <= this.#limits.maxWaitMs) return;
    const why = waiting >= this.#limits.maxWaiting || expected === null || this.#limits.maxWaitMs === 0
      ? ''
      : `, about ${Math.round(expected)} ms to wait, over ${this.#limits.maxWaitMs} ms`;
    throw new ProofgateError('ERR_BUSY', `the face engine is busy (${this.#active} running, ${waiting} waiting${why})`, { status: 503 });
  }

  #observe(ms: number): void {
    this.#meanServiceMs = this.#meanServiceMs === null ? ms : this.#meanServiceMs + SERVICE_TIME_WEIGHT * (ms - this.#meanServiceMs);
  }
}
