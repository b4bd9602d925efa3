// The phone hand-off's storage (table handoffs, migration 007-handoff): the rows the hand-off flow
// (src/verification/flow/handoff-service.ts) reads and moves through their states. Every transition is
// one conditional UPDATE, so two nodes (or two phones) racing for the same row cannot both win.

export type HandoffState = 'issued' | 'opened' | 'confirmed' | 'decided' | 'ended';

export interface Handoff {
  handoffId: string;
  sessionId: string;
  /** Six digits, shown on the computer and on the phone. */
  code: string;
  state: HandoffState;
  /** SHA-256 (hex) of the phone's cookie secret, once a phone opened the link. */
  phoneSha256: string | null;
  /** The phone page's CSRF token, once a phone opened the link. */
  phoneCsrf: string | null;
  /** The phone's address as the app resolved it (log and audit only). */
  phoneIp: string | null;
  createdAt: number;
  /** Until when the link may be opened (never beyond the session's expiry). */
  expiresAt: number;
  openedAt: number | null;
  confirmedAt: number | null;
  endedAt: number | null;
  /** Whether a post-back waits for the computer (it is read once, by takePostBack). */
  hasPostBack: boolean;
}

export interface NewHandoff {
  handoffId: string;
  sessionId: string;
  tokenSha256: string;
  code: string;
  createdAt: number;
  expiresAt: number;
}

export interface HandoffStore {
  /**
   * Stores a new hand-off for the session and ends its unopened ones (only the newest QR code works).
   * Null, writing nothing, when the session already has `maxPerSession` hand-offs or one a phone has opened.
   */
  issue(handoff: NewHandoff, maxPerSession: number): Handoff | null;
  /** The hand-off whose link carries this token (by its SHA-256), whatever its state. */
  byToken(tokenSha256: string): Handoff | null;
  get(handoffId: string): Handoff | null;
  /** The session's newest hand-off. */
  latestOf(sessionId: string): Handoff | null;
  /**
   * Burns the token and binds the phone: issued → opened, only while the link has not expired. Null,
   * writing nothing, when it was already opened (a second phone), ended, or expired.
   */
  open(tokenSha256: string, phone: { phoneSha256: string; phoneCsrf: string; phoneIp: string | null }, now: number): Handoff | null;
  /** opened → confirmed (the person said the codes match); false when it was not 'opened'. */
  confirm(handoffId: string, now: number): boolean;
  /** opened|confirmed → decided, keeping the post-back (JSON) for the computer; false when it was in neither state. */
  decide(handoffId: string, postBackJson: string, now: number): boolean;
  /** Reads and erases the waiting post-back: the first caller gets it, later ones null. */
  takePostBack(handoffId: string): string | null;
  /** Erases post-backs no computer took before their session expired (at or before `now`); returns the count. */
  eraseUncollectedPostBacks(now: number): number;
}
