// PostgreSQL migration 7 (SQLite: ../007-handoff.ts). SQLite orders hand-offs created in the same
// millisecond by rowid; the identity column rowid keeps that order here. Never edit a released migration.
export const handoff = `
CREATE TABLE handoffs (
  handoff_id     TEXT PRIMARY KEY CHECK (length(handoff_id) BETWEEN 16 AND 64),
  session_id     TEXT NOT NULL REFERENCES verification_sessions (session_id),
  token_sha256   TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
  code           TEXT NOT NULL CHECK (length(code) = 6 AND code ~ '^[0-9]*$'),
  state          TEXT NOT NULL CHECK (state IN ('issued', 'opened', 'confirmed', 'decided', 'ended')),
  phone_sha256   TEXT CHECK (phone_sha256 IS NULL OR length(phone_sha256) = 64),
  phone_csrf     TEXT CHECK (phone_csrf IS NULL OR length(phone_csrf) BETWEEN 16 AND 64),
  phone_ip       TEXT CHECK (phone_ip IS NULL OR length(phone_ip) <= 64),
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL CHECK (expires_at > created_at),
  opened_at      BIGINT,
  confirmed_at   BIGINT,
  ended_at       BIGINT,
  post_back_json TEXT CHECK (post_back_json IS NULL OR length(post_back_json) <= 65536),
  rowid          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  CHECK (state != 'issued' OR phone_sha256 IS NULL),
  CHECK (state NOT IN ('opened', 'confirmed', 'decided') OR (phone_sha256 IS NOT NULL AND phone_csrf IS NOT NULL))
);
CREATE INDEX handoffs_session ON handoffs (session_id, created_at);
`;
