"""Time and escalation against the real binary (issue 4): `shakwa sla due` and `calendar
holidays`; two `shakwa sweep` processes racing over the same due cases beside a running server,
and a sweep killed half-way, never escalate a case twice; the server's own minute sweep; the
beneficiary's escalation refused before the deadline with the date they may escalate, in Hijri
and Gregorian."""

import datetime
import os
import re
import signal
import subprocess
import time
import unittest

import shakwa_process as sp

SWEEP_RE = re.compile(r"^sweep as of (\S+): (\d+) due, (\d+) changed, (\d+) skipped, (\d+) failed$")


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class EscalationTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.root = sp.scratch_dir("escalation-" + self._testMethodName)
        self.data = os.path.join(self.root, "data")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()

    def ok(self, result, what):
        self.assertEqual(result.returncode, 0, "%s: exit %r\nstdout:\n%s\nstderr:\n%s"
                         % (what, result.returncode, result.stdout, result.stderr))
        return result

    def start(self, env=None):
        server = sp.ShakwaServer(self.data, log_dir=self.root, env=env)
        self.servers.append(server)
        return server.start()

    def staff(self):
        self.ok(sp.run_cli(["migrate", "--data", self.data]), "migrate")
        self.ok(sp.add_department_cli(self.data, "procurement", "المشتريات", "Procurement"),
                "department add")
        self.ok(sp.add_department_cli(self.data, "committee", "لجنة الشكاوى", "Committee"),
                "department add")
        for email, role, department in [
                ("agent@centre.example", "agent", None),
                ("sup@centre.example", "supervisor", "procurement"),
                ("director@centre.example", "manager", None),
                ("committee@centre.example", "manager", "committee")]:
            self.ok(sp.add_user_cli(self.data, email, email.split("@")[0], role,
                                    department=department), "user add " + email)

    def submit_and_route(self, port, token, count):
        references = []
        for _ in range(count):
            r = sp.api(port, "POST", "/api/v1/cases", sp.VALID_CASE)
            self.assertEqual(r.status, 201, r)
            reference = r.json()["reference"]
            r = sp.api(port, "POST", "/api/v1/cases/%s/assess" % reference,
                       {"version": 1, "department": "procurement"}, token=token)
            self.assertEqual(r.status, 200, r)
            references.append(reference)
        return references

    def timeline_types(self, port, token, reference):
        r = sp.api(port, "GET", "/api/v1/cases/" + reference, token=token)
        self.assertEqual(r.status, 200, r)
        return [e["type"] for e in r.json()["timeline"]], r.json()


