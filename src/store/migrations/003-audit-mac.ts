// Migration 3: each audit record carries a MAC under a key derived in the HSM for its position
// (src/audit/audit-trail.ts), so a row written with database access alone is told apart and never sealed.
// Records from before this migration keep a NULL mac ("pre-MAC"). The append-only triggers of migration 1
// (no UPDATE, no DELETE) cover the new column too. Never edit a migration once released.
export const auditMac = `
ALTER TABLE audit_records ADD COLUMN mac TEXT;
`;
