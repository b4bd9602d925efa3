// The appliance's periodic jobs (retention purge, expired-session sweep, checkpoint poll): each runs once
// at start-up where asked, then on its interval; a failed run is logged and the next one tries again.
import type { Logger } from '../../core/log.js';

export class BackgroundJobs {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Runs `job` now (when `runNow`) and every `intervalMs`; a throw is logged as `<name>-failed`. */
  every(name: string, intervalMs: number, job: () => unknown, opts: { runNow: boolean }): void {
    const run = () => {
      try {
        const pending = job();
        if (pending instanceof Promise) pending.catch((e: unknown) => this.#log(`${name}-failed`, { error: (e as Error).message }, 'error'));
      } catch (e) {
        this.#log(`${name}-failed`, { error: (e as Error).message }, 'error');
      }
    };
    if (opts.runNow) run();
    this.#timers.push(setInterval(run, intervalMs).unref());
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.length = 0;
  }
}