class CalendarCommandsTest(EscalationTestCase):
    def test_sla_due_counts_business_minutes_across_ramadan_and_eid(self):
        # Thursday 19 March 2026 15:00 Riyadh is the close of the last Ramadan day; Eid al-Fitr
        # and the weekend follow; 120 minutes land on Tuesday 24 March 10:00 Riyadh.
        r = self.ok(sp.run_cli(["sla", "due", "--from", "2026-03-19T15:00:00+03:00",
                                "--business-minutes", "120", "--data", self.data]), "sla due")
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "2026-03-24T07:00:00.000Z")
        self.assertIn("5 شوال 1447", lines[1])
        self.assertIn("24 March 2026", lines[2])
        r = sp.run_cli(["sla", "due", "--from", "yesterday", "--business-minutes", "5"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("ISO 8601", r.stderr)

    def test_calendar_holidays_lists_hijri_and_gregorian_dates(self):
        r = self.ok(sp.run_cli(["calendar", "holidays", "--hijri-year", "1447", "--lang", "en",
                                "--data", self.data]), "calendar holidays")
        rows = [line.split("\t") for line in r.stdout.splitlines()[1:]]
        self.assertEqual([(row[0], row[2], row[4]) for row in rows], [
            ("national_day", "2025-09-23 .. 2025-09-23", "confirmed"),
            ("founding_day", "2026-02-22 .. 2026-02-22", "confirmed"),
            ("eid_al_fitr", "2026-03-20 .. 2026-03-23", "provisional"),
            ("eid_al_adha", "2026-05-26 .. 2026-05-29", "provisional"),
        ])
        self.assertIn("1 Shawwal 1447 AH (20 March 2026)", rows[2][3])

        # Once the moon is sighted, an admin moves Eid; the listing follows.
        self.ok(sp.run_cli(["calendar", "adjust", "eid_al_fitr", "--hijri-year", "1447",
                            "--first", "2026-03-21", "--last", "2026-03-24",
                            "--data", self.data]), "calendar adjust")
        r = self.ok(sp.run_cli(["calendar", "holidays", "--hijri-year", "1447", "--lang", "en",
                                "--data", self.data]), "calendar holidays")
        self.assertIn("eid_al_fitr\tEid al-Fitr\t2026-03-21 .. 2026-03-24", r.stdout)
        self.assertIn("confirmed", r.stdout.splitlines()[3])
        # A Gregorian holiday is not the moon's to move.
        r = sp.run_cli(["calendar", "adjust", "national_day", "--hijri-year", "1447",
                        "--first", "2026-09-24", "--last", "2026-09-24", "--data", self.data])
        self.assertEqual(r.returncode, 1, r.stdout)


class SweepTest(EscalationTestCase):
    def test_racing_and_killed_sweeps_escalate_each_case_once(self):
        self.staff()
        # The server's own sweep is off: the command-line sweeps below are the only ones.
        server = self.start(env={"SHAKWA_SWEEP_INTERVAL_SECONDS": "0"})
        token = sp.session_token(server.port, "agent@centre.example")
        references = self.submit_and_route(server.port, token, 40)

        # Sixty days on, every step of every ladder is due: warning, L1, L2 and L3.
        later = iso(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=60))

        # A sweep killed soon after it starts: whatever it committed is done, the rest is due.
        first = subprocess.Popen([sp.BINARY, "sweep", "--now", later, "--data", self.data],
                                 env=sp.server_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=60)

        # Two sweeps at once over what is left.
        racers = [subprocess.Popen([sp.BINARY, "sweep", "--now", later, "--data", self.data],
                                   env=sp.server_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for _ in range(2)]
        changed = 0
        for proc in racers:
            out, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, out + err)
            m = SWEEP_RE.match(out.splitlines()[0])
            self.assertIsNotNone(m, out)
            self.assertEqual(m.group(5), "0", out)
            changed += int(m.group(3))
        self.assertLessEqual(changed, 40)

        # A last sweep finds nothing left to do.
        r = self.ok(sp.run_cli(["sweep", "--now", later, "--data", self.data]), "sweep")
        self.assertEqual(SWEEP_RE.match(r.stdout.splitlines()[0]).group(2), "0", r.stdout)

        manager = sp.session_token(server.port, "director@centre.example")
        for reference in references:
            types, case = self.timeline_types(server.port, manager, reference)
            with self.subTest(reference=reference):
                self.assertEqual(types.count("sla_warning"), 1, types)
                self.assertEqual(types.count("escalated"), 3, types)
                self.assertEqual(case["escalation_level"], 3)
                self.assertIsNone(case["sla"]["escalation_due_at"])
                self.assertEqual(case["sla"]["escalation_step"], 4)

        # The trail records every escalation once, and still verifies.
        self.ok(sp.run_cli(["audit", "verify", "--data", self.data]), "audit verify")
        self.assertEqual(server.stop(), 0, server.describe())

    def test_the_server_sweeps_on_its_own(self):
        self.staff()
        server = self.start(env={"SHAKWA_SWEEP_INTERVAL_SECONDS": "1"})
        token = sp.session_token(server.port, "agent@centre.example")
        # A case received (by phone, recorded by the agent) ninety days ago is long overdue.
        received = iso(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=90))
        body = dict(sp.VALID_CASE, channel="phone", received_at=received)
        r = sp.api(server.port, "POST", "/api/v1/cases", body, token=token)
        self.assertEqual(r.status, 201, r)
        reference = r.json()["reference"]
        r = sp.api(server.port, "POST", "/api/v1/cases/%s/assess" % reference,
                   {"version": 1, "department": "procurement"}, token=token)
        self.assertEqual(r.status, 200, r)
        manager = sp.session_token(server.port, "director@centre.example")
        deadline = time.monotonic() + 30
        level = 0
        while time.monotonic() < deadline:
            _, case = self.timeline_types(server.port, manager, reference)
            level = case["escalation_level"]
            if level == 3:
                break
            time.sleep(0.2)
        self.assertEqual(level, 3, server.describe())

        # The queues find it by every clock filter, and it answers to the committee now.
        committee = sp.session_token(server.port, "committee@centre.example")
        me = sp.api(server.port, "GET", "/api/v1/auth/me", token=committee).json()
        for query in ("overdue=true", "first_response_overdue=true", "escalation_level=3", "escalation_owner=%d" % me["id"],
                      "sort=resolution_due_at"):
            with self.subTest(query=query):
                r = sp.api(server.port, "GET", "/api/v1/cases?" + query, token=manager)
                self.assertEqual(r.status, 200, r)
                rows = {i["reference"]: i for i in r.json()["items"]}
                self.assertIn(reference, rows)
                self.assertTrue(rows[reference]["sla"]["overdue"])
        # The assessment just now was a status change: the update interval started again.
        r = sp.api(server.port, "GET", "/api/v1/cases?update_overdue=true", token=manager)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(reference, [i["reference"] for i in r.json()["items"]])
        r = sp.api(server.port, "GET", "/api/v1/cases?escalation_level=0", token=manager)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"][0]["field"], "escalation_level")
        # The committee member sees the case they answer for.
        r = sp.api(server.port, "GET", "/api/v1/cases/" + reference, token=committee)
        self.assertEqual(r.status, 200, r)
        logged = [line for line in server.log_lines() if line.get("msg") == "escalation sweep"]
        self.assertTrue(logged, server.describe())
        self.assertEqual(server.stop(), 0, server.describe())


class BeneficiaryEscalationTest(EscalationTestCase):
    def test_too_early_says_when_in_hijri_and_gregorian(self):
        self.staff()
        server = self.start(env={"SHAKWA_SWEEP_INTERVAL_SECONDS": "0"})
        r = sp.api(server.port, "POST", "/api/v1/cases", sp.VALID_CASE)
        self.assertEqual(r.status, 201, r)
        reference, code = r.json()["reference"], r.json()["access_code"]
        view = sp.api(server.port, "GET", "/api/v1/cases/" + reference, access_code=code).json()
        due = view["resolution_due_at"]
        self.assertIsNotNone(due)
        for language, marker in (("ar", "هـ"), ("en", "AH")):
            r = sp.api(server.port, "POST", "/api/v1/cases/%s/escalate" % reference, {},
                       access_code=code, language=language)
            with self.subTest(language=language):
                self.assertEqual(r.status, 409, r)
                self.assertEqual(r.json()["code"], "escalation_not_yet")
                self.assertEqual(r.json()["available_at"], due)
                self.assertIn(marker, r.json()["title"])
        # A wrong code is not told anything.
        r = sp.api(server.port, "POST", "/api/v1/cases/%s/escalate" % reference, {},
                   access_code="AAAA-AAAA-AAAA")
        self.assertEqual(r.status, 404, r)
        self.assertEqual(server.stop(), 0, server.describe())


if __name__ == "__main__":
    sp.main()
