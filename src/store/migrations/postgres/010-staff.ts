// PostgreSQL migration 10 (SQLite: ../010-staff.ts): the same tables in PostgreSQL types. Never edit a released migration.
export const staff = `
CREATE TABLE staff (
  staff_id    TEXT PRIMARY KEY CHECK (length(staff_id) = 32),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role        TEXT NOT NULL CHECK (role IN ('helpdesk', 'kiosk-operator', 'admin')),
  status      TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT CHECK ((status = 'active') = (revoked_at IS NULL) AND (revoked_at IS NULL OR revoked_at >= created_at))
);

CREATE TABLE staff_registrations (
  token_sha256 TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
  staff_id     TEXT NOT NULL REFERENCES staff (staff_id),
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL CHECK (expires_at > created_at),
  used_at      BIGINT CHECK (used_at IS NULL OR used_at >= created_at)
);
CREATE INDEX staff_registrations_by_staff ON staff_registrations (staff_id);

CREATE TABLE staff_credentials (
  credential_id TEXT PRIMARY KEY CHECK (length(credential_id) BETWEEN 16 AND 1366),
  staff_id      TEXT NOT NULL REFERENCES staff (staff_id),
  public_key    BYTEA NOT NULL CHECK (length(public_key) BETWEEN 16 AND 2048),
  counter       BIGINT NOT NULL CHECK (counter BETWEEN 0 AND 4294967295),
  transports    TEXT NOT NULL CHECK (proofgate_json_valid(transports) AND length(transports) <= 200),
  created_at    BIGINT NOT NULL,
  last_used_at  BIGINT CHECK (last_used_at IS NULL OR last_used_at >= created_at),
  revoked_at    BIGINT CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);
CREATE INDEX staff_credentials_by_staff ON staff_credentials (staff_id);

CREATE TABLE staff_challenges (
  challenge    TEXT PRIMARY KEY CHECK (length(challenge) BETWEEN 16 AND 128),
  purpose      TEXT NOT NULL CHECK (purpose IN ('register', 'sign-in')),
  token_sha256 TEXT CHECK ((purpose = 'register') = (token_sha256 IS NOT NULL) AND (token_sha256 IS NULL OR length(token_sha256) = 64)),
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX staff_challenges_by_expiry ON staff_challenges (expires_at);

CREATE TABLE staff_sessions (
  session_sha256 TEXT PRIMARY KEY CHECK (length(session_sha256) = 64),
  staff_id       TEXT NOT NULL REFERENCES staff (staff_id),
  credential_id  TEXT NOT NULL REFERENCES staff_credentials (credential_id),
  csrf_token     TEXT NOT NULL CHECK (length(csrf_token) BETWEEN 32 AND 64),
  created_at     BIGINT NOT NULL,
  last_seen_at   BIGINT NOT NULL CHECK (last_seen_at >= created_at),
  expires_at     BIGINT NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);
`;
