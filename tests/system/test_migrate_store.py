"""`shakwa migrate-store` against the real binary (issue 7): an embedded installation with real
cases (Arabic text, an attachment, a staff action) is moved into a fresh PostgreSQL schema, with
progress and a verification table; a server on PostgreSQL with the same data directory (the same
keys, the same files) then reads the cases back with their personal data opened, the audit trail
verifies, and a new complaint gets the next reference. A second run into the now non-empty target
refuses and changes nothing.

Needs SHAKWA_TEST_POSTGRES_URL (tools/test.sh starts a throw-away cluster and sets it) and psql.
"""

import os
import re
import subprocess
import unittest
import uuid

import shakwa_process as sp

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEPT = "payments_ops"
ADMIN = ("admin.migrate@centre.example", "Migrate Admin", "admin")
AGENT = ("agent.migrate@centre.example", "Migrate Agent", "agent")
AUDITOR = ("auditor.migrate@centre.example", "Migrate Auditor", "auditor")

ARABIC_CASE = {
    "kind": "complaint", "channel": "portal", "category": "payments",
    "subject": "تأخر صرف المستخلص الثالث", "description": "رُفع المستخلص قبل ستين يومًا ولم يُصرف.",
    "remedy_sought": "صرف المستخلص", "language": "ar", "consent_notice_shown": True,
    "beneficiary": {"kind": "individual", "name": "ريم العتيبي", "email": "reem@example.sa",
                    "mobile": "0551234567", "national_id": "1012345678"},
}

TABLE_LINE_RE = re.compile(r"^(\w+)\s+(\d+)\s+([0-9a-f]{16})$")
PROGRESS_RE = re.compile(r"^(\w+): (\d+)/(\d+)( copied)?$")


