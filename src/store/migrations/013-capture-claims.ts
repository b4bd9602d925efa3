// Migration 13: the captures being judged right now, one row per claimed key (a session, an account), so
// that appliances sharing one store judge one capture per session and per account at a time, as one
// process did with its in-memory sets. A claim is one INSERT ... ON CONFLICT that only takes over an
// expired row (src/store/sqlite-capture-claims.ts); `holder` is unique per claim, so a late release never
// drops someone else's. Keys are SHA-256 digests: no account id is kept here.
// Never edit a migration once released: add the next number instead.
export const captureClaims = `
CREATE TABLE capture_claims (
  claim_key   TEXT PRIMARY KEY CHECK (length(claim_key) = 64),
  holder      TEXT NOT NULL CHECK (length(holder) = 32),
  node        TEXT NOT NULL CHECK (length(node) BETWEEN 1 AND 200),
  claimed_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;
`;
