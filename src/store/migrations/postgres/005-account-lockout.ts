// PostgreSQL migration 5 (SQLite: ../005-account-lockout.ts). Never edit a released migration.
export const accountLockout = `
CREATE TABLE account_failures (
  tid        TEXT NOT NULL,
  oid        TEXT NOT NULL,
  at         BIGINT NOT NULL,
  session_id TEXT NOT NULL,
  spent      BIGINT NOT NULL DEFAULT 0 CHECK (spent IN (0, 1))
);
CREATE INDEX account_failures_account ON account_failures (tid, oid, at);

CREATE TABLE account_locks (
  tid          TEXT NOT NULL,
  oid          TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('short', 'staff')),
  locked_at    BIGINT NOT NULL,
  locked_until BIGINT CHECK (locked_until > locked_at),
  failures     BIGINT NOT NULL CHECK (failures >= 1),
  CHECK ((kind = 'staff') = (locked_until IS NULL)),
  PRIMARY KEY (tid, oid)
);
`;