class MigrateStoreTest(unittest.TestCase):
    def setUp(self):
        self.base_url = sp.postgres_base_url()
        self.psql_path = sp.psql_binary()
        self.root = sp.scratch_dir("migrate_store-" + self._testMethodName)
        self.data = os.path.join(self.root, "data")
        self.schema = "migrate_store_%d_%s" % (os.getpid(), uuid.uuid4().hex[:8])
        self.psql("CREATE SCHEMA %s" % self.schema)
        self.addCleanup(self.psql, "DROP SCHEMA IF EXISTS %s CASCADE" % self.schema)
        self.url = sp.with_search_path(self.base_url, self.schema)
        self.pg_env = {"SHAKWA_STORAGE_KIND": "postgres", "SHAKWA_STORAGE_URL": self.url}
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()

    # -- helpers ------------------------------------------------------------------------------

    def psql(self, sql, url=None):
        """Runs sql; the output of a query, unaligned and without headers."""
        proc = subprocess.run([self.psql_path, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                               "-d", url or self.base_url, "-c", sql],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, "psql %r: %s" % (sql, proc.stderr))
        return proc.stdout.strip()

    def ok(self, proc, what):
        self.assertEqual(proc.returncode, 0, "%s: %s%s" % (what, proc.stdout, proc.stderr))
        return proc

    def server(self, env=None):
        server = sp.ShakwaServer(self.data, env=env, log_dir=self.root)
        self.servers.append(server)
        return server.start()

    def migrate_store(self, *extra):
        return sp.run_cli(["migrate-store", "--from", "sqlite:" + os.path.join(self.data, "shakwa.db"),
                           "--to", "postgres:"] + list(extra),
                          env={"SHAKWA_STORAGE_URL": self.url}, timeout=300)

    def target_counts(self):
        tables = ["cases", "case_events", "audit_log", "attachments", "users", "outbox",
                  "categories", "departments"]
        return {t: int(self.psql("SELECT count(*) FROM %s.%s" % (self.schema, t)))
                for t in tables}

    def not_leaked(self, text):
        secret = sp.password_of(self.base_url)
        if secret:
            self.assertNotIn(secret, text)

    # -- the story ----------------------------------------------------------------------------

    def test_move_to_postgres_then_serve_from_it(self):
        # An embedded installation with staff, a department, and cases in several states.
        self.ok(sp.run_cli(["migrate", "--data", self.data]), "migrate")
        self.ok(sp.add_department_cli(self.data, DEPT, "المدفوعات", "Payments"), "department add")
        for email, name, role in (ADMIN, AGENT, AUDITOR):
            self.ok(sp.add_user_cli(self.data, email, name, role), "user add " + role)

        server = self.server()
        content_type, body = sp.multipart({"case": sp.json.dumps(ARABIC_CASE, ensure_ascii=False)},
                                       [("files", "فاتورة.pdf", PDF)])
        r = server.request("POST", "/api/v1/cases", body, {"Content-Type": content_type})
        self.assertEqual(r.status, 201, r)
        arabic = r.json()
        [attachment] = arabic["attachments"]
        others = []
        for _ in range(3):
            r = server.submit()
            self.assertEqual(r.status, 201, r)
            others.append(r.json())
        # Staff act on one: the agent reads it in full and assesses it into the department.
        agent = sp.session_token(server.port, AGENT[0])
        r = sp.api(server.port, "GET", "/api/v1/cases/" + arabic["reference"], token=agent)
        self.assertEqual(r.status, 200, r)
        before = r.json()
        r = sp.api(server.port, "POST", "/api/v1/cases/%s/assess" % arabic["reference"],
                   {"version": before["version"], "department": DEPT, "priority": "high",
                    "severity": "high", "complexity": "moderate", "impact": "individual",
                    "immediate_action_needed": False},
                   token=agent)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(server.stop(), 0)

        # The move.
        moved = self.migrate_store()
        self.ok(moved, "migrate-store")
        self.not_leaked(moved.stdout + moved.stderr)
        self.assertIn("***", moved.stderr)  # the URL is shown masked
        progress = {}
        for line in moved.stderr.splitlines():
            m = PROGRESS_RE.match(line)
            if m:
                progress.setdefault(m.group(1), []).append(
                    (int(m.group(2)), int(m.group(3)), bool(m.group(4))))
        self.assertEqual(progress["cases"][-1], (4, 4, True), moved.stderr)
        self.assertEqual(progress["attachments"][-1], (1, 1, True), moved.stderr)
        self.assertRegex(moved.stderr, r"copied \d+ rows in [\d.]+ s \(\d+ rows/s\)")
        table = {}
        for line in moved.stdout.splitlines():
            m = TABLE_LINE_RE.match(line)
            if m:
                table[m.group(1)] = (int(m.group(2)), m.group(3))
        self.assertEqual(list(table), [
            "categories", "reference_sequences", "departments", "users", "sessions", "cases",
            "case_transactions", "case_events", "attachments", "audit_log",
            "holiday_adjustments", "outbox", "message_templates"], moved.stdout)
        self.assertEqual(table["cases"][0], 4)
        self.assertEqual(table["users"][0], 3)
        self.assertEqual(table["attachments"][0], 1)
        self.assertGreater(table["audit_log"][0], 4)
        self.assertIn("verified:", moved.stdout)
        self.assertIn("committed", moved.stdout)

        # A server on PostgreSQL, with the same data directory: the same key and the same files.
        server = self.server(env=self.pg_env)
        self.assertFalse([line for line in server.log_lines() if line.get("level") == "error"])
        r = server.view(arabic["reference"], arabic["access_code"])
        self.assertEqual(r.status, 200, r)
        mine = r.json()
        self.assertEqual(mine["subject"], ARABIC_CASE["subject"])
        self.assertEqual(mine["status"], "assessed")
        r = server.request("GET", attachment["href"],
                           headers={"X-Access-Code": arabic["access_code"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, PDF)
        for case in others:
            r = server.view(case["reference"], case["access_code"])
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["status"], "received")
        # Personal data, sealed on SQLite, opens on PostgreSQL; the old session token still works
        # (sessions were copied), and the staff timeline is whole.
        r = sp.api(server.port, "GET", "/api/v1/cases/" + arabic["reference"], token=agent)
        self.assertEqual(r.status, 200, r)
        staff = r.json()
        self.assertEqual(staff["beneficiary"]["name"], ARABIC_CASE["beneficiary"]["name"])
        self.assertEqual(staff["beneficiary"]["email"], ARABIC_CASE["beneficiary"]["email"])
        self.assertEqual(staff["beneficiary"]["national_id"],
                         ARABIC_CASE["beneficiary"]["national_id"])
        self.assertEqual([e["type"] for e in staff["timeline"]],
                         [e["type"] for e in before["timeline"]] + ["assessed"])
        # A new complaint continues the year's sequence, and new rows continue the ids.
        r = server.submit()
        self.assertEqual(r.status, 201, r)
        latest = max(sp.parse_reference(c["reference"])[2] for c in [arabic] + others)
        self.assertEqual(sp.parse_reference(r.json()["reference"])[2], latest + 1)
        self.assertEqual(server.stop(), 0)

        # The audit trail, copied row by row, still chains (checked on PostgreSQL).
        verified = sp.run_cli(["audit", "verify", "--data", self.data], env=self.pg_env)
        self.ok(verified, "audit verify on PostgreSQL")

        # Again into the now non-empty target: refused, nothing written.
        before_counts = self.target_counts()
        again = self.migrate_store()
        self.assertEqual(again.returncode, 1, again.stdout + again.stderr)
        self.assertIn("not empty", again.stderr)
        self.assertNotIn("verified:", again.stdout)
        self.not_leaked(again.stdout + again.stderr)
        self.assertEqual(self.target_counts(), before_counts)
        self.assertEqual(before_counts["cases"], 5)

    def test_refuses_a_source_at_another_schema_version_and_a_missing_file(self):
        self.ok(sp.run_cli(["migrate", "--data", self.data]), "migrate")
        import sqlite3  # the file as an operator's older installation would have it
        db = sqlite3.connect(os.path.join(self.data, "shakwa.db"))
        with db:
            db.execute("DELETE FROM schema_migrations WHERE version = "
                       "(SELECT max(version) FROM schema_migrations)")
        db.close()
        refused = self.migrate_store()
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn("shakwa migrate", refused.stderr)
        # Refused before the target was touched: not even migrated.
        self.assertEqual(self.psql("SELECT count(*) FROM information_schema.tables "
                                   "WHERE table_schema = '%s'" % self.schema), "0")

        missing = sp.run_cli(["migrate-store", "--from", "sqlite:" + self.path_missing(),
                              "--to", "postgres:"], env={"SHAKWA_STORAGE_URL": self.url})
        self.assertEqual(missing.returncode, 1, missing.stderr)
        self.assertIn("no SQLite database", missing.stderr)
        self.assertFalse(os.path.exists(self.path_missing()))  # not created by opening it

        unset = sp.run_cli(["migrate-store", "--from", "sqlite:x.db", "--to", "postgres:"])
        self.assertEqual(unset.returncode, 2, unset.stderr)
        self.assertIn("SHAKWA_STORAGE_URL", unset.stderr)

    def path_missing(self):
        return os.path.join(self.root, "nowhere", "shakwa.db")


if __name__ == "__main__":
    sp.main()
