// PostgreSQL migration 8 (SQLite: ../008-audit-actor.ts). proofgate_json_valid stands in for SQLite's
// json_valid() in CHECKs: a CHECK that casts to jsonb would fail with a cast error instead of a
// constraint violation. Never edit a released migration.
export const auditActor = `
CREATE FUNCTION proofgate_json_valid(t TEXT) RETURNS BOOLEAN LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  PERFORM t::jsonb;
  RETURN TRUE;
EXCEPTION WHEN others THEN
  RETURN FALSE;
END
$fn$;
ALTER TABLE audit_records ADD COLUMN actor_json TEXT CHECK (actor_json IS NULL OR (proofgate_json_valid(actor_json) AND length(actor_json) <= 1024));
`;
