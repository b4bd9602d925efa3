// PostgreSQL migration 11 (SQLite: ../011-verification-requests.ts). Lists ordered by SQLite's rowid keep
// that order through the identity columns named rowid. Never edit a released migration.
export const verificationRequests = `
CREATE TABLE verification_requests (
  request_id      TEXT PRIMARY KEY CHECK (length(request_id) BETWEEN 16 AND 64),
  tid             TEXT NOT NULL CHECK (length(tid) BETWEEN 1 AND 64),
  oid             TEXT NOT NULL CHECK (length(oid) BETWEEN 1 AND 64),
  upn             TEXT CHECK (upn IS NULL OR length(upn) BETWEEN 1 AND 256),
  purpose         TEXT NOT NULL CHECK (purpose IN ('verify', 'recovery')),
  status          TEXT NOT NULL CHECK (status IN ('open', 'verified', 'failed', 'revoked')),
  token_sha256    TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
  code_sha256     TEXT NOT NULL CHECK (length(code_sha256) = 64),
  code_attempts   BIGINT NOT NULL DEFAULT 0 CHECK (code_attempts >= 0),
  created_by_json TEXT CHECK (created_by_json IS NULL OR length(created_by_json) <= 2048),
  created_at      BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL CHECK (expires_at > created_at),
  completed_at    BIGINT,
  session_id      TEXT REFERENCES verification_sessions (session_id),
  decision        TEXT CHECK (decision IS NULL OR decision IN ('verified', 'denied', 'unavailable')),
  audit_seq       BIGINT,
  result_jws      TEXT CHECK (result_jws IS NULL OR length(result_jws) <= 65536),
  rowid           BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  CHECK ((status IN ('verified', 'failed')) = (decision IS NOT NULL AND audit_seq IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE INDEX verification_requests_account ON verification_requests (tid, oid, status);
CREATE INDEX verification_requests_upn ON verification_requests (lower(upn), status);
CREATE INDEX verification_requests_session ON verification_requests (session_id);
CREATE INDEX verification_requests_created ON verification_requests (created_at);

CREATE TABLE api_tokens (
  token_id     TEXT PRIMARY KEY CHECK (length(token_id) BETWEEN 8 AND 64),
  name         TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
  scopes       TEXT NOT NULL CHECK (length(scopes) BETWEEN 1 AND 256),
  created_at   BIGINT NOT NULL,
  revoked_at   BIGINT,
  last_used_at BIGINT,
  rowid        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);

CREATE TABLE webhook_deliveries (
  request_id   TEXT NOT NULL REFERENCES verification_requests (request_id),
  url          TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts     BIGINT NOT NULL CHECK (attempts >= 0),
  last_status  BIGINT,
  last_error   TEXT CHECK (last_error IS NULL OR length(last_error) <= 512),
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (request_id, url)
);
`;
