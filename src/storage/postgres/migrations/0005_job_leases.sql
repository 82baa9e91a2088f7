-- Leases on the background jobs, as src/storage/sqlite/migrations/0005_job_leases.sql: one row
-- per job, held by one server until it expires, so that several servers on one database run each
-- sweep once. Instants are BIGINT milliseconds (UTC).
CREATE TABLE job_leases (
  job          TEXT PRIMARY KEY,
  holder       TEXT NOT NULL,
  acquired_at  BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL
);
