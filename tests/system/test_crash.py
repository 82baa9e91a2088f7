"""The crash test: SIGKILL the server in the middle of a burst of concurrent submissions, restart
it on the same data directory, and show that every case that got a 201 is readable with its access
code and that no reference was issued twice.

With --storage postgres the server keeps its cases in a fresh PostgreSQL schema instead of the
SQLite file (SHAKWA_TEST_POSTGRES_URL names the cluster): a 201 there promises a committed
transaction, and the same kills must lose none of them.

Requests in flight at the kill may be lost (their clients saw a connection error, never a 201);
only acknowledged ones must survive. Five kill rounds share one data directory, so recovery after
recovery is exercised too.
"""

import collections
import os
import sqlite3
import time
import unittest

import shakwa_process as sp

CLIENTS = 32
# Kill after this many 201s in each round (some rounds kill early, while clients ramp up).
KILL_AFTER = [200, 400, 25, 1000, 1]
PER_CLIENT = 400  # bound on each client's submissions; the kill comes long before
ROUND_SECONDS = 40.0  # bound on each burst


class CrashTest(sp.ServersAndBurstsTestCase):
    def scratch_name(self):
        return "crash" if sp.STORAGE == "sqlite" else "crash_" + sp.STORAGE

    def setUp(self):
        super().setUp()
        # On PostgreSQL: a fresh schema, dropped at the end (after the servers stop).
        self.storage_env = sp.storage_env(self, "crash")

    def start_server(self):
        server = sp.ShakwaServer(self.data, log_dir=self.root, name="crash",
                                 env=self.storage_env)
        self.servers.append(server)
        return server.start()

    def assert_all_readable(self, server, acked, when):
        failures = sp.verify_readable(server.port, acked)
        if failures:
            self.fail("%d of %d acknowledged cases unreadable %s; first: %r\n%s"
                      % (len(failures), len(acked), when, failures[:5], server.describe()))

    def test_sigkill_mid_burst_loses_no_acknowledged_case(self):
        acked = []  # every 201 of every round: (reference, access_code, subject)
        for round_no, kill_after in enumerate(KILL_AFTER, 1):
            server = self.start_server()
            # What was acknowledged before earlier kills is still there after this restart.
            self.assert_all_readable(server, acked, "after restart %d" % round_no)

            burst = sp.Burst(server.port, clients=CLIENTS, per_client=PER_CLIENT,
                             duration=ROUND_SECONDS, tag="r%d" % round_no)
            self.bursts.append(burst)
            burst.start()
            reached = burst.wait_for_acks(kill_after, timeout=ROUND_SECONDS - 5)
            in_flight = burst.alive()
            server.kill()  # SIGKILL, by PID
            killed_at = time.monotonic()
            self.assertEqual(server.proc.returncode, -9)
            burst.stop()
            self.assertTrue(burst.join(60), "clients still running 60 s after the kill")

            with burst.lock:
                round_acked = list(burst.acked)
            print("round %d: killed after %d 201s (target %d, reached=%s) with %d clients "
                  "running; %d lost, %d torn, statuses %r"
                  % (round_no, len(round_acked), kill_after, reached, in_flight,
                     len(burst.lost), len(burst.half), burst.statuses))
            # The kill must land mid-burst, or the test shows nothing.
            self.assertGreater(in_flight, 0, "every client had finished before the kill")
            self.assertGreater(len(round_acked), 0, "no 201 before the kill\n" + server.describe())
            # Before the kill every complete answer to a valid submission was a 201.
            self.assertEqual(burst.bad, [], "non-201 answers to valid submissions")
            self.assertEqual(burst.hangs, [])
            for reference, _, _ in round_acked:
                self.assertIsNotNone(sp.parse_reference(reference),
                                     "malformed reference %r" % reference)
            acked.extend(round_acked)
            self.assertLess(time.monotonic() - killed_at, 65)

        server = self.start_server()
        self.assert_all_readable(server, acked, "after the last restart")

        references = collections.Counter(reference for reference, _, _ in acked)
        twice = {r: n for r, n in references.items() if n > 1}
        self.assertEqual(twice, {}, "references issued more than once")
        codes = collections.Counter(code for _, code, _ in acked)
        self.assertEqual({c: n for c, n in codes.items() if n > 1}, {},
                         "access codes issued more than once")

        # A submission after recovery gets a fresh reference, past every acknowledged one.
        r = server.submit()
        self.assertEqual(r.status, 201, r)
        fresh = r.json()["reference"]
        self.assertNotIn(fresh, references)
        _, year, sequence = sp.parse_reference(fresh)
        same_year = [sp.parse_reference(ref)[2] for ref in references
                     if sp.parse_reference(ref)[1] == year]
        if same_year:
            self.assertGreater(sequence, max(same_year),
                               "the sequence went backwards after recovery")
        self.assertEqual(sp.view(server.port, fresh, r.json()["access_code"]).status, 200)

        self.assertEqual(server.stop(), 0, "clean stop after recovery\n" + server.describe())
        print("%d acknowledged cases over %d kills, all readable; next reference %s"
              % (len(acked), len(KILL_AFTER), fresh))

        if sp.STORAGE == "postgres":
            # The rows themselves: each acknowledged case once, and the trail still chains.
            stored = collections.Counter(
                row[0] for row in self.schema.query("SELECT reference FROM cases"))
            self.assertEqual({r: n for r, n in stored.items() if n > 1}, {})
            self.assertEqual(sorted(set(references) - set(stored)), [])
            verified = sp.run_cli(["audit", "verify", "--data", self.data], env=self.storage_env)
            self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
            print("%d cases in the schema; %s" % (len(stored), verified.stdout.strip()))
            return

        # The file itself is sound (the server is stopped; nothing else has it open).
        db = sqlite3.connect(os.path.join(self.data, "shakwa.db"))
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        finally:
            db.close()


if __name__ == "__main__":
    sp.main()
