// PostgreSQL migration 13 (SQLite: ../013-capture-claims.ts). Never edit a released migration.
export const captureClaims = `
CREATE TABLE capture_claims (
  claim_key   TEXT PRIMARY KEY CHECK (length(claim_key) = 64),
  holder      TEXT NOT NULL CHECK (length(holder) = 32),
  node        TEXT NOT NULL CHECK (length(node) BETWEEN 1 AND 200),
  claimed_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);
`;
