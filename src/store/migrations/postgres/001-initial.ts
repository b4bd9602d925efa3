// PostgreSQL migration 1: the initial schema, table for table migration 1 of SQLite (../001-initial.ts).
// Integers are BIGINT (times are ms since the epoch), blobs BYTEA. Never edit a released migration.
export const initialSchema = `
CREATE TABLE subjects (
  tid           TEXT NOT NULL,
  oid           TEXT NOT NULL,
  upn           TEXT,
  display_name  TEXT,
  given_name    TEXT,
  family_name   TEXT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  PRIMARY KEY (tid, oid)
);

CREATE TABLE profiles (
  profile_id     TEXT PRIMARY KEY,
  tid            TEXT NOT NULL,
  oid            TEXT NOT NULL,
  template       BYTEA NOT NULL,
  model_id       TEXT NOT NULL,
  enrolment_json TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  UNIQUE (tid, oid),
  FOREIGN KEY (tid, oid) REFERENCES subjects (tid, oid)
);

CREATE TABLE verification_sessions (
  session_id        TEXT PRIMARY KEY,
  tid               TEXT NOT NULL,
  oid               TEXT NOT NULL,
  sub               TEXT NOT NULL,
  client_id         TEXT NOT NULL,
  redirect_uri      TEXT NOT NULL,
  nonce             TEXT NOT NULL,
  state             TEXT,
  client_request_id TEXT,
  acr               TEXT NOT NULL,
  amr               TEXT NOT NULL,
  hint_claims_json  TEXT NOT NULL,
  csrf_token        TEXT NOT NULL,
  challenge_json    TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('open', 'decided', 'expired', 'cancelled')),
  created_at        BIGINT NOT NULL,
  expires_at        BIGINT NOT NULL,
  closed_at         BIGINT
);
CREATE INDEX verification_sessions_account ON verification_sessions (tid, oid);

CREATE TABLE one_time_values (
  kind         TEXT NOT NULL,
  value_sha256 TEXT NOT NULL,
  expires_at   BIGINT NOT NULL,
  PRIMARY KEY (kind, value_sha256)
);
CREATE INDEX one_time_values_expiry ON one_time_values (expires_at);

CREATE TABLE data_keys (
  key_id          TEXT PRIMARY KEY,
  wrapping_key_id TEXT NOT NULL,
  wrapped         BYTEA NOT NULL,
  created_at      BIGINT NOT NULL
);

CREATE TABLE evidence (
  evidence_id TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES verification_sessions (session_id),
  kind        TEXT NOT NULL,
  media_type  TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  ciphertext  BYTEA,
  iv          BYTEA NOT NULL,
  tag         BYTEA NOT NULL,
  data_key_id TEXT NOT NULL REFERENCES data_keys (key_id),
  created_at  BIGINT NOT NULL,
  purged_at   BIGINT,
  CHECK ((ciphertext IS NULL) = (purged_at IS NOT NULL))
);
CREATE INDEX evidence_session ON evidence (session_id);
CREATE INDEX evidence_unpurged_age ON evidence (created_at) WHERE purged_at IS NULL;

CREATE TABLE audit_records (
  seq               BIGINT PRIMARY KEY,
  at                BIGINT NOT NULL,
  session_id        TEXT,
  tid               TEXT NOT NULL,
  oid               TEXT NOT NULL,
  upn               TEXT,
  profile_id        TEXT,
  flow              TEXT NOT NULL,
  decision          TEXT NOT NULL,
  client_request_id TEXT,
  checks_json       TEXT NOT NULL,
  evidence_json     TEXT NOT NULL,
  prev_hash         TEXT NOT NULL,
  hash              TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_records_account ON audit_records (tid, oid);

CREATE TABLE audit_checkpoints (
  seq       BIGINT PRIMARY KEY,
  hash      TEXT NOT NULL,
  kid       TEXT NOT NULL,
  signature TEXT NOT NULL,
  at        BIGINT NOT NULL
);

CREATE TABLE audit_keys (
  kid      TEXT PRIMARY KEY,
  jwk_json TEXT NOT NULL,
  first_at BIGINT NOT NULL
);

-- Append-only by construction, as on SQLite: UPDATE and DELETE are refused, and so is TRUNCATE (which
-- PostgreSQL runs without row triggers). The message is the trigger's argument.
CREATE FUNCTION proofgate_refuse() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END
$fn$;
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION proofgate_refuse('audit_records is append-only');
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION proofgate_refuse('audit_records is append-only');
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
  FOR EACH STATEMENT EXECUTE FUNCTION proofgate_refuse('audit_records is append-only');
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION proofgate_refuse('audit_checkpoints is append-only');
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION proofgate_refuse('audit_checkpoints is append-only');
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION proofgate_refuse('audit_checkpoints is append-only');
`;
