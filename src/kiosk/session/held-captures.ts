// The captures the agent holds for the verification session in progress: in memory only, per session,
// until the envelope is signed (completion), the session's time runs out, or the page resets. Each step
// (documents, chip, selfie) replaces what that step held before, so a retried scan never leaves two
// fronts; a failed step drops the whole session, so nothing half-captured is ever signed.
import type { Capture } from '../../verification/capture/capture.js';

export type HeldCapture = Pick<Capture, 'kind' | 'mediaType' | 'bytes' | 'meta'>;
export type CaptureStep = 'selfie' | 'documents' | 'chip';

/** Envelope order: the liveness evidence first (the appliance reads the selfie first), then the document's. */
const STEP_ORDER: readonly CaptureStep[] = ['selfie', 'documents', 'chip'];

interface HeldSession {
  nonce: string | null;
  steps: Map<CaptureStep, HeldCapture[]>;
  timer: NodeJS.Timeout;
}

export class SessionLimitError extends Error {}
export class NonceMismatchError extends Error {}
export class SessionGoneError extends Error {}

export class HeldCaptures {
  readonly #sessions = new Map<string, HeldSession>();
  readonly #ttlMs: number;
  readonly #maxSessions: number;

  constructor(opts: { ttlMs: number; maxSessions: number }) {
    this.#ttlMs = opts.ttlMs;
    this.#maxSessions = opts.maxSessions;
  }

  #session(sessionId: string): HeldSession {
    let s = this.#sessions.get(sessionId);
    if (!s) {
      if (this.#sessions.size >= this.#maxSessions) throw new SessionLimitError(`the station already holds ${this.#sessions.size} sessions; reset first`);
      const timer = setTimeout(() => this.wipe(sessionId), this.#ttlMs);
      timer.unref();
      s = { nonce: null, steps: new Map(), timer };
      this.#sessions.set(sessionId, s);
    }
    return s;
  }

  /** Binds the session to its challenge nonce on first use; a different nonce later wipes the session. */
  bindNonce(sessionId: string, nonce: string): void {
    const s = this.#session(sessionId);
    if (s.nonce === null) s.nonce = nonce;
    else if (s.nonce !== nonce) {
      this.wipe(sessionId);
      throw new NonceMismatchError('the nonce differs from the one this session started with');
    }
  }

  /**
   * Holds a finished step's captures. The session must still exist: a reset or a timeout while the device
   * worked wins, and the late captures are overwritten instead of starting a session nobody bound.
   */
  put(sessionId: string, step: CaptureStep, captures: HeldCapture[]): void {
    const s = this.#sessions.get(sessionId);
    if (!s) {
      for (const c of captures) c.bytes.fill(0);
      throw new SessionGoneError('the session was reset while the device was capturing');
    }
    s.steps.set(step, captures);
  }

  has(sessionId: string, step: CaptureStep): boolean {
    return this.#sessions.get(sessionId)?.steps.has(step) ?? false;
  }

  /** The session's captures in envelope order, and its nonce. */
  get(sessionId: string): { nonce: string | null; captures: HeldCapture[] } | undefined {
    const s = this.#sessions.get(sessionId);
    if (!s) return undefined;
    return { nonce: s.nonce, captures: STEP_ORDER.flatMap((step) => s.steps.get(step) ?? []) };
  }

  /** Drops the session's captures, overwriting their bytes first (a heap dump finds zeros). */
  wipe(sessionId: string): void {
    const s = this.#sessions.get(sessionId);
    if (!s) return;
    clearTimeout(s.timer);
    for (const captures of s.steps.values()) for (const c of captures) c.bytes.fill(0);
    this.#sessions.delete(sessionId);
  }

  wipeAll(): void {
    for (const id of [...this.#sessions.keys()]) this.wipe(id);
  }

  get size(): number {
    return this.#sessions.size;
  }
}
