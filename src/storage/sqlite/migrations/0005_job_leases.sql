-- Issue 7: leases for scheduled jobs. A job that must run on one node at a time (the escalation
-- sweep) runs only while its node holds the job's row here; a lease not renewed by expires_at
-- (a node killed mid-sweep) may be taken by another node. Instants are milliseconds (UTC).
CREATE TABLE job_leases (
  job TEXT PRIMARY KEY,
  holder TEXT NOT NULL,      -- the node: host, process and a random part
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
