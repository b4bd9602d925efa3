// Migration 5: per-account lockout (src/verification/policy/account-lockout.ts). account_failures holds one
// row per counted failure (a face that did not match, or liveness judged and failed) of an account, so the
// count over a sliding window holds across sessions and restarts; account_locks the account's current (or
// last) lock. Both are written in the transaction that stores the decision's audit record. Never edit a
// migration once released: add the next number instead.
export const accountLockout = `
CREATE TABLE account_failures (
  tid        TEXT NOT NULL,
  oid        TEXT NOT NULL,
  at         INTEGER NOT NULL,
  session_id TEXT NOT NULL
) STRICT;
CREATE INDEX account_failures_account ON account_failures (tid, oid, at);

CREATE TABLE account_locks (
  tid          TEXT NOT NULL,
  oid          TEXT NOT NULL,
  locked_at    INTEGER NOT NULL,
  locked_until INTEGER NOT NULL CHECK (locked_until > locked_at),
  failures     INTEGER NOT NULL CHECK (failures >= 1),
  PRIMARY KEY (tid, oid)
) STRICT, WITHOUT ROWID;
`;
