-- The first schema: cases as received, their timeline, the categories they are filed under, and
-- the per-year reference sequences. Instants are INTEGER milliseconds since the Unix epoch (UTC).
-- Personal data is stored sealed (XChaCha20-Poly1305, *_sealed columns), never in clear.

CREATE TABLE categories (
  code      TEXT PRIMARY KEY,
  name_ar   TEXT NOT NULL,
  name_en   TEXT NOT NULL,
  active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  position  INTEGER NOT NULL
) STRICT;

INSERT INTO categories (code, name_ar, name_en, position) VALUES
  ('registration',        'التسجيل والاشتراك',              'registration and subscription',   1),
  ('login_identity',      'الدخول والهوية',                 'sign-in and identity',            2),
  ('tenders',             'المنافسات والمشتريات',            'tenders and procurement',         3),
  ('award_grievance',     'التظلم على الترسية',              'grievance against an award',      4),
  ('contracts',           'العقود',                         'contracts',                       5),
  ('payments',            'المدفوعات وأوامر الدفع',          'payments and payment orders',     6),
  ('guarantees',          'الضمانات',                       'guarantees',                      7),
  ('individual_services', 'الرواتب والخدمات الفردية',        'salaries and individual services', 8),
  ('technical',           'المشكلات التقنية',                'technical problems',              9),
  ('staff_conduct',       'خدمة المستفيدين وسلوك الموظفين',  'service and staff conduct',       10),
  ('complaint_process',   'إجراءات معالجة الشكاوى',          'the complaints process itself',   11),
  ('other',               'أخرى',                           'other',                           12);

-- One row per year; last_value only grows, so a reference number is never issued twice.
CREATE TABLE reference_sequences (
  year        INTEGER PRIMARY KEY,
  last_value  INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
  case_id                          INTEGER PRIMARY KEY,
  reference                        TEXT NOT NULL UNIQUE,
  reference_year                   INTEGER NOT NULL,
  reference_sequence               INTEGER NOT NULL,
  kind                             TEXT NOT NULL
    CHECK (kind IN ('complaint', 'suggestion', 'remark', 'compliment')),
  status                           TEXT NOT NULL
    CHECK (status IN ('received', 'assessed', 'in_progress', 'awaiting_beneficiary', 'resolved',
                      'closed', 'rejected', 'withdrawn', 'merged')),
  channel                          TEXT NOT NULL
    CHECK (channel IN ('portal', 'email', 'phone', 'walk_in', 'social', 'api', 'sms')),
  received_at                      INTEGER NOT NULL,
  recorded_at                      INTEGER NOT NULL,
  recorded_by_kind                 TEXT NOT NULL CHECK (recorded_by_kind IN ('beneficiary', 'staff', 'system')),
  recorded_by_id                   TEXT,
  beneficiary_kind                 TEXT NOT NULL
    CHECK (beneficiary_kind IN ('government', 'private', 'financial', 'individual')),
  beneficiary_name_sealed          BLOB NOT NULL,
  beneficiary_email_sealed         BLOB,
  beneficiary_mobile_sealed        BLOB,
  beneficiary_national_id_sealed   BLOB,
  beneficiary_organization         TEXT,
  representative_name_sealed       BLOB,
  representative_capacity          TEXT,
  representative_email_sealed      BLOB,
  representative_mobile_sealed     BLOB,
  category                         TEXT NOT NULL REFERENCES categories (code),
  subcategory                      TEXT,
  about                            TEXT,
  subject                          TEXT NOT NULL,
  description                      TEXT NOT NULL,
  remedy_sought                    TEXT,
  language                         TEXT NOT NULL CHECK (language IN ('ar', 'en')),
  preferred_channel                TEXT,
  consent_notice_shown             INTEGER NOT NULL CHECK (consent_notice_shown IN (0, 1)),
  vulnerable                       INTEGER NOT NULL CHECK (vulnerable IN (0, 1)),
  escalation_level                 INTEGER NOT NULL DEFAULT 0,
  access_code_hash                 BLOB NOT NULL,
  version                          INTEGER NOT NULL DEFAULT 1,
  UNIQUE (reference_year, reference_sequence)
) STRICT;

CREATE INDEX cases_by_status ON cases (status, received_at);

-- Tender, contract, payment-order and invoice numbers the case concerns.
CREATE TABLE case_transactions (
  case_id  INTEGER NOT NULL REFERENCES cases (case_id),
  position INTEGER NOT NULL,
  type     TEXT NOT NULL CHECK (type IN ('tender', 'contract', 'payment_order', 'invoice')),
  number   TEXT NOT NULL,
  PRIMARY KEY (case_id, position)
) STRICT;
CREATE INDEX case_transactions_by_number ON case_transactions (number);

-- The timeline: every change to a case, public (the beneficiary sees it) or internal.
CREATE TABLE case_events (
  event_id     INTEGER PRIMARY KEY,
  case_id      INTEGER NOT NULL REFERENCES cases (case_id),
  occurred_at  INTEGER NOT NULL,
  type         TEXT NOT NULL,
  visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
  actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('beneficiary', 'staff', 'system')),
  actor_id     TEXT,
  from_status  TEXT,
  to_status    TEXT
) STRICT;
CREATE INDEX case_events_by_case ON case_events (case_id, event_id);
