// Migration 3: each audit record carries a MAC under a key derived in the HSM for its position
// (src/audit/audit-trail.ts), so a row written with database access alone is told apart and never sealed.
// Records from before this migration keep a NULL mac ("pre-MAC"), and only they: the last seq that existed
// when the column was added is kept (audit_mac_cutoff, one row, append-only), so a NULL mac above it is a
// row written without the HSM. A database created new has cut-off 0. The append-only triggers of migration
// 1 (no UPDATE, no DELETE) cover the new column too. Never edit a migration once released.
export const auditMac = `
ALTER TABLE audit_records ADD COLUMN mac TEXT;
CREATE TABLE audit_mac_cutoff (
  last_pre_mac_seq INTEGER NOT NULL CHECK (last_pre_mac_seq >= 0)
) STRICT;
INSERT INTO audit_mac_cutoff (last_pre_mac_seq) SELECT COALESCE(MAX(seq), 0) FROM audit_records;
CREATE TRIGGER audit_mac_cutoff_once BEFORE INSERT ON audit_mac_cutoff
  BEGIN SELECT RAISE(ABORT, 'audit_mac_cutoff is written once, by migration 3'); END;
CREATE TRIGGER audit_mac_cutoff_no_update BEFORE UPDATE ON audit_mac_cutoff
  BEGIN SELECT RAISE(ABORT, 'audit_mac_cutoff is written once, by migration 3'); END;
CREATE TRIGGER audit_mac_cutoff_no_delete BEFORE DELETE ON audit_mac_cutoff
  BEGIN SELECT RAISE(ABORT, 'audit_mac_cutoff is written once, by migration 3'); END;
`;
