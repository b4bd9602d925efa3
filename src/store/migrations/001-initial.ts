// Migration 1: the initial schema. Never edit a migration once released: add the next number instead
// (the runner refuses a database whose recorded checksum no longer matches the code).
export const initialSchema = `
CREATE TABLE subjects (
  tid           TEXT NOT NULL,
  oid           TEXT NOT NULL,
  upn           TEXT,
  display_name  TEXT,
  given_name    TEXT,
  family_name   TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (tid, oid)
) STRICT;

CREATE TABLE profiles (
  profile_id     TEXT PRIMARY KEY,
  tid            TEXT NOT NULL,
  oid            TEXT NOT NULL,
  template       BLOB NOT NULL,
  model_id       TEXT NOT NULL,
  enrolment_json TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (tid, oid),
  FOREIGN KEY (tid, oid) REFERENCES subjects (tid, oid)
) STRICT;

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
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  closed_at         INTEGER
) STRICT;
CREATE INDEX verification_sessions_account ON verification_sessions (tid, oid);

-- Replay guard. value_sha256 is the SHA-256 of the one-time value, so a hostile value cannot bloat rows.
CREATE TABLE one_time_values (
  kind         TEXT NOT NULL,
  value_sha256 TEXT NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (kind, value_sha256)
) STRICT, WITHOUT ROWID;
CREATE INDEX one_time_values_expiry ON one_time_values (expires_at);

-- The per-deployment evidence data key, stored only wrapped by the HSM's wrapping key.
CREATE TABLE data_keys (
  key_id          TEXT PRIMARY KEY,
  wrapping_key_id TEXT NOT NULL,
  wrapped         BLOB NOT NULL,
  created_at      INTEGER NOT NULL
) STRICT;

-- Captured images, AES-256-GCM encrypted. Retention sets ciphertext NULL and purged_at; the row stays.
CREATE TABLE evidence (
  evidence_id TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES verification_sessions (session_id),
  kind        TEXT NOT NULL,
  media_type  TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  ciphertext  BLOB,
  iv          BLOB NOT NULL,
  tag         BLOB NOT NULL,
  data_key_id TEXT NOT NULL REFERENCES data_keys (key_id),
  created_at  INTEGER NOT NULL,
  purged_at   INTEGER,
  CHECK ((ciphertext IS NULL) = (purged_at IS NOT NULL))
) STRICT;
CREATE INDEX evidence_session ON evidence (session_id);
CREATE INDEX evidence_unpurged_age ON evidence (created_at) WHERE purged_at IS NULL;

-- The audit trail: append-only (triggers below), hash-chained, verified by src/audit/verify-chain.ts.
CREATE TABLE audit_records (
  seq               INTEGER PRIMARY KEY,
  at                INTEGER NOT NULL,
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
) STRICT;
CREATE INDEX audit_records_account ON audit_records (tid, oid);

CREATE TABLE audit_checkpoints (
  seq       INTEGER PRIMARY KEY,
  hash      TEXT NOT NULL,
  kid       TEXT NOT NULL,
  signature TEXT NOT NULL,
  at        INTEGER NOT NULL
) STRICT;

-- Public keys that signed checkpoints, exported beside them so an examiner can compare them with keys
-- pinned out of band (the database's own copy proves nothing on its own).
CREATE TABLE audit_keys (
  kid      TEXT PRIMARY KEY,
  jwk_json TEXT NOT NULL,
  first_at INTEGER NOT NULL
) STRICT;

-- Append-only by construction: a plain UPDATE or DELETE is refused. Someone with raw file access can
-- drop these triggers, which is what the hash chain and signed checkpoints are for.
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
  BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
  BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
`;
