// Migration 9: duplicate-person detection at enrolment (docs/helpdesk.md, "Duplicate-person detection").
// enrolment_holds: an enrolment whose face matched another account's profile, kept (not a profile) until
// an administrator releases it (the profile is stored then) or rejects it. The template stays only while
// the hold is open: settling it, or erasing the account, clears it (and the names).
// profile_changes: a journal the triggers below write on every profile insert, template change and
// delete, whoever writes (the server, a CLI command, a restore). The in-memory template index of a running
// server catches up from it before each search (src/store/template-index-sync.ts). It holds profile ids
// only, no biometric data. Never edit a migration once released: add the next number instead.
export const enrolmentHolds = `
CREATE TABLE enrolment_holds (
  hold_id            TEXT PRIMARY KEY CHECK (length(hold_id) BETWEEN 16 AND 64),
  tid                TEXT NOT NULL CHECK (length(tid) BETWEEN 1 AND 200),
  oid                TEXT NOT NULL CHECK (length(oid) BETWEEN 1 AND 200),
  session_id         TEXT CHECK (session_id IS NULL OR length(session_id) <= 200),
  subject_json       TEXT CHECK (subject_json IS NULL OR length(subject_json) <= 8192),
  template           BLOB CHECK (template IS NULL OR length(template) BETWEEN 4 AND 16384),
  model_id           TEXT NOT NULL CHECK (length(model_id) BETWEEN 1 AND 500),
  enrolment_json     TEXT CHECK (enrolment_json IS NULL OR length(enrolment_json) <= 65536),
  matched_profile_id TEXT NOT NULL CHECK (length(matched_profile_id) BETWEEN 1 AND 200),
  matched_tid        TEXT NOT NULL CHECK (length(matched_tid) BETWEEN 1 AND 200),
  matched_oid        TEXT NOT NULL CHECK (length(matched_oid) BETWEEN 1 AND 200),
  distance           REAL NOT NULL CHECK (distance >= 0),
  threshold          REAL NOT NULL CHECK (threshold > 0),
  state              TEXT NOT NULL CHECK (state IN ('held', 'released', 'rejected', 'erased')),
  created_at         INTEGER NOT NULL,
  settled_at         INTEGER,
  profile_id         TEXT CHECK (profile_id IS NULL OR length(profile_id) <= 200),
  -- Biometric data and names exist exactly while the hold is open.
  CHECK ((state = 'held') = (template IS NOT NULL)),
  CHECK (state = 'held' OR (subject_json IS NULL AND enrolment_json IS NULL AND settled_at IS NOT NULL)),
  CHECK ((state = 'released') = (profile_id IS NOT NULL))
) STRICT;
CREATE INDEX enrolment_holds_state ON enrolment_holds (state, created_at);
CREATE INDEX enrolment_holds_account ON enrolment_holds (tid, oid);

CREATE TABLE profile_changes (
  seq        INTEGER PRIMARY KEY,
  profile_id TEXT NOT NULL
) STRICT;
CREATE TRIGGER profile_changes_insert AFTER INSERT ON profiles
  BEGIN INSERT INTO profile_changes (profile_id) VALUES (NEW.profile_id); END;
CREATE TRIGGER profile_changes_update AFTER UPDATE OF template, model_id ON profiles
  BEGIN INSERT INTO profile_changes (profile_id) VALUES (NEW.profile_id); END;
CREATE TRIGGER profile_changes_delete AFTER DELETE ON profiles
  BEGIN INSERT INTO profile_changes (profile_id) VALUES (OLD.profile_id); END;
`;
