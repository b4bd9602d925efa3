// What account recovery offers the help desk's completion page: one Temporary Access Pass for the account
// of a verification request of purpose `recovery` that ended verified (the implementation: recovery-service.ts).

/** The pass as shown, once, to the verified person. Never stored, logged or audited. */
export interface IssuedTap {
  temporaryAccessPass: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  /** ISO 8601, as Graph answered it. */
  startDateTime: string;
}

export interface RecoveryService {
  readonly enabled: boolean;
  /**
   * Issues a TAP for the account of a request that ended verified. Refuses (ProofgateError) unless the request
   * is `verified`, purpose `recovery`, not already used for a TAP; audits `recovery`/`changed` with the request id;
   * the TAP itself is never stored or logged.
   */
  issueForVerifiedRequest(requestId: string): Promise<IssuedTap>;
  /** When the request's pass was issued, or null (none yet, or no such request). */
  tapIssuedAt(requestId: string): number | null;
}
