// Migration 8: who acted, on audit records of acts by staff members and API tokens (AuditEntry.actor in
// src/core/domain.ts). NULL on every record of a verification itself and on every record written before
// this migration; the chain hashes the actor only when it is present, so those records verify unchanged.
// Never edit a migration once released: add the next number instead.
export const auditActor = `
ALTER TABLE audit_records ADD COLUMN actor_json TEXT CHECK (actor_json IS NULL OR (json_valid(actor_json) AND length(actor_json) <= 1024));
`;
