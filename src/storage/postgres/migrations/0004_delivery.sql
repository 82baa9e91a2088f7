-- Delivery of the outbox (issue 5), as src/storage/sqlite/migrations/0004_delivery.sql: every
-- queued notice is tried until it is delivered or parked.
--
-- SQLite rebuilds the table to widen a CHECK; PostgreSQL alters it in place, so the columns
-- come in another order (nothing reads them by position) but are the same, with the same checks
-- and indexes. Rows already queued keep their ids and keys, and become due at once.
ALTER TABLE outbox DROP CONSTRAINT outbox_recipient_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_recipient_kind_check
  CHECK (recipient_kind IN ('beneficiary', 'staff', 'webhook'));
ALTER TABLE outbox
  ADD COLUMN endpoint TEXT,        -- a webhook row: the name of the configured endpoint
  -- The access code an acknowledgement carries, sealed like personal data and erased as soon
  -- as the row is settled: the database never keeps a usable code.
  ADD COLUMN secret_sealed BYTEA,
  -- When the row may next be tried. A claim moves it forward before sending (the lease), so a
  -- dispatcher that dies mid-send leaves the row to be tried again, never lost.
  ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN failed_at BIGINT,     -- parked: no more attempts
  ADD COLUMN channel TEXT,         -- how the last attempt went: email, sms, webhook
  ADD COLUMN last_outcome TEXT;
UPDATE outbox SET next_attempt_at = created_at;
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (next_attempt_at, notification_id)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_case ON outbox (case_id, notification_id);

-- An admin's wording of a message, replacing the built-in one for that name, language and part.
CREATE TABLE message_templates (
  name TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('ar', 'en')),
  part TEXT NOT NULL CHECK (part IN ('subject', 'text', 'sms')),
  body TEXT NOT NULL,
  updated_by BIGINT REFERENCES users (user_id),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (name, language, part)
);
