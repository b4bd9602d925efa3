// Storage of held enrolments (table enrolment_holds, migration 009) and the profile journal the
// in-memory template index follows (table profile_changes). The decisions are elsewhere:
// src/verification/policy/duplicate-person.ts (when to hold), src/verification/flow/enrolment-holds.ts
// (release and reject, with their audit records). Every transition is one conditional UPDATE, so two
// administrators settling the same hold cannot both win.

export type EnrolmentHoldState = 'held' | 'released' | 'rejected' | 'erased';
export const ENROLMENT_HOLD_STATES: readonly EnrolmentHoldState[] = ['held', 'released', 'rejected', 'erased'];

/** The directory names a first-time enrolment would have stored with the profile (from the Entra hint). */
export interface HeldSubject {
  upn: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
}

export interface EnrolmentHold {
  /** 32 lowercase hex characters. */
  holdId: string;
  tid: string;
  oid: string;
  /** The verification session that enrolled, or null for a staff-attested enrolment. */
  sessionId: string | null;
  /** Null once the hold is settled or erased. */
  subject: HeldSubject | null;
  /** The held template (float32 little-endian); null once the hold is settled or erased. */
  template: Buffer | null;
  modelId: string;
  /** The enrolment summary the profile would carry; null once settled or erased. */
  enrolment: unknown;
  /** The other account's profile the face matched, and that account. */
  matchedProfileId: string;
  matchedTid: string;
  matchedOid: string;
  /** Exact float32 L2 distance to that profile's template, and the threshold it was at or below. */
  distance: number;
  threshold: number;
  state: EnrolmentHoldState;
  createdAt: number;
  settledAt: number | null;
  /** The profile stored when the hold was released. */
  profileId: string | null;
}

export type NewEnrolmentHold = Omit<EnrolmentHold, 'state' | 'settledAt' | 'profileId' | 'subject' | 'template'> & {
  subject: HeldSubject | null;
  template: Buffer;
};

export interface EnrolmentHoldQuery {
  state?: EnrolmentHoldState;
  /** 1..1000. */
  limit: number;
  /** Continue after this hold (the last of the previous page), newest first. */
  before?: { createdAt: number; holdId: string };
}

export interface EnrolmentHoldStore {
  /** Stores a new open hold; refuses (ERR_STORE_INPUT) a malformed one. */
  add(hold: NewEnrolmentHold): EnrolmentHold;
  get(holdId: string): EnrolmentHold | null;
  /** Holds newest first, optionally of one state. */
  list(query: EnrolmentHoldQuery): EnrolmentHold[];
  /** The account's open holds, oldest first. */
  openForAccount(tid: string, oid: string): EnrolmentHold[];
  /**
   * Settles an open hold: `released` (with the profile stored from it) or `rejected`. Its template, names
   * and enrolment summary are cleared. False, writing nothing, when the hold is not open.
   */
  settle(holdId: string, outcome: { state: 'released'; profileId: string } | { state: 'rejected' }, at: number): boolean;
  /** Clears every open hold of the account (state `erased`); the count. Run it inside the erasure's transaction. */
  eraseAccount(tid: string, oid: string, at: number): number;
}

/** What the template index reads from the profiles table (src/store/template-index-sync.ts). */
export interface StoredTemplate {
  profileId: string;
  tid: string;
  oid: string;
  modelId: string;
  template: Buffer;
}

export interface ProfileJournal {
  /** Profiles of one embedder ordered by profile id, after `afterProfileId`, at most `limit` (1..10000). */
  templatesOf(modelId: string, afterProfileId: string | null, limit: number): StoredTemplate[];
  /** One profile by its id, or null. */
  templateOf(profileId: string): StoredTemplate | null;
  /** The newest journal position (0 for none): the index built after reading it is current up to here. */
  lastChange(): number;
  /** Journal entries after `seq`, oldest first, at most `limit` (1..10000): profiles inserted, changed or deleted. */
  changesSince(seq: number, limit: number): { seq: number; profileId: string }[];
}
