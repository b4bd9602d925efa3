// The captures of one request, kept as evidence exactly once. They are sealed (encrypted) once judged;
// when the request decides the session they are written inside the transaction that claims it, so the
// decision, its audit record and the evidence it names cost one commit (one fsync on the event loop)
// instead of two. Whatever else happens (a retry, a claim that did not commit, an error after judging),
// the request writes them on their own before it answers: what was judged is always kept.
import type { Capture } from '../capture/capture.js';
import type { EvidenceSink } from '../capture/ports.js';
import type { SealedEvidence } from '../../store/evidence-cipher.js';

export class PendingEvidence {
  readonly #sink: EvidenceSink;
  readonly #sessionId: string;
  readonly #captures: readonly Capture[];
  #sealed: SealedEvidence[] = [];
  #written = false;

  constructor(sink: EvidenceSink, sessionId: string, captures: readonly Capture[]) {
    this.#sink = sink;
    this.#sessionId = sessionId;
    this.#captures = captures;
  }

  /** The captures were judged: encrypt them for the store (nothing is written yet). */
  async seal(): Promise<void> {
    const sealed: SealedEvidence[] = [];
    for (const c of this.#captures) sealed.push(await this.#sink.sealEvidence(this.#sessionId, c.kind, c.mediaType, c.bytes));
    this.#sealed = sealed;
  }

  /** Inside the claim's transaction, before its audit record lists the session's evidence. */
  writeInTransaction(): void {
    this.#sink.putSealed(this.#sealed);
  }

  /** The transaction that wrote them committed. */
  committed(): void {
    this.#written = true;
  }

  /** Writes what was sealed unless a committed claim already did: the request's last word on its evidence. */
  writeUnlessWritten(): void {
    if (this.#written || this.#sealed.length === 0) return;
    this.#sink.putSealed(this.#sealed);
    this.#written = true;
  }
}
