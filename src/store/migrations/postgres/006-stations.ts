// PostgreSQL migration 6 (SQLite: ../006-stations.ts). Never edit a released migration.
export const stations = `
CREATE TABLE stations (
  station_id  TEXT PRIMARY KEY CHECK (length(station_id) = 32),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  public_key  BYTEA NOT NULL,
  algorithm   TEXT NOT NULL CHECK (algorithm IN ('ES256', 'RS256')),
  key_sha256  TEXT NOT NULL UNIQUE CHECK (length(key_sha256) = 64),
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);
`;
