// PostgreSQL migration 4 (SQLite: ../004-evidence-sha256.ts). Never edit a released migration.
export const evidenceSha256Index = `
CREATE INDEX evidence_sha256 ON evidence (sha256);
`;
