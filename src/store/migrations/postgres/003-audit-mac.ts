// PostgreSQL migration 3 (SQLite: ../003-audit-mac.ts): the audit MAC column and the one-row pre-MAC
// cut-off, written here and never again. Never edit a released migration.
export const auditMac = `
ALTER TABLE audit_records ADD COLUMN mac TEXT;
CREATE TABLE audit_mac_cutoff (
  last_pre_mac_seq BIGINT NOT NULL CHECK (last_pre_mac_seq >= 0)
);
INSERT INTO audit_mac_cutoff (last_pre_mac_seq) SELECT COALESCE(MAX(seq), 0) FROM audit_records;
CREATE TRIGGER audit_mac_cutoff_once BEFORE INSERT ON audit_mac_cutoff
  FOR EACH ROW EXECUTE FUNCTION proofgate_refuse('audit_mac_cutoff is written once, by migration 3');
CREATE TRIGGER audit_mac_cutoff_no_update BEFORE UPDATE ON audit_mac_cutoff
  FOR EACH ROW EXECUTE FUNCTION proofgate_refuse('audit_mac_cutoff is written once, by migration 3');
CREATE TRIGGER audit_mac_cutoff_no_delete BEFORE DELETE ON audit_mac_cutoff
  FOR EACH ROW EXECUTE FUNCTION proofgate_refuse('audit_mac_cutoff is written once, by migration 3');
CREATE TRIGGER audit_mac_cutoff_no_truncate BEFORE TRUNCATE ON audit_mac_cutoff
  FOR EACH STATEMENT EXECUTE FUNCTION proofgate_refuse('audit_mac_cutoff is written once, by migration 3');
`;
