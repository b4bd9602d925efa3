// Migration 12: the Temporary Access Passes issued for help-desk recovery requests (docs/helpdesk.md). One
// row per request that got one, written in the same transaction as the audit record: the primary
// key is what makes it one pass per request, whichever node or process asks. The pass itself is never stored.
// Never edit a migration once released: add the next number instead.
export const recoveryTaps = `
CREATE TABLE recovery_tap_issues (
  request_id  TEXT PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  issued_at   INTEGER NOT NULL
) STRICT;
`;
