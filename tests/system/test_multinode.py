"""Three `shakwa serve` nodes on one PostgreSQL schema (issue 7): submissions from all of them at
once, one node killed (SIGKILL) in the middle of an escalation sweep, and afterwards every
acknowledged case present once, no reference repeated, no escalation or message doubled.

The story, in one test:

  1. A fresh schema; the three nodes start at the same moment, so they race to migrate it (the
     migration advisory lock lets one do it; the others find it done). Each node has its own data
     directory and the same key (SHAKWA_SECURITY_KEY), as a real deployment would; each names its
     connections (application_name) so pg_stat_activity tells them apart.
  2. E-mail and webhooks go to the real receivers of tests/support/sinks.py; the dispatcher polls
     every 100 ms on every node; the sweep runs every second (lease term: 3 s).
  3. Client threads submit to all three nodes at once: public complaints, and complaints an agent
     records with a receipt time weeks in the past, so their ladder steps are due at once and the
     sweeps have real work. Every 201's reference and access code is kept.
  4. While they run, the node holding the sweep's lease (job_leases.holder is host:pid:random) is
     caught in the middle of a sweep and killed with SIGKILL: a session of the test locks one due
     case against updates, the holder's sweep blocks on it inside its write transaction (the
     cases before it written, not committed; pg_stat_activity shows its connection, named by
     application_name, waiting on our lock in an UPDATE of cases, which only the sweep does here),
     and that node is killed there; then the lock is let go. Its clients move to the other nodes,
     as behind a load balancer, and send again what got no answer.
  5. A surviving node takes the lease over, not before the dead node's term ran out; the sweeps
     and the outbox drain; the survivors stop cleanly (releasing the lease).
  6. Checked in the database (psql) and through the API: every acknowledged reference present
     exactly once and readable with its code; each escalation level, its assignment and the SLA
     warning recorded once per case; every outbox row delivered and each received by the sinks,
     and a message received twice only if it was a re-send (same key) of a row whose first
     attempt was never recorded (the killed node's) and whose first copy arrived before the
     kill; the audit chain, appended by three nodes, verifies.

Needs SHAKWA_TEST_POSTGRES_URL (tools/test.sh starts a throw-away cluster and sets it) and psql.
"""

import collections
import datetime
import email.parser
import email.policy
import json
import os
import secrets
import signal
import socket
import threading
import time
import unittest

import shakwa_process as sp
from test_notifications import FROM, WEBHOOK_SECRET, Sinks, wait_until

NODES = 3
CLIENTS_PER_NODE = 2
CASES_PER_CLIENT = 36  # 216 submissions in all, bounded
SWEEP_INTERVAL = 1  # seconds; the lease's term is three of them
# The dispatcher's lease on a claimed row is the first retry delay: long enough for a round's
# sends on a slow machine, short enough that the dead node's rows are re-sent within the test.
RETRY_BASE = 4
DELIVERY_BATCH = 50  # DeliverySettings::batch: the most rows one dispatcher round claims
DEPT = "procurement"
STAFF = [("agent.mn@centre.example", "agent", None),
         ("sup.mn@centre.example", "supervisor", DEPT),
         ("director.mn@centre.example", "manager", None),
         ("committee.mn@centre.example", "manager", "committee")]
AGENT = STAFF[0][0]
# Submission n of a client, by n % len(PLAN): a public complaint (None), or one the agent
# records as received so many days ago: every ladder step due (90), some (8), none yet (0).
PLAN = [None, 90, None, 8, 90, 0]
KILL_SEARCH_SECONDS = 30.0


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def received_mails(sinks):
    """(n, X-Shakwa-Notification) of every mail the SMTP sink took, reading only the headers."""
    out = []
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    for record in sinks._lines("mail.jsonl"):
        with open(os.path.join(sinks.dir, record["file"]), "rb") as f:
            headers = parser.parsebytes(f.read())
        key = headers.get("X-Shakwa-Notification")
        out.append((record["n"], key.strip() if key else None))
    return out


class Node:
    def __init__(self, index, server):
        self.index = index
        self.server = server
        self.killed = False

    @property
    def name(self):
        return "node%d" % self.index


class MultiNodeTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.root = sp.scratch_dir("multinode")
        self.schema = sp.PostgresSchema("multinode")
        self.addCleanup(self.schema.drop)
        self.key = secrets.token_hex(32)
        self.sinks = Sinks(os.path.join(self.root, "sinks")).start()
        self.addCleanup(self.sinks.stop)
        self.nodes = []
        self.addCleanup(self.stop_nodes)
        self.config = os.path.join(self.root, "shakwa.toml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write('[smtp]\nurl = "smtp://127.0.0.1:%d"\nfrom = "%s"\ntimeout_seconds = 10\n\n'
                    '[webhooks]\nurl = "http://127.0.0.1:%d/hooks"\nsecret = "%s"\n\n'
                    '[notifications]\npoll_milliseconds = 100\nretry_base_seconds = %d\n'
                    'retry_cap_seconds = %d\nmax_attempts = 6\n'
                    'public_url = "https://complaints.centre.example"\n\n'
                    '[sweep]\ninterval_seconds = %d\n'
                    % (self.sinks.smtp_port, FROM, self.sinks.http_port, WEBHOOK_SECRET,
                       RETRY_BASE, 2 * RETRY_BASE, SWEEP_INTERVAL))

    def stop_nodes(self):
        for node in self.nodes:
            node.server.stop()

    # -- helpers ------------------------------------------------------------------------------

    def env(self, application_name=None):
        env = self.schema.env(application_name)
        env["SHAKWA_SECURITY_KEY"] = self.key
        return env

    def app_name(self, index):
        return "%s_n%d" % (self.schema.name, index)

    def cli(self, args, what, input_text=None):
        data = os.path.join(self.root, "cli-data")
        if input_text is None:
            result = sp.run_cli(args + ["--data", data], env=self.env())
        else:
            result = sp.run_cli_input(args + ["--data", data], input_text, env=self.env())
        self.assertEqual(result.returncode, 0, "%s: %s%s" % (what, result.stdout, result.stderr))
        return result

    def lease(self):
        """(holder, acquired_at, expires_at) of the sweep's lease, or None."""
        rows = self.schema.query("SELECT holder, acquired_at, expires_at FROM job_leases "
                                 "WHERE job = 'escalation_sweep'")
        if not rows:
            return None
        return rows[0][0], int(rows[0][1]), int(rows[0][2])

    def node_of_holder(self, holder):
        pid = int(holder.split(":")[-2])
        for node in self.nodes:
            if node.server.proc.pid == pid:
                return node
        self.fail("the lease's holder %r is none of the nodes %r"
                  % (holder, [n.server.proc.pid for n in self.nodes]))

    # -- the story ----------------------------------------------------------------------------

    def test_three_nodes_one_killed_mid_sweep(self):
        started = time.monotonic()
        # 1. Three nodes at once on an empty schema: they race to migrate it.
        for i in range(1, NODES + 1):
            server = sp.ShakwaServer(os.path.join(self.root, "data%d" % i), log_dir=self.root,
                                     name="node%d" % i, args=["--config", self.config],
                                     env=self.env(self.app_name(i)))
            self.nodes.append(Node(i, server))
        errors = []

        def start(server):
            try:
                server.start()
            except Exception as e:  # reported below, with every node's log
                errors.append(e)

        threads = [threading.Thread(target=start, args=(n.server,)) for n in self.nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [], "\n\n".join(n.server.describe() for n in self.nodes))
        versions = [int(r[0]) for r in self.schema.query(
            "SELECT version FROM schema_migrations ORDER BY version")]
        self.assertEqual(versions, list(range(1, len(versions) + 1)))
        self.assertGreaterEqual(len(versions), 5)
        print("three nodes started together and migrated once: versions %r (%.1f s)"
              % (versions, time.monotonic() - started))

        # Staff, from the command line, into the running cluster's database.
        self.cli(["department", "add", DEPT, "--name-ar", "المشتريات", "--name-en",
                  "Procurement"], "department add")
        self.cli(["department", "add", "committee", "--name-ar", "لجنة الشكاوى", "--name-en",
                  "Committee"], "department add")
        for email_address, role, department in STAFF:
            args = ["user", "add", email_address, "--name", email_address.split("@")[0],
                    "--role", role]
            if department:
                args += ["--department", department]
            self.cli(args + ["--password-stdin"], "user add " + email_address,
                     input_text=sp.STAFF_PASSWORD + "\n")
        # Signed in on one node, the session works on every node (sessions live in the database).
        token = sp.session_token(self.nodes[0].server.port, AGENT)
        for node in self.nodes:
            r = sp.api(node.server.port, "GET", "/api/v1/auth/me", token=token)
            self.assertEqual(r.status, 200, r)

        # 3. Submissions from all three nodes at once.
        acked = []  # dicts: reference, access_code, subject, node, age
        failures = []  # non-201 complete answers
        lost = collections.Counter()  # node -> submissions that got no (whole) answer
        lock = threading.Lock()
        dead = set()  # indexes of killed nodes

        def client(node_index, client_index):
            current = node_index
            conn = sp.RawClient(self.nodes[current - 1].server.port, timeout=60)
            try:
                for n in range(CASES_PER_CLIENT):
                    age = PLAN[n % len(PLAN)]
                    subject = "شكوى متعددة العقد %d-%d-%d" % (node_index, client_index, n)
                    case = dict(sp.VALID_CASE, subject=subject)
                    case["beneficiary"] = dict(sp.VALID_CASE["beneficiary"],
                                               email="b%d.%d.%d@example.sa"
                                               % (node_index, client_index, n))
                    headers = {"Content-Type": "application/json"}
                    if age is not None:  # recorded by the agent: received by phone, weeks ago
                        case["channel"] = "phone"
                        case["received_at"] = iso(datetime.datetime.now(datetime.timezone.utc)
                                                  - datetime.timedelta(days=age, minutes=5))
                        headers["Authorization"] = "Bearer " + token
                    body = json.dumps(case, ensure_ascii=False).encode("utf-8")
                    while True:
                        try:
                            r = conn.exchange("POST", "/api/v1/cases", body, headers)
                            break
                        except (sp.NoResponse, sp.HalfResponse, socket.timeout):
                            # The node died under us: this one is unacknowledged; go on with the
                            # next live node, as a load balancer would send us.
                            with lock:
                                lost[current] += 1
                                live = [i for i in range(1, NODES + 1) if i not in dead]
                            conn.close()
                            if current not in dead or not live:
                                raise
                            current = live[(client_index + current) % len(live)]
                            conn = sp.RawClient(self.nodes[current - 1].server.port, timeout=60)
                    with lock:
                        if r.status == 201:
                            receipt = r.json()
                            acked.append({"reference": receipt["reference"],
                                          "access_code": receipt["access_code"],
                                          "subject": subject, "node": current, "age": age})
                        else:
                            failures.append((current, r))
            finally:
                conn.close()

        client_errors = []

        def run_client(node_index, client_index):
            try:
                client(node_index, client_index)
            except Exception as e:
                with lock:
                    client_errors.append("client %d.%d: %r" % (node_index, client_index, e))

        clients = [threading.Thread(target=run_client, args=(i, c), daemon=True)
                   for i in range(1, NODES + 1) for c in range(CLIENTS_PER_NODE)]
        submitting = time.monotonic()
        for t in clients:
            t.start()
        total = NODES * CLIENTS_PER_NODE * CASES_PER_CLIENT

        # 4. Catch the lease holder in the middle of a sweep, and kill it there. A session of
        # ours locks one due case against updates (FOR NO KEY UPDATE: the foreign-key checks of
        # other writes to the case still pass); the holder's next sweep, updating the cases due,
        # blocks on it inside its write transaction, the cases before it written but not
        # committed. Found blocked by our lock, that node is killed; then the lock goes.
        wait_until("a third of the submissions acknowledged", lambda: len(acked) >= total // 3
                   or not any(t.is_alive() for t in clients), timeout=120)
        locker = self.schema.session()
        self.addCleanup(locker.close)
        watcher = self.schema.session()
        self.addCleanup(watcher.close)
        locker_pid = locker.query("SELECT pg_backend_pid()")[0][0]
        victim = None
        locked = None
        looks = 0
        search_until = time.monotonic() + KILL_SEARCH_SECONDS
        while victim is None and time.monotonic() < search_until:
            if locked is None:
                rows = locker.query(
                    "BEGIN; SELECT reference FROM cases WHERE escalation_due_at <= %d "
                    "ORDER BY escalation_due_at DESC LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED"
                    % int(time.time() * 1000))
                if not rows:
                    locker.query("ROLLBACK")
                    time.sleep(0.1)
                    continue
                locked = rows[0][0]
                locked_at = time.monotonic()
            looks += 1
            rows = watcher.query(
                "SELECT a.application_name, l.holder FROM pg_stat_activity a, job_leases l "
                "WHERE l.job = 'escalation_sweep' AND %s = ANY(pg_blocking_pids(a.pid)) "
                "AND a.query LIKE 'UPDATE cases SET%%'" % locker_pid)
            for application_name, holder in rows:
                node = self.node_of_holder(holder)
                if application_name == self.app_name(node.index):
                    victim = node
            if victim is None:
                if time.monotonic() - locked_at > 4 * SWEEP_INTERVAL:
                    # Swept around (it may have been taken just before we locked it): another.
                    locker.query("ROLLBACK")
                    locked = None
                time.sleep(0.02)
        self.assertIsNotNone(victim, "no sweep caught on a due case in %.0f s (%d looks)\n%s"
                             % (KILL_SEARCH_SECONDS, looks, self.describe()))
        in_transaction = int(watcher.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s' "
            "AND xact_start IS NOT NULL" % self.app_name(victim.index))[0][0])
        with lock:
            dead.add(victim.index)  # before the kill: its clients then move on at once
        victim.server.kill()
        killed_at = time.monotonic()
        killed_at_ms = int(time.time() * 1000)
        with lock:
            acked_at_kill = len(acked)
        locker.query("ROLLBACK")
        # The dead node's connections go (its blocked one once our lock is gone and it finds its
        # client has hung up); with them the writers' lock it held.
        wait_until("the dead node's connections to close", lambda: watcher.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'"
            % self.app_name(victim.index)) == [["0"]], timeout=30)
        victim.killed = True
        self.assertEqual(victim.server.proc.returncode, -signal.SIGKILL)
        dead_lease = self.lease()
        self.assertIsNotNone(dead_lease)
        self.assertIs(self.node_of_holder(dead_lease[0]), victim)
        sweeps_before = len([line for line in victim.server.log_lines()
                             if line.get("msg") == "escalation sweep"])
        due_at_kill = int(self.schema.value(
            "SELECT count(*) FROM cases WHERE escalation_due_at <= %d" % int(time.time() * 1000)))
        # Whatever the dead node sent reached the sinks before it died: count what is there now.
        time.sleep(0.3)
        mails_at_kill = len(self.sinks._lines("mail.jsonl"))
        posts_at_kill = len(self.sinks.posts())
        print("killed %s (pid %d), the lease holder, in a sweep blocked on case %s (%d of its "
              "connections in a transaction), %.1f s into the submissions: %d of %d acknowledged "
              "so far, %d cases due, %d sweeps it had logged; the sinks had %d mails and %d posts"
              % (victim.name, victim.server.proc.pid, locked, in_transaction,
                 killed_at - submitting, acked_at_kill, total, due_at_kill, sweeps_before,
                 mails_at_kill, posts_at_kill))

        # 5. A survivor takes the lease over once the dead node's term has run out.
        survivors = [n for n in self.nodes if not n.killed]

        def taken_over():
            lease = self.lease()
            return lease if lease and lease[0] != dead_lease[0] else None

        new_lease = wait_until("a surviving node to take the sweep's lease", taken_over,
                               timeout=3 * SWEEP_INTERVAL + 30)
        taken_after = time.monotonic() - killed_at
        self.assertIn(self.node_of_holder(new_lease[0]), survivors)
        self.assertGreaterEqual(new_lease[1], dead_lease[2],
                                "taken over before the dead node's term ran out")
        print("%s took the lease over %.1f s after the kill (the dead node's term had %.1f s to "
              "run)" % (self.node_of_holder(new_lease[0]).name, taken_after,
                        (dead_lease[2] - killed_at_ms) / 1000.0))

        for t in clients:
            t.join(120)
        self.assertFalse(any(t.is_alive() for t in clients), "clients still running")
        self.assertEqual(client_errors, [])
        self.assertEqual(failures, [], "non-201 answers to valid submissions")
        self.assertTrue(set(lost) <= {victim.index}, "submissions lost on live nodes: %r" % lost)
        by_node = collections.Counter(a["node"] for a in acked)
        print("%d acknowledged (%s), %d without an answer at the kill; %.1f s of submissions"
              % (len(acked), ", ".join("node%d: %d" % kv for kv in sorted(by_node.items())),
                 sum(lost.values()), time.monotonic() - submitting))
        for node in self.nodes:
            self.assertGreater(by_node[node.index], 0, "%s acknowledged nothing" % node.name)

        # Sweeps and deliveries drain: nothing due any more, nothing left to send.
        def drained():
            now_ms = int(time.time() * 1000)
            rows = self.schema.query(
                "SELECT (SELECT count(*) FROM cases WHERE escalation_due_at <= %d), "
                "(SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL)"
                % now_ms)
            return rows[0] == ["0", "0"]

        wait_until(lambda: "the sweeps and the outbox to drain: %r\n%s" % (self.schema.query(
            "SELECT (SELECT count(*) FROM cases WHERE escalation_due_at <= %d), (SELECT count(*) "
            "FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL)"
            % int(time.time() * 1000)), self.describe()), drained, timeout=120, interval=0.5)
        print("drained %.1f s after the kill [%.1f s]" % (time.monotonic() - killed_at,
                                                        time.monotonic() - started))
        final_lease = self.lease()
        self.assertIn(self.node_of_holder(final_lease[0]), survivors)
        for node in survivors:
            troubles = [line for line in node.server.log_lines()
                        if line.get("level") in ("error", "critical")]
            self.assertEqual(troubles, [], "%s logged errors" % node.name)

        # 6a. Every acknowledged case, once, readable through a surviving node.
        references = collections.Counter(a["reference"] for a in acked)
        self.assertEqual({r: c for r, c in references.items() if c > 1}, {},
                         "a reference acknowledged twice")
        for reference in references:
            self.assertIsNotNone(sp.parse_reference(reference), reference)
        stored = collections.Counter(r[0] for r in self.schema.query("SELECT reference FROM cases"))
        self.assertEqual({r: c for r, c in stored.items() if c > 1}, {})
        missing = sorted(set(references) - set(stored))
        self.assertEqual(missing, [], "acknowledged cases missing from the database")
        sequences = self.schema.query("SELECT reference_year, reference_sequence, count(*) "
                                      "FROM cases GROUP BY 1, 2 HAVING count(*) > 1")
        self.assertEqual(sequences, [])
        failures = sp.verify_readable(survivors[0].server.port,
                                      [(a["reference"], a["access_code"], a["subject"])
                                       for a in acked])
        self.assertEqual(failures, [])
        seq = sorted(int(r[0]) for r in self.schema.query("SELECT reference_sequence FROM cases"))
        print("%d cases stored (%d acknowledged, %d committed without a 201 reaching the client);"
              " sequences %d..%d, %d gaps" % (len(stored), len(references),
                                              len(stored) - len(references), seq[0], seq[-1],
                                              seq[-1] - seq[0] + 1 - len(seq)))

        print("[%.1f s] every acknowledged case read back" % (time.monotonic() - started))

        # 6b. Each escalation level, its assignment, and the SLA warning: once per case.
        rows = self.schema.query(
            "SELECT c.reference, e.type, coalesce(e.data::json->>'level', '') FROM case_events e "
            "JOIN cases c ON c.case_id = e.case_id "
            "WHERE e.type IN ('escalated', 'escalation_assigned', 'sla_warning')")
        steps = collections.Counter((reference, kind, level) for reference, kind, level in rows)
        doubled = {k: c for k, c in steps.items() if c > 1}
        self.assertEqual(doubled, {}, "escalation steps recorded more than once")
        levels = {r[0]: (int(r[1]), int(r[2]), r[3]) for r in self.schema.query(
            "SELECT reference, escalation_level, escalation_step, "
            "coalesce(escalation_due_at::text, '') FROM cases")}
        for a in acked:
            reference = a["reference"]
            level, step, due = levels[reference]
            events = {(kind, lvl) for (ref, kind, lvl) in steps if ref == reference}
            self.assertEqual({lvl for kind, lvl in events if kind == "escalated"},
                             {str(x) for x in range(1, level + 1)}, reference)
            if a["age"] == 90:
                # Long overdue: the whole ladder was climbed, each rung once.
                self.assertEqual((level, due), (3, ""), reference)
                self.assertIn(("sla_warning", ""), events, reference)
        escalated = sum(1 for k in steps if k[1] == "escalated")
        print("levels reached, by age in days: %r" % sorted(collections.Counter(
            (a["age"] if a["age"] is not None else -1, levels[a["reference"]][0])
            for a in acked).items()))
        print("%d escalations and %d SLA warnings over %d cases, none doubled"
              % (escalated, sum(1 for k in steps if k[1] == "sla_warning"),
                 len({k[0] for k in steps})))
        self.assertGreater(escalated, 0)

        # 6c. Messages: each outbox row delivered and received; a message received twice only
        # as the re-send of a row whose first attempt the dead node never recorded.
        outbox = {}
        for key, nid, attempts, delivered, failed in self.schema.query(
                "SELECT dedupe_key, notification_id, attempts, coalesce(delivered_at::text, ''), "
                "coalesce(failed_at::text, '') FROM outbox"):
            outbox[key] = {"id": int(nid), "attempts": int(attempts), "delivered": delivered,
                           "failed": failed}
        recorded = collections.Counter(int(r[0]) for r in self.schema.query(
            "SELECT (data::json->>'notification_id') FROM case_events "
            "WHERE type LIKE 'notification\\_%'"))
        parked = {k: v for k, v in outbox.items() if v["failed"]}
        self.assertEqual(parked, {}, "parked messages")
        unrecorded = {k for k, v in outbox.items() if v["attempts"] != recorded[v["id"]]
                      and v["attempts"] > 0}
        for key in unrecorded:
            # One attempt at most went unrecorded: the one claimed by the dead node.
            self.assertEqual(outbox[key]["attempts"], recorded[outbox[key]["id"]] + 1, key)
        # The dead node had one dispatcher round in flight at most.
        self.assertLessEqual(len(unrecorded), DELIVERY_BATCH, sorted(unrecorded))

        received = collections.defaultdict(list)  # key -> sink positions (("mail"|"post", n))
        mails = received_mails(self.sinks)
        for n, key in mails:
            received[key].append(("mail", n))
        for post in self.sinks.posts():
            received[post["headers"].get("idempotency-key")].append(("post", post["n"]))
        strays = sorted(k for k in received if k not in outbox)
        self.assertEqual(strays, [], "messages received that no outbox row sent")
        sent_rows = {k for k, v in outbox.items() if v["attempts"] > 0}
        not_received = sorted(k for k in sent_rows if outbox[k]["delivered"] and k not in received)
        self.assertEqual(not_received, [], "delivered rows the sinks never received")
        resent = {}
        for key, copies in received.items():
            if len(copies) == 1:
                continue
            resent[key] = copies
            self.assertEqual(len(copies), 2, "%s received %d times" % (key, len(copies)))
            self.assertIn(key, unrecorded, "%s received twice, but both attempts were recorded: "
                          "sent twice by live nodes" % key)
            first = min(copies)
            self.assertLessEqual(first[1], mails_at_kill if first[0] == "mail" else posts_at_kill,
                                 "%s: its first copy came after the kill" % key)
        print("%d outbox rows delivered (%d mails, %d webhook posts received); %d claimed by the "
              "dead node and never recorded, of which %d had reached a sink and were re-sent "
              "under the same key" % (len(sent_rows), len(mails),
                                      len(self.sinks.posts()), len(unrecorded), len(resent)))

        print("[%.1f s] messages checked" % (time.monotonic() - started))

        # The survivors stop cleanly, giving the lease up; the trail of three nodes verifies.
        for node in survivors:
            self.assertEqual(node.server.stop(), 0, node.server.describe())
        self.assertIsNone(self.lease(), "the lease was not released on a clean stop")
        verified = sp.run_cli(["audit", "verify", "--data", os.path.join(self.root, "cli-data")],
                              env=self.env())
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        print("audit verify: %s; %.1f s in all" % (verified.stdout.strip().splitlines()[-1:],
                                                  time.monotonic() - started))

    def describe(self):
        out = []
        for node in self.nodes:
            out.append("== %s (pid %s)\n%s" % (node.name, node.server.proc.pid,
                                               node.server.describe()))
        return "\n".join(out)


if __name__ == "__main__":
    sp.main()
