// The seam for the audit record MACs (src/audit/audit-trail.ts): a per-position key
// K_seq = HMAC-SHA256(secret, "proofgate-audit-mac-v1.<seq>") whose secret stays in the HSM, so a row
// written with database access alone cannot carry a MAC that verifies at its position.
// Pkcs11AuditMacKeys is what the appliance runs; SoftwareAuditMacKeys (software-audit-mac-keys.ts) is for tests.

export interface AuditMacKeys {
  /** The 32-byte key for the record at `seq`; rejects with ERR_HSM_UNAVAILABLE while the token is away. */
  positionKey(seq: number): Promise<Buffer>;
}

/** The bytes the HSM HMACs to derive K_seq. */
export function auditMacPositionInput(seq: number): Buffer {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new TypeError(`audit MAC position: expected an integer >= 1, got ${String(seq)}`);
  return Buffer.from(`proofgate-audit-mac-v1.${seq}`, 'ascii');
}
