// Migration 6: trusted kiosk stations (docs/kiosk.md). One row per station the appliance knows: its random
// id (what the station names in every signed envelope), the operator's name for it, its public key as
// SPKI DER and the signature algorithm that key implies, and when it was added and revoked. A revoked
// station stays (revoked_at set) so the audit records that name it keep resolving; it never signs again.
// Never edit a migration once released: add the next number instead.
export const stations = `
CREATE TABLE stations (
  station_id  TEXT PRIMARY KEY CHECK (length(station_id) = 32),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  public_key  BLOB NOT NULL,
  algorithm   TEXT NOT NULL CHECK (algorithm IN ('ES256', 'RS256')),
  key_sha256  TEXT NOT NULL UNIQUE CHECK (length(key_sha256) = 64),
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER CHECK (revoked_at IS NULL OR revoked_at >= created_at)
) STRICT;
`;
