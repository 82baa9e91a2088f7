-- Delivery of the outbox (issue 5): every queued notice is tried until it is delivered or parked.
--
-- The table is rebuilt because SQLite cannot widen a CHECK: webhook rows join beneficiary and
-- staff rows. Rows already queued keep their ids and keys, and become due at once.
CREATE TABLE outbox_v4 (
  notification_id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (case_id),
  created_at INTEGER NOT NULL,
  template TEXT NOT NULL,
  recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('beneficiary', 'staff', 'webhook')),
  recipient_user_id INTEGER,
  endpoint TEXT,             -- a webhook row: the name of the configured endpoint
  data TEXT,
  -- The access code an acknowledgement carries, sealed like personal data and erased as soon
  -- as the row is settled: the database never keeps a usable code.
  secret_sealed BLOB,
  dedupe_key TEXT NOT NULL UNIQUE,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- When the row may next be tried. A claim moves it forward before sending (the lease), so a
  -- dispatcher that dies mid-send leaves the row to be tried again, never lost.
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER,
  failed_at INTEGER,         -- parked: no more attempts
  channel TEXT,              -- how the last attempt went: email, sms, webhook
  last_outcome TEXT
);
INSERT INTO outbox_v4 (notification_id, case_id, created_at, template, recipient_kind,
                       recipient_user_id, data, dedupe_key, attempts, next_attempt_at,
                       delivered_at)
  SELECT notification_id, case_id, created_at, template, recipient_kind, recipient_user_id, data,
         dedupe_key, attempts, created_at, delivered_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at, notification_id)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_case ON outbox (case_id, notification_id);

-- An admin's wording of a message, replacing the built-in one for that name, language and part.
CREATE TABLE message_templates (
  name TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('ar', 'en')),
  part TEXT NOT NULL CHECK (part IN ('subject', 'text', 'sms')),
  body TEXT NOT NULL,
  updated_by INTEGER REFERENCES users (user_id),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (name, language, part)
);
