// PostgreSQL migration 2 (SQLite: ../002-session-attempts.ts). Never edit a released migration.
export const sessionAttempts = `
ALTER TABLE verification_sessions ADD COLUMN capture_attempts BIGINT NOT NULL DEFAULT 0 CHECK (capture_attempts >= 0);
CREATE INDEX verification_sessions_open_expiry ON verification_sessions (expires_at) WHERE status = 'open';
`;
