// Migration 5: per-account lockout (src/verification/policy/account-lockout.ts). account_failures holds one
// row per counted failure (a face that did not match, or liveness judged and failed) of an account, so the
// counts hold across sessions and restarts: the short sliding window counts the rows not yet `spent` by a
// lock (a lock spends them, so the window starts afresh when it ends), the daily cap counts every row of the
// last 24 h (a short lock does not clear them; only a verified verification or a staff unlock deletes them).
// account_locks holds the account's current (or last) lock: `short` ends at locked_until, `staff` (the daily
// cap) has no end and lasts until a staff unlock. Both tables are written in the transaction that stores
// the decision's audit record. Never edit a migration once released: add the next number instead.
export const accountLockout = `
CREATE TABLE account_failures (
  tid        TEXT NOT NULL,
  oid        TEXT NOT NULL,
  at         INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  spent      INTEGER NOT NULL DEFAULT 0 CHECK (spent IN (0, 1))
) STRICT;
CREATE INDEX account_failures_account ON account_failures (tid, oid, at);

CREATE TABLE account_locks (
  tid          TEXT NOT NULL,
  oid          TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('short', 'staff')),
  locked_at    INTEGER NOT NULL,
  locked_until INTEGER CHECK (locked_until > locked_at),
  failures     INTEGER NOT NULL CHECK (failures >= 1),
  CHECK ((kind = 'staff') = (locked_until IS NULL)),
  PRIMARY KEY (tid, oid)
) STRICT, WITHOUT ROWID;
`;
