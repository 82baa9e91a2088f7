"""The staff commands against the real binary (issue 3): `department add` and `user add` beside a
running server, `audit verify` on an intact trail and on one altered, cut and reordered directly
in the database, `keys rotate`, and the database file holding no personal data in clear."""

import os
import re
import shutil
import sqlite3
import stat
import unittest

import shakwa_process as sp

USER_ADDED_RE = re.compile(r"^user (\d+) \((\S+), (\w+)\) added\n$")
INTACT_RE = re.compile(r"^audit trail intact: (\d+) records\n$")
BROKEN_RE = re.compile(r"^audit trail BROKEN at record (\d+): ")

BENEFICIARY = {
    "kind": "individual",
    "name": "ليلى عبدالله القحطاني",
    "national_id": "2087654321",
    "mobile": "0559876543",
    "email": "layla.private@example.org",
    "representative": {"name": "سالم الوكيل", "capacity": "وكيل شرعي",
                       "email": "rep.secret@example.org", "mobile": "0553217654"},
}


def complaint(beneficiary=None, **extra):
    body = {
        "kind": "complaint",
        "channel": "api",
        "category": "payments",
        "subject": "تأخر صرف المستخلص",
        "description": "رُفع المستخلص قبل ستين يومًا ولم يُصرف.",
        "remedy_sought": "صرف المستخلص",
        "language": "ar",
        "beneficiary": beneficiary or BENEFICIARY,
    }
    body.update(extra)
    return body


def clear_forms(beneficiary):
    """Every form in which the beneficiary's identity number, mobiles and e-mails could appear."""
    forms = {beneficiary["national_id"]}
    for who in (beneficiary, beneficiary.get("representative") or {}):
        if who.get("email"):
            forms.add(who["email"])
            forms.add(who["email"].split("@")[0])
        if who.get("mobile"):
            local = who["mobile"][1:]  # 05XXXXXXXX -> 5XXXXXXXX
            forms.update({who["mobile"], local, "966" + local})
    return sorted(forms)


class StaffCliTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.root = sp.scratch_dir("staff_cli-" + self._testMethodName)
        self.data = os.path.join(self.root, "data")
        self.db = os.path.join(self.data, "shakwa.db")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()

    def start(self):
        server = sp.ShakwaServer(self.data, log_dir=self.root)
        self.servers.append(server)
        return server.start()

    def stop(self, server):
        self.assertEqual(server.stop(), 0, server.describe())

    def ok(self, result, what):
        self.assertEqual(result.returncode, 0, "%s: exit %r\nstdout:\n%s\nstderr:\n%s"
                         % (what, result.returncode, result.stdout, result.stderr))
        return result

    def add_user(self, email, role, department=None, password=sp.STAFF_PASSWORD, name=None):
        result = self.ok(sp.add_user_cli(self.data, email, name or email.split("@")[0], role,
                                         password, department), "user add " + email)
        m = USER_ADDED_RE.match(result.stdout)
        self.assertIsNotNone(m, result.stdout)
        self.assertEqual((m.group(2), m.group(3)), (email, role))
        return int(m.group(1))

    def verify(self):
        return sp.run_cli(["audit", "verify", "--data", self.data])

    def submit(self, port, body):
        r = sp.api(port, "POST", "/api/v1/cases", body)
        self.assertEqual(r.status, 201, r)
        return r.json()["reference"], r.json()["access_code"]


