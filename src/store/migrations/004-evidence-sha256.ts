// Migration 4: an index on the evidence digest. The duplicate-capture check (evidenceSeenForAccount) looks a
// selfie's SHA-256 up among the account's earlier sessions; without this index SQLite walked every session
// of the account and its evidence, so each capture cost more as the account aged (a soak fell from ~140 to
// ~17 verifications/s on one account). Never edit a migration once released.
export const evidenceSha256Index = `
CREATE INDEX evidence_sha256 ON evidence (sha256);
`;
