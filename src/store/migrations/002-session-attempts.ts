// Migration 2: a session's capture attempts are kept with the session, so the retry limit survives a
// restart; and an index over the open sessions by expiry, for the sweep that closes abandoned ones.
// Never edit a migration once released: add the next number instead.
export const sessionAttempts = `
ALTER TABLE verification_sessions ADD COLUMN capture_attempts INTEGER NOT NULL DEFAULT 0 CHECK (capture_attempts >= 0);
CREATE INDEX verification_sessions_open_expiry ON verification_sessions (expires_at) WHERE status = 'open';
`;
