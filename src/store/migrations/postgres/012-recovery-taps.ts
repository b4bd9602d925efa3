// PostgreSQL migration 12 (SQLite: ../012-recovery-taps.ts). Never edit a released migration.
export const recoveryTaps = `
CREATE TABLE recovery_tap_issues (
  request_id  TEXT PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  issued_at   BIGINT NOT NULL
);
`;
