-- Staff handling (issue 3): departments, users and sessions; what staff record on a case; files
-- attached to cases; and the hash-chained audit trail. Instants are INTEGER milliseconds (UTC).

CREATE TABLE departments (
  code        TEXT PRIMARY KEY,
  name_ar     TEXT NOT NULL,
  name_en     TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE users (
  user_id        INTEGER PRIMARY KEY,
  email          TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  role           TEXT NOT NULL
    CHECK (role IN ('agent', 'handler', 'supervisor', 'qa_reviewer', 'manager', 'admin', 'auditor')),
  department     TEXT REFERENCES departments (code),
  password_hash  TEXT NOT NULL,  -- Argon2id string; never a password
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  failed_logins  INTEGER NOT NULL DEFAULT 0,
  locked_until   INTEGER,
  created_at     INTEGER NOT NULL
) STRICT;

-- A session is found by the keyed hash of its token; the token is never stored.
CREATE TABLE sessions (
  token_hash  BLOB PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (user_id),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) STRICT, WITHOUT ROWID;

-- What staff record while handling a case (domain/handling.hpp). Vocabulary columns hold wire names.
ALTER TABLE cases ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'
  CHECK (priority IN ('low', 'normal', 'high', 'urgent'));
ALTER TABLE cases ADD COLUMN severity TEXT;
ALTER TABLE cases ADD COLUMN complexity TEXT;
ALTER TABLE cases ADD COLUMN impact TEXT;
ALTER TABLE cases ADD COLUMN immediate_action_needed INTEGER NOT NULL DEFAULT 0
  CHECK (immediate_action_needed IN (0, 1));
ALTER TABLE cases ADD COLUMN immediate_action_taken TEXT;
ALTER TABLE cases ADD COLUMN department TEXT;
ALTER TABLE cases ADD COLUMN assignee_id INTEGER;
ALTER TABLE cases ADD COLUMN assessed_by INTEGER;
ALTER TABLE cases ADD COLUMN concerns_department TEXT;
ALTER TABLE cases ADD COLUMN root_cause TEXT;
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN decision TEXT;
ALTER TABLE cases ADD COLUMN remedies TEXT;  -- comma-separated wire names; NULL for none
ALTER TABLE cases ADD COLUMN rejection_reason TEXT;
ALTER TABLE cases ADD COLUMN merged_into TEXT;
ALTER TABLE cases ADD COLUMN resolution_due_at INTEGER;
ALTER TABLE cases ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
-- Blind indexes (keyed hash of the normalised value, app::FieldCipher::BlindIndex) find a
-- beneficiary without decrypting; NULL when the value was not given.
ALTER TABLE cases ADD COLUMN beneficiary_national_id_index BLOB;
ALTER TABLE cases ADD COLUMN beneficiary_mobile_index BLOB;
-- The priority queue's order (urgent first), as a number an index can keep sorted.
ALTER TABLE cases ADD COLUMN priority_rank INTEGER GENERATED ALWAYS AS
  (CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END) VIRTUAL;

UPDATE cases SET updated_at = recorded_at;

-- Staff queues. SqliteStore reads a page one status at a time, each in the order of one of these
-- indexes, and merges them (sqlite_store.cpp, PageSql): so every index a queue reads leads with
-- the status (after the department or assignee it is pinned to) and then the sort's keys:
-- received_at (cases_by_status, 0001), priority_rank then received_at, or updated_at. department
-- and assignee_id are NULL until a case is assessed, so those indexes are partial: intake pays
-- only for the three led by the status.
CREATE INDEX cases_by_status_priority ON cases (status, priority_rank, received_at);
CREATE INDEX cases_by_status_updated ON cases (status, updated_at);
CREATE INDEX cases_by_department ON cases (department, status, received_at)
  WHERE department IS NOT NULL;
CREATE INDEX cases_by_department_priority
  ON cases (department, status, priority_rank, received_at) WHERE department IS NOT NULL;
CREATE INDEX cases_by_department_updated ON cases (department, status, updated_at)
  WHERE department IS NOT NULL;
CREATE INDEX cases_by_assignee ON cases (assignee_id, status, received_at)
  WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_by_assignee_priority ON cases (assignee_id, status, priority_rank, received_at)
  WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_by_assignee_updated ON cases (assignee_id, status, updated_at)
  WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_by_national_id ON cases (beneficiary_national_id_index)
  WHERE beneficiary_national_id_index IS NOT NULL;
CREATE INDEX cases_by_mobile ON cases (beneficiary_mobile_index)
  WHERE beneficiary_mobile_index IS NOT NULL;

ALTER TABLE case_events ADD COLUMN actor_role TEXT;
ALTER TABLE case_events ADD COLUMN data TEXT;

-- Files attached to a case; the bytes are in the file store under their SHA-256.
CREATE TABLE attachments (
  attachment_id     INTEGER PRIMARY KEY,
  case_id           INTEGER NOT NULL REFERENCES cases (case_id),
  sha256            TEXT NOT NULL,
  size              INTEGER NOT NULL,
  media_type        TEXT NOT NULL,
  filename          TEXT NOT NULL,
  uploaded_at       INTEGER NOT NULL,
  uploaded_by_kind  TEXT NOT NULL CHECK (uploaded_by_kind IN ('beneficiary', 'staff', 'system')),
  uploaded_by_id    TEXT,
  visibility        TEXT NOT NULL CHECK (visibility IN ('public', 'internal'))
) STRICT;
CREATE INDEX attachments_by_case ON attachments (case_id, attachment_id);

-- The audit trail. Append-only: each row's hash is SHA-256 over the previous row's hash and its
-- own canonical content (domain/audit.hpp), so `shakwa audit verify` finds any edit, deletion or
-- reordering. The triggers stop accidental changes through SQL; the chain catches deliberate ones.
CREATE TABLE audit_log (
  sequence       INTEGER PRIMARY KEY,
  occurred_at    INTEGER NOT NULL,
  actor_kind     TEXT NOT NULL,
  actor_id       TEXT,
  action         TEXT NOT NULL,
  subject        TEXT NOT NULL,
  detail         TEXT NOT NULL,
  previous_hash  BLOB NOT NULL,
  hash           BLOB NOT NULL
) STRICT;
CREATE INDEX audit_by_subject ON audit_log (subject, sequence);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
