// Migration 7 (listed as the next free version): the phone hand-off (src/verification/flow/handoff-service.ts).
// One row per QR code a session asked for. The link's token and the phone's cookie secret are stored
// only as SHA-256; the six-digit code is shown on both screens and so is no secret. `state` moves
// issued → opened (a phone opened the link: the token is burned and the phone bound) → confirmed (the
// person said the codes match) → decided (the phone's capture or cancel decided the session; the
// post-back waits in post_back_json for the computer, which takes it once), or → ended (a newer QR
// replaced it, or the session ended without it). Every field is bounded by a CHECK. Never edit a
// migration once released: add the next number instead.
export const handoff = `
CREATE TABLE handoffs (
  handoff_id     TEXT PRIMARY KEY CHECK (length(handoff_id) BETWEEN 16 AND 64),
  session_id     TEXT NOT NULL REFERENCES verification_sessions (session_id),
  token_sha256   TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
  code           TEXT NOT NULL CHECK (length(code) = 6 AND code NOT GLOB '*[^0-9]*'),
  state          TEXT NOT NULL CHECK (state IN ('issued', 'opened', 'confirmed', 'decided', 'ended')),
  phone_sha256   TEXT CHECK (phone_sha256 IS NULL OR length(phone_sha256) = 64),
  phone_csrf     TEXT CHECK (phone_csrf IS NULL OR length(phone_csrf) BETWEEN 16 AND 64),
  phone_ip       TEXT CHECK (phone_ip IS NULL OR length(phone_ip) <= 64),
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL CHECK (expires_at > created_at),
  opened_at      INTEGER,
  confirmed_at   INTEGER,
  ended_at       INTEGER,
  post_back_json TEXT CHECK (post_back_json IS NULL OR length(post_back_json) <= 65536),
  -- A phone is bound exactly from 'opened' on ('ended' may or may not have had one).
  CHECK (state != 'issued' OR phone_sha256 IS NULL),
  CHECK (state NOT IN ('opened', 'confirmed', 'decided') OR (phone_sha256 IS NOT NULL AND phone_csrf IS NOT NULL))
) STRICT;
CREATE INDEX handoffs_session ON handoffs (session_id, created_at);
`;