class AccountsCommandTest(StaffCliTestCase):
    def test_department_and_user_add_while_the_server_runs(self):
        self.ok(sp.run_cli(["migrate", "--data", self.data]), "migrate")
        auditor_id = self.add_user("auditor.cli@centre.example", "auditor")
        server = self.start()
        port = server.port

        r = self.ok(sp.add_department_cli(self.data, "procurement", "المشتريات", "Procurement"),
                    "department add")
        self.assertEqual(r.stdout, "department procurement added\n")
        handler_id = self.add_user("h.one@centre.example", "handler", "procurement",
                                   name="Hala One")

        # The running server knows both at once: the new user signs in and sees the department.
        r = sp.sign_in(port, "h.one@centre.example")
        self.assertEqual(r.status, 200, r)
        user = r.json()["user"]
        self.assertEqual((user["id"], user["role"], user["department"], user["name"]),
                         (handler_id, "handler", "procurement", "Hala One"))
        token = r.json()["token"]
        departments = sp.api(port, "GET", "/api/v1/departments", token=token).json()["items"]
        self.assertIn({"code": "procurement", "name_ar": "المشتريات", "name_en": "Procurement",
                       "active": True}, departments)
        self.assertEqual(sp.api(port, "GET", "/api/v1/cases", token=token).status, 200)

        # Weak passwords are refused, naming the rule, and nothing is added.
        weak = [
            ("Sh0rt!pw", "too short; the minimum is 12 characters"),
            ("onlylettersandmore", "too weak; mix letters with digits or symbols"),
            ("w.two-Secret-2026", "must not contain the user name"),
        ]
        for password, rule in weak:
            with self.subTest(password=password):
                r = sp.add_user_cli(self.data, "w.two@centre.example", "Weak Two", "agent",
                                    password)
                self.assertEqual(r.returncode, 1, "%s\n%s" % (r.stdout, r.stderr))
                self.assertIn("password", r.stderr)
                self.assertIn(rule, r.stderr)
                self.assertNotIn(password, r.stderr + r.stdout)
        self.assertEqual(sp.sign_in(port, "w.two@centre.example", weak[-1][0]).status, 401)

        # The same e-mail twice (in any case) is refused; the first account is untouched.
        for email in ("h.one@centre.example", "H.One@Centre.Example"):
            with self.subTest(duplicate=email):
                r = sp.add_user_cli(self.data, email, "Someone Else", "supervisor",
                                    "Another-pass-123", "procurement")
                self.assertEqual(r.returncode, 1, "%s\n%s" % (r.stdout, r.stderr))
                self.assertIn("already exists", r.stderr)
                self.assertEqual(sp.sign_in(port, "h.one@centre.example",
                                            "Another-pass-123").status, 401)
        self.assertEqual(sp.sign_in(port, "h.one@centre.example").json()["user"]["role"],
                         "handler")

        # Other refusals: the same department code twice, an unknown role, a handler without a
        # department or in one that does not exist.
        r = sp.add_department_cli(self.data, "procurement", "أخرى", "Other")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("already exists", r.stderr)
        r = sp.add_user_cli(self.data, "x.role@centre.example", "X", "wizard")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("agent", r.stderr)
        r = sp.add_user_cli(self.data, "x.nodept@centre.example", "X", "handler")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("department", r.stderr)
        r = sp.add_user_cli(self.data, "x.baddept@centre.example", "X", "handler",
                            department="no_such_dept")
        self.assertEqual(r.returncode, 1, "a handler in a department that does not exist: %s%s"
                         % (r.stdout, r.stderr))

        # The trail names the console operator for both, and verifies while the server runs.
        auditor = sp.session_token(port, "auditor.cli@centre.example")
        trail = sp.audit_records(port, auditor)
        added = {(a["action"], a["subject"]): a for a in trail}
        self.assertIn(("department.added", "department:procurement"), added)
        self.assertIn(("user.added", "user:%d" % handler_id), added)
        self.assertIn(("user.added", "user:%d" % auditor_id), added)
        actor = added[("user.added", "user:%d" % handler_id)]["actor"]
        self.assertEqual(actor["kind"], "system")
        self.assertTrue(actor["id"].startswith("cli:"), actor)
        r = self.ok(self.verify(), "audit verify")
        m = INTACT_RE.match(r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertGreaterEqual(int(m.group(1)), len(trail))
        self.stop(server)


class AuditTamperTest(StaffCliTestCase):
    """Alters, deletes and reorders audit records in the database file, as an attacker with the
    file would (dropping the append-only triggers first), and sees `audit verify` name the first
    bad record each time."""

    def make_trail(self):
        self.ok(sp.run_cli(["migrate", "--data", self.data]), "migrate")
        self.add_user("auditor.t@centre.example", "auditor")
        agent_id = self.add_user("agent.t@centre.example", "agent")
        self.ok(sp.add_department_cli(self.data, "ops", "العمليات", "Operations"), "department add")
        server = self.start()
        token = sp.session_token(server.port, "agent.t@centre.example")
        for i in range(4):
            ref, _ = self.submit(server.port, complaint(subject="شكوى %d" % i))
            r = sp.api(server.port, "GET", "/api/v1/cases/" + ref, token=token)
            self.assertEqual(r.status, 200, r)
            r = sp.api(server.port, "POST", "/api/v1/cases/%s/assess" % ref,
                       {"version": r.json()["version"], "department": "ops"}, token=token)
            self.assertEqual(r.status, 200, r)
        self.stop(server)
        self.assertTrue(agent_id)
        r = self.ok(self.verify(), "audit verify on the intact trail")
        records = int(INTACT_RE.match(r.stdout).group(1))
        self.assertGreaterEqual(records, 12)
        return records

    def pristine(self):
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.db + suffix):
                os.remove(self.db + suffix)
        shutil.copyfile(self.db + ".pristine", self.db)

    def tamper(self, *statements):
        """Restores the pristine database, then runs statements on it directly."""
        self.pristine()
        con = sqlite3.connect(self.db)
        try:
            con.execute("DROP TRIGGER audit_log_no_update")
            con.execute("DROP TRIGGER audit_log_no_delete")
            for sql, args in statements:
                cur = con.execute(sql, args)
                self.assertEqual(cur.rowcount, 1, sql)
            con.commit()
        finally:
            con.close()

    def assert_broken_at(self, sequence, what):
        r = self.verify()
        self.assertEqual(r.returncode, 1, "%s: exit %r\n%s%s"
                         % (what, r.returncode, r.stdout, r.stderr))
        m = BROKEN_RE.match(r.stdout)
        self.assertIsNotNone(m, "%s: %r %r" % (what, r.stdout, r.stderr))
        self.assertEqual(int(m.group(1)), sequence, "%s: %s" % (what, r.stdout))
        return r.stdout

    def row(self, sequence):
        con = sqlite3.connect(self.db)
        try:
            return con.execute("SELECT occurred_at, actor_kind, actor_id, action, subject, detail, "
                               "previous_hash, hash FROM audit_log WHERE sequence = ?",
                               (sequence,)).fetchone()
        finally:
            con.close()

    def test_verify_names_the_record_altered_deleted_or_reordered(self):
        records = self.make_trail()
        # Checkpoint the WAL into the file, so that one file is the whole database.
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        shutil.copyfile(self.db, self.db + ".pristine")
        # A record in the middle with something to alter in its detail.
        con = sqlite3.connect(self.db)
        middle = con.execute("SELECT min(sequence) FROM audit_log WHERE sequence >= ? AND "
                             "instr(detail, '\"') > 0", (records // 2,)).fetchone()[0]
        con.close()
        self.assertIsNotNone(middle)
        self.assertLess(middle, records - 2)

        # (a) One record's content altered, field by field.
        alterations = [
            ("detail", "UPDATE audit_log SET detail = replace(detail, '\"', '''') "
                       "WHERE sequence = ?"),
            ("actor", "UPDATE audit_log SET actor_id = 'someone-else' WHERE sequence = ?"),
            ("time", "UPDATE audit_log SET occurred_at = occurred_at + 1 WHERE sequence = ?"),
        ]
        for what, sql in alterations:
            with self.subTest(altered=what):
                self.tamper((sql, (middle,)))
                out = self.assert_broken_at(middle, "altered " + what)
                self.assertIn("altered", out)
        # The stored hash itself changed.
        with self.subTest(altered="hash"):
            self.tamper(("UPDATE audit_log SET hash = zeroblob(32) WHERE sequence = ?", (middle,)))
            self.assert_broken_at(middle, "altered hash")

        # The running server's verification agrees (auditor API).
        self.tamper((alterations[0][1], (middle,)))
        server = self.start()
        auditor = sp.session_token(server.port, "auditor.t@centre.example")
        r = sp.api(server.port, "GET", "/api/v1/audit/verify", token=auditor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["ok"], r.json()["first_bad"]), (False, middle), r.json())
        self.stop(server)

        # (b) A record in the middle deleted: the chain breaks where it was.
        self.tamper(("DELETE FROM audit_log WHERE sequence = ?", (middle,)))
        out = self.assert_broken_at(middle, "deleted")
        self.assertIn("deleted", out)
        # ... and the first one.
        self.tamper(("DELETE FROM audit_log WHERE sequence = ?", (1,)))
        self.assert_broken_at(1, "deleted the first")

        # (c) Two records' contents swapped (a reordering): the earlier place is named.
        self.pristine()
        for a, b in [(middle - 1, middle), (2, records - 1)]:
            with self.subTest(swapped=(a, b)):
                self.pristine()
                row_a, row_b = self.row(a), self.row(b)
                swap = ("UPDATE audit_log SET occurred_at = ?, actor_kind = ?, actor_id = ?, "
                        "action = ?, subject = ?, detail = ?, previous_hash = ?, hash = ? "
                        "WHERE sequence = ?")
                self.tamper((swap, tuple(row_b) + (a,)), (swap, tuple(row_a) + (b,)))
                self.assert_broken_at(a, "swapped %d and %d" % (a, b))
                # Swapping only what a record says, keeping the stored hashes in place.
                self.pristine()
                content = ("UPDATE audit_log SET occurred_at = ?, actor_kind = ?, actor_id = ?, "
                           "action = ?, subject = ?, detail = ? WHERE sequence = ?")
                self.tamper((content, tuple(row_b[:6]) + (a,)),
                            (content, tuple(row_a[:6]) + (b,)))
                self.assert_broken_at(a, "swapped the content of %d and %d" % (a, b))

        # Restored, the trail verifies again.
        self.pristine()
        r = self.ok(self.verify(), "audit verify on the restored file")
        self.assertEqual(int(INTACT_RE.match(r.stdout).group(1)), records)


class KeysAndDataAtRestTest(StaffCliTestCase):
    def key_lines(self):
        path = os.path.join(self.data, "shakwa.key")
        with open(path, "rb") as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
        return lines, stat.S_IMODE(os.stat(path).st_mode)

    def sealed(self, reference):
        con = sqlite3.connect(self.db)
        try:
            con.row_factory = sqlite3.Row
            row = con.execute("SELECT * FROM cases WHERE reference = ?", (reference,)).fetchone()
            return {k: row[k] for k in row.keys() if k.endswith("_sealed") or k.endswith("_index")}
        finally:
            con.close()

    def test_keys_rotate(self):
        self.ok(sp.run_cli(["migrate", "--data", self.data]), "migrate")
        self.add_user("agent.k@centre.example", "agent")
        server = self.start()
        ref, code = self.submit(server.port, complaint())
        token = sp.session_token(server.port, "agent.k@centre.example")
        r = sp.api(server.port, "GET", "/api/v1/cases/" + ref, token=token)
        self.assertEqual(r.status, 200, r)
        before = r.json()["beneficiary"]
        self.assertEqual(before["national_id"], BENEFICIARY["national_id"])
        self.stop(server)

        lines, mode = self.key_lines()
        self.assertEqual((len(lines), mode), (1, 0o600))
        sealed_before = self.sealed(ref)
        r = self.ok(sp.run_cli(["keys", "rotate", "--data", self.data]), "keys rotate")
        self.assertIn("key 2 is now active", r.stdout)
        lines, mode = self.key_lines()
        self.assertEqual(len(lines), 2, lines and "%d lines" % len(lines))
        self.assertEqual(mode, 0o600, oct(mode))
        sealed_after = self.sealed(ref)
        for column, value in sealed_before.items():
            if value is not None and column.endswith("_sealed"):
                self.assertNotEqual(sealed_after[column], value, "%s was not re-sealed" % column)

        server = self.start()
        port = server.port
        # The session from before the rotation still holds (tokens are keyed by key 1).
        r = sp.api(port, "GET", "/api/v1/cases/" + ref, token=token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["beneficiary"], before)
        token = sp.session_token(port, "agent.k@centre.example")
        r = sp.api(port, "GET", "/api/v1/cases/" + ref, token=token)
        self.assertEqual(r.json()["beneficiary"], before)
        mine = sp.api(port, "GET", "/api/v1/cases/" + ref, access_code=code)
        self.assertEqual(mine.status, 200, mine)
        self.assertEqual(mine.json()["reference"], ref)
        # The blind indexes were rebuilt under the new key: search still finds it.
        for query in ("national_id=" + BENEFICIARY["national_id"],
                      "mobile=" + BENEFICIARY["mobile"]):
            r = sp.api(port, "GET", "/api/v1/cases?" + query, token=token)
            self.assertEqual([i["reference"] for i in r.json()["items"]], [ref], query)
        # New cases are sealed under the new key and read back too.
        other = dict(BENEFICIARY, national_id="1122334455", email="after.rotation@example.org")
        ref2, code2 = self.submit(port, complaint(other))
        r = sp.api(port, "GET", "/api/v1/cases/" + ref2, token=token)
        self.assertEqual(r.json()["beneficiary"]["national_id"], "1122334455")
        self.assertEqual(sp.api(port, "GET", "/api/v1/cases/" + ref2,
                                access_code=code2).status, 200)
        self.stop(server)
        self.ok(self.verify(), "audit verify after the rotation")

    def test_database_file_holds_no_personal_data_in_clear(self):
        self.ok(sp.run_cli(["migrate", "--data", self.data]), "migrate")
        self.add_user("agent.s@centre.example", "agent")
        server = self.start()
        port = server.port
        ref, _ = self.submit(port, complaint())
        token = sp.session_token(port, "agent.s@centre.example")
        # Recorded by an agent too, then read in full and searched for: the trail has its say.
        by_phone = dict(complaint(), channel="phone")
        r = sp.api(port, "POST", "/api/v1/cases", by_phone, token=token)
        self.assertEqual(r.status, 201, r)
        ref2 = r.json()["reference"]
        for reference in (ref, ref2):
            self.assertEqual(sp.api(port, "GET", "/api/v1/cases/" + reference,
                                    token=token).status, 200)
        r = sp.api(port, "GET", "/api/v1/cases?national_id=" + BENEFICIARY["national_id"],
                   token=token)
        self.assertEqual(sorted(i["reference"] for i in r.json()["items"]), sorted([ref, ref2]))

        forms = clear_forms(BENEFICIARY)

        def scan(when):
            files = sp.database_files(self.data)
            self.assertIn(self.db, files)
            blob = b""
            for p in files:
                with open(p, "rb") as f:
                    blob += f.read()
            # The scan does see what is stored in clear (the reference number).
            self.assertIn(ref.encode(), blob, when)
            for form in forms:
                self.assertNotIn(form.encode("utf-8"), blob,
                                 "%s: %r is in the database files in clear" % (when, form))

        scan("while the server runs")
        self.stop(server)
        scan("after the server stopped")
        # And after a key rotation, which rewrites every sealed value.
        self.ok(sp.run_cli(["keys", "rotate", "--data", self.data]), "keys rotate")
        scan("after keys rotate")


if __name__ == "__main__":
    sp.main()
