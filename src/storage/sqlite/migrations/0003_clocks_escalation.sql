-- Issue 4: SLA clocks, the escalation ladder, holiday adjustments and the notification outbox.

-- The case's clock (domain/sla.hpp). Instants are milliseconds since the epoch, UTC; a due
-- column is NULL when nothing is due (paused, decided, or no ladder step left).
ALTER TABLE cases ADD COLUMN first_response_due_at INTEGER;
ALTER TABLE cases ADD COLUMN first_responded_at INTEGER;
ALTER TABLE cases ADD COLUMN next_update_due_at INTEGER;
ALTER TABLE cases ADD COLUMN sla_paused_since INTEGER;
ALTER TABLE cases ADD COLUMN sla_paused_minutes INTEGER NOT NULL DEFAULT 0
  CHECK (sla_paused_minutes >= 0);
ALTER TABLE cases ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0 CHECK (escalation_step >= 0);
ALTER TABLE cases ADD COLUMN escalation_due_at INTEGER;
ALTER TABLE cases ADD COLUMN escalation_owner_id INTEGER;
ALTER TABLE cases ADD COLUMN external_referral_to TEXT;
ALTER TABLE cases ADD COLUMN external_reference TEXT;

-- The sweep reads only what is due: a partial index holds just the cases with a ladder step
-- ahead, so its cost follows the due cases, not every open one.
CREATE INDEX cases_escalation_due ON cases (escalation_due_at) WHERE escalation_due_at IS NOT NULL;
CREATE INDEX cases_first_response_due ON cases (first_response_due_at)
  WHERE first_responded_at IS NULL;
CREATE INDEX cases_update_due ON cases (next_update_due_at) WHERE next_update_due_at IS NOT NULL;
-- "Due soonest first" queues: cases without a deadline (paused, or never scheduled) sort last.
ALTER TABLE cases ADD COLUMN resolution_due_key INTEGER GENERATED ALWAYS AS
  (coalesce(resolution_due_at, 9223372036854775807)) VIRTUAL;
CREATE INDEX cases_by_status_due ON cases (status, resolution_due_key, received_at);
CREATE INDEX cases_by_department_due ON cases (department, status, resolution_due_key, received_at)
  WHERE department IS NOT NULL;
CREATE INDEX cases_by_assignee_due ON cases (assignee_id, status, resolution_due_key, received_at)
  WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_by_escalation_owner ON cases (escalation_owner_id, status, received_at)
  WHERE escalation_owner_id IS NOT NULL;

-- An admin's word on a Hijri holiday once the moon is sighted (domain::HolidayAdjustment).
CREATE TABLE holiday_adjustments (
  holiday_key TEXT NOT NULL,
  hijri_year INTEGER NOT NULL,
  first_date TEXT NOT NULL,  -- YYYY-MM-DD, Riyadh
  last_date TEXT NOT NULL,
  adjusted_by INTEGER,
  adjusted_at INTEGER NOT NULL,
  PRIMARY KEY (holiday_key, hijri_year)
) WITHOUT ROWID;

-- Notifications waiting to be delivered, written in the transaction of the change they tell of.
-- dedupe_key makes a second attempt to queue the same notice (a retried sweep) a no-op. No
-- contact details here: delivery reads them from the case, sealed.
CREATE TABLE outbox (
  notification_id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (case_id),
  created_at INTEGER NOT NULL,
  template TEXT NOT NULL,
  recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('beneficiary', 'staff')),
  recipient_user_id INTEGER,
  data TEXT,
  dedupe_key TEXT NOT NULL UNIQUE,
  delivered_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (notification_id) WHERE delivered_at IS NULL;
