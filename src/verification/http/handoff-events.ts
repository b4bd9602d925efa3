// The computer's page follows its phone hand-off as Server-Sent Events: one `progress` event per change
// of state (read from the store every pollIntervalMs, since the phone's requests may reach another node),
// a comment line every heartbeatSeconds so proxies keep the idle stream, and the end of the stream once
// the hand-off can change no more or the session expires. X-Accel-Buffering: no makes nginx pass each
// event on at once. A session holds at most maxStreamsPerSession streams on this node; past that the
// answer is 429 and the page polls the status URL instead.
import type { Request, Response } from 'express';
import { ProofgateError } from '../../core/errors.js';
import { FINAL_PROGRESS, type HandoffProgress } from '../flow/handoff-service.js';

export interface ProgressStreamSettings {
  pollIntervalMs: number;
  heartbeatSeconds: number;
  maxStreamsPerSession: number;
}

export class ProgressStreams {
  readonly #open = new Map<string, number>();
  readonly #settings: ProgressStreamSettings;

  constructor(settings: ProgressStreamSettings) {
    this.#settings = settings;
  }

  /** Streams open now (all sessions), for tests and shutdown checks. */
  get size(): number {
    let n = 0;
    for (const v of this.#open.values()) n += v;
    return n;
  }

  /**
   * Streams `progress()` to the response until a final state or `until` (ms). `progress` throws for an
   * unknown hand-off; it is called once before anything is sent, so that answers with the usual error.
   */
  stream(req: Request, res: Response, sessionId: string, progress: () => HandoffProgress, until: number, now: () => number): void {
    let last = progress();
    const open = this.#open.get(sessionId) ?? 0;
    if (open >= this.#settings.maxStreamsPerSession) {
      throw new ProofgateError('ERR_BUSY', 'too many progress streams for this verification; poll the status URL', { status: 429 });
    }
    this.#open.set(sessionId, open + 1);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const send = (state: HandoffProgress) => res.write(`event: progress\ndata: ${JSON.stringify({ state })}\n\n`);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      clearInterval(heartbeat);
      clearTimeout(deadline);
      const left = (this.#open.get(sessionId) ?? 1) - 1;
      if (left > 0) this.#open.set(sessionId, left);
      else this.#open.delete(sessionId);
      res.end();
    };
    // The browser reconnects after this long if the connection drops before the stream ends.
    res.write('retry: 2000\n\n');
    send(last);
    const poll = setInterval(() => {
      let state: HandoffProgress;
      try {
        state = progress();
      } catch {
        close();
        return;
      }
      if (state !== last) {
        last = state;
        send(state);
      }
      if (FINAL_PROGRESS.includes(state)) close();
    }, this.#settings.pollIntervalMs);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.#settings.heartbeatSeconds * 1000);
    // Past the session's expiry nothing can change but the state to 'expired': send it and end.
    const deadline = setTimeout(() => {
      try {
        send(progress());
      } catch {
        // A store error at the deadline ends the stream like any other; the page falls back to polling.
      } finally {
        close();
      }
    }, Math.max(0, until - now()) + this.#settings.pollIntervalMs);
    for (const timer of [poll, heartbeat, deadline]) timer.unref();
    req.on('close', close);
    if (FINAL_PROGRESS.includes(last)) close();
  }
}
