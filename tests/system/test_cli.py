"""The command line, settings, first start, the request log and --demo, against the real binary."""

import errno
import os
import re
import socket
import stat
import unittest

import shakwa_process as sp

VERSION_RE = re.compile(r"^shakwa (\d+\.\d+\.\d+) \(schema (\d+)\)\n$")
DEMO_RE = re.compile(r"^demo case (\S+)  access code (\S+)  (.+)$")
DEMO_USER_RE = re.compile(r"^demo user (\S+)  \((\w+)\)  password (\S+)$")
REQUEST_KEYS = {"ts", "level", "msg", "request_id", "method", "path", "status", "duration_us"}
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class CliTestCase(unittest.TestCase):
    def setUp(self):
        self.root = sp.scratch_dir("cli-" + self._testMethodName)
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write_config(self, text, name="shakwa.toml"):
        path = self.path(name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def server(self, data=None, env=None, args=None, listen="127.0.0.1:0"):
        server = sp.ShakwaServer(data or self.path("data"), env=env, args=args, listen=listen,
                                 log_dir=self.root)
        self.servers.append(server)
        return server


class VersionAndMigrateTest(CliTestCase):
    def test_version(self):
        result = sp.run_cli(["version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, VERSION_RE)
        self.assertEqual(result.stderr, "")

    def test_migrate_fresh_then_up_to_date(self):
        data = self.path("deeper", "data")  # neither exists yet
        first = sp.run_cli(["migrate", "--data", data])
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("applied migration 1\n", first.stdout)
        self.assertTrue(os.path.isfile(os.path.join(data, "shakwa.db")))
        self.assertEqual(stat.S_IMODE(os.stat(data).st_mode), 0o700)

        latest = int(VERSION_RE.match(sp.run_cli(["version"]).stdout).group(2))
        second = sp.run_cli(["migrate", "--data", data])
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(second.stdout, "schema is up to date (version %d)\n" % latest)

        # The server starts on the migrated database and serves it.
        with self.server(data=data) as server:
            self.assertEqual(server.submit().status, 201)
            self.assertEqual(server.request("GET", "/readyz").status, 200)
        self.assertEqual(sp.run_cli(["migrate", "--data", data]).stdout, second.stdout)

    def test_migrate_refuses_a_bad_setting(self):
        result = sp.run_cli(["migrate", "--data", self.path("data")],
                            env={"SHAKWA_STORAGE_READERS": "0"})
        self.assertEqual(result.returncode, 2)
        self.assertIn("[storage] readers (SHAKWA_STORAGE_READERS): 0 is out of range (1 to 64)",
                      result.stderr)
        self.assertFalse(os.path.exists(self.path("data")))


class BadSettingsTest(CliTestCase):
    """A bad setting stops `serve` with exit code 2 before anything starts, naming the key."""

    def assert_refused(self, expected, env=None, config=None, args=None, listen="127.0.0.1:0"):
        data = self.path("data")
        argv = ["serve", "--data", data]
        if listen is not None:
            argv += ["--listen", listen]
        if config is not None:
            argv += ["--config", self.write_config(config)]
        argv += list(args or [])
        result = sp.run_cli(argv, env=env, timeout=30)
        self.assertEqual(result.returncode, 2,
                         "exit %r\nstdout:\n%s\nstderr:\n%s"
                         % (result.returncode, result.stdout, result.stderr))
        self.assertNotIn("listening", result.stdout)
        self.assertFalse(os.path.exists(data), "the data directory was created")
        self.assertTrue(result.stderr.startswith("configuration error: "), result.stderr)
        for fragment in expected:
            self.assertIn(fragment.replace("$CONFIG", self.path("shakwa.toml")), result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def test_bad_environment_values(self):
        cases = [
            ({"SHAKWA_SERVER_THREADS": "65"},
             ["configuration error: [server] threads (SHAKWA_SERVER_THREADS): "
              "65 is out of range (0 to 64)"]),
            ({"SHAKWA_SERVER_THREADS": "two"},
             ["[server] threads (SHAKWA_SERVER_THREADS): \"two\" is not a whole number"]),
            ({"SHAKWA_SERVER_THREADS": "2x"}, ["[server] threads", "not a whole number"]),
            ({"SHAKWA_SERVER_BLOCKING_THREADS": "257"}, ["[server] blocking_threads", "257"]),
            ({"SHAKWA_SERVER_MAX_BODY_BYTES": "10"},
             ["[server] max_body_bytes (SHAKWA_SERVER_MAX_BODY_BYTES): 10 is out of range"]),
            ({"SHAKWA_SERVER_READ_TIMEOUT_SECONDS": "0"}, ["[server] read_timeout_seconds"]),
            ({"SHAKWA_SERVER_SHUTDOWN_GRACE_SECONDS": "-1"}, ["[server] shutdown_grace_seconds"]),
            ({"SHAKWA_SERVER_LISTEN": "nowhere"},
             ["[server] listen (SHAKWA_SERVER_LISTEN): \"nowhere\" is not HOST:PORT"]),
            ({"SHAKWA_STORAGE_KIND": "oracle"},
             ["[storage] kind (SHAKWA_STORAGE_KIND): \"oracle\" is not a storage kind"]),
            ({"SHAKWA_STORAGE_KIND": "postgres"},
             ["[storage] url (SHAKWA_STORAGE_URL): must be set when [storage] kind is "
              "\"postgres\""]),
            ({"SHAKWA_STORAGE_DATA_DIR": ""},
             ["[storage] data_dir (SHAKWA_STORAGE_DATA_DIR): must not be empty"]),
            ({"SHAKWA_STORAGE_READERS": "65"}, ["[storage] readers", "65 is out of range"]),
            ({"SHAKWA_STORAGE_MAX_BATCH": "0"}, ["[storage] max_batch", "0 is out of range"]),
            ({"SHAKWA_REFERENCE_SEQUENCE_DIGITS": "12"},
             ["[reference] sequence_digits (SHAKWA_REFERENCE_SEQUENCE_DIGITS): "
              "12 is out of range (4 to 9)"]),
            ({"SHAKWA_LOG_LEVEL": "loud"},
             ["[log] level (SHAKWA_LOG_LEVEL): \"loud\" is not one of debug, info, warn, error"]),
            ({"SHAKWA_LOG_REQUESTS": "maybe"},
             ["[log] requests (SHAKWA_LOG_REQUESTS): \"maybe\" is not true or false"]),
        ]
        for env, expected in cases:
            with self.subTest(env=env):
                self.assert_refused(expected, env=env)

    def test_bad_config_files(self):
        cases = [
            ("[server]\nthreads = 65\n",
             ["[server] threads ($CONFIG): 65 is out of range (0 to 64)"]),
            ("[server]\nthreads = \"two\"\n", ["[server] threads ($CONFIG): must be a whole number"]),
            ("[server]\nlisten = 8080\n", ["[server] listen ($CONFIG): must be a string"]),
            ("[server]\nlisten = \"127.0.0.1\"\n",
             ["[server] listen ($CONFIG): \"127.0.0.1\" is not HOST:PORT"]),
            ("[log]\nrequests = \"yes\"\n", ["[log] requests ($CONFIG): must be true or false"]),
            ("[server]\nthread = 2\n", ["$CONFIG: unknown key [server] thread"]),
            ("[storage]\ndatadir = \"x\"\n", ["unknown key [storage] datadir"]),
            ("[servr]\nthreads = 2\n", ["$CONFIG: unknown section [servr]"]),
            ("threads = 2\n", ["unknown section [threads]"]),
            ("[server]\nthreads = 2\n[server\n", ["$CONFIG line 3, column"]),
            ("[server]\nthreads = = 2\n", ["$CONFIG line 2, column"]),
        ]
        for text, expected in cases:
            with self.subTest(config=text):
                self.assert_refused(expected, config=text)

    def test_missing_config_file(self):
        missing = self.path("nope.toml")
        self.assert_refused(["--config " + missing + ": no such file"], args=["--config", missing])

    def test_bad_listen_flag(self):
        for listen in ["localhost", "127.0.0.1:99999", ":8080", "[::1]8080", "127.0.0.1:http"]:
            with self.subTest(listen=listen):
                self.assert_refused(
                    ["configuration error: --listen: \"%s\" is not HOST:PORT" % listen],
                    listen=listen)

    def test_file_error_wins_over_a_good_environment(self):
        # The environment can override a file's value, but a bad file is still refused.
        self.assert_refused(["[server] threads ($CONFIG)"], config="[server]\nthreads = 65\n",
                            env={"SHAKWA_SERVER_THREADS": "2"})

    def test_empty_data_flag_is_refused(self):
        # BUG (fails today): main.cpp drops an empty --data before LoadSettings sees it, so the
        # server starts on ./var instead. settings.cpp refuses an empty --data ("--data: must not be empty"); an empty value from
        # a script (--data "$UNSET") must not silently mean ./var.
        cwd = self.path("cwd")
        os.makedirs(cwd)
        server = sp.ShakwaServer("", listen="127.0.0.1:0", log_dir=self.root, name="empty-data",
                                 cwd=cwd)
        self.servers.append(server)
        try:
            server.start()
        except sp.ServerStartError:
            pass
        else:
            server.stop()
            self.fail("serve --data '' started, with its data in %s: %r"
                      % (server.listening.get("data_dir"), os.listdir(cwd)))
        self.assertEqual(server.proc.returncode, 2, server.describe())
        self.assertIn("--data: must not be empty", server.stderr())


class PrecedenceTest(CliTestCase):
    def hold_port(self, port=0):
        """A listening socket on 127.0.0.1:port that stays open for the test."""
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(s.close)
        s.bind(("127.0.0.1", port))
        s.listen(1)
        return s.getsockname()[1]

    def test_file_settings_apply(self):
        config = self.write_config("[server]\nlisten = \"127.0.0.1:0\"\nthreads = 1\n"
                                   "[log]\nrequests = false\n")
        server = self.server(args=["--config", config], listen=None).start()
        self.assertEqual(server.listening["address"], "127.0.0.1")
        self.assertEqual(server.request("GET", "/healthz").status, 200)
        self.assertEqual(server.stop(), 0)
        requests = [l for l in sp.json_lines(server.stdout()) if l.get("msg") == "request"]
        self.assertEqual(requests, [], "[log] requests = false in the file was ignored")

    def test_example_config_is_accepted(self):
        example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                               "shakwa.example.toml")
        self.assertTrue(os.path.exists(example), example)
        # --listen and --data win over the file's 127.0.0.1:8080 and ./var.
        server = self.server(args=["--config", example]).start()
        self.assertEqual(server.listening["address"], "127.0.0.1")
        self.assertNotEqual(server.port, 8080)
        self.assertEqual(server.listening["data_dir"], server.data)
        self.assertEqual(server.submit().status, 201)
        self.assertEqual(server.stop(), 0)
        self.assertEqual(len([l for l in sp.json_lines(server.stdout())
                              if l.get("msg") == "request"]), 1)

    def test_environment_overrides_file(self):
        taken = self.hold_port()  # the file's port; the server must not even try it
        config = self.write_config("[server]\nlisten = \"127.0.0.1:%d\"\n"
                                   "[log]\nrequests = false\n" % taken)

        def make():
            wanted = sp.free_port()
            return self.server(args=["--config", config], listen=None,
                               env={"SHAKWA_SERVER_LISTEN": "127.0.0.1:%d" % wanted,
                                    "SHAKWA_LOG_REQUESTS": "true"}), wanted

        for attempt in range(3):
            server, wanted = make()
            try:
                server.start()
                break
            except sp.ServerStartError as e:
                if "cannot listen on 127.0.0.1:%d" % wanted not in str(e) or attempt == 2:
                    raise
        self.assertEqual(server.port, wanted)
        self.assertEqual(server.request("GET", "/healthz").status, 200)
        self.assertEqual(server.stop(), 0)
        requests = [l for l in sp.json_lines(server.stdout()) if l.get("msg") == "request"]
        self.assertEqual(len(requests), 1, "SHAKWA_LOG_REQUESTS=true did not override the file")

    def test_flag_overrides_environment(self):
        taken = self.hold_port()
        server = self.server(env={"SHAKWA_SERVER_LISTEN": "127.0.0.1:%d" % taken},
                             listen="127.0.0.1:0").start()
        self.assertNotEqual(server.port, taken)
        self.assertEqual(server.request("GET", "/healthz").status, 200)

    def test_default_listen_is_127_0_0_1_8080(self):
        # Without --listen or [server] listen the server takes 127.0.0.1:8080. The test never lets
        # it have the port: it holds 8080 itself (or someone else already does), so the server
        # must fail to bind and say which address it tried.
        try:
            self.hold_port(8080)
        except OSError as e:
            if e.errno != errno.EADDRINUSE:
                raise
        config = self.write_config("[server]\nthreads = 1\n")  # a file, but no listen in it
        server = self.server(args=["--config", config], listen=None)
        try:
            server.start(timeout=30)
        except sp.ServerStartError:
            pass
        else:
            # Only possible if 8080 could be bound despite the hold (e.g. SO_REUSEPORT elsewhere).
            self.assertEqual((server.listening["address"], server.port), ("127.0.0.1", 8080))
            return
        self.assertEqual(server.proc.returncode, 1, server.describe())
        failures = [l for l in server.log_lines() if l.get("msg") == "cannot listen"]
        self.assertEqual(len(failures), 1, server.describe())
        self.assertIn("cannot listen on 127.0.0.1:8080", failures[0]["detail"])


class FirstStartTest(CliTestCase):
    def test_data_dir_database_and_private_key_are_created(self):
        data = self.path("a", "b", "data")
        server = self.server(data=data).start()
        self.assertEqual(stat.S_IMODE(os.stat(data).st_mode), 0o700)
        self.assertTrue(os.path.isfile(os.path.join(data, "shakwa.db")))
        key_path = os.path.join(data, "shakwa.key")
        self.assertEqual(stat.S_IMODE(os.stat(key_path).st_mode), 0o600)
        with open(key_path) as f:
            key = f.read()
        # A keyring of one key, version 1 (docs/adr/0008).
        self.assertRegex(key, r"^1 [0-9a-f]{64}\n$")
        self.assertEqual(server.listening["data_dir"], data)

        r = server.submit()
        self.assertEqual(r.status, 201, r)
        receipt = r.json()
        self.assertEqual(server.stop(), 0)

        # A second start keeps the key (sealed data stays readable).
        server = self.server(data=data).start()
        with open(key_path) as f:
            self.assertEqual(f.read(), key)
        self.assertEqual(server.view(receipt["reference"], receipt["access_code"]).status, 200)
        self.assertEqual(server.stop(), 0)

        # A key file others can read is refused.
        os.chmod(key_path, 0o644)
        refused = sp.run_cli(["serve", "--data", data, "--listen", "127.0.0.1:0"], timeout=30)
        self.assertNotEqual(refused.returncode, 0)
        self.assertNotIn("listening", refused.stdout)
        self.assertIn("open to group or others (mode 0644); chmod 600", refused.stderr)

    def test_named_key_file_must_exist(self):
        missing = self.path("keys", "master.key")
        result = sp.run_cli(["serve", "--data", self.path("data"), "--listen", "127.0.0.1:0"],
                            env={"SHAKWA_SECURITY_KEY_FILE": missing}, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertNotIn("listening", result.stdout)
        self.assertIn("[security] key_file (%s): no such file" % missing, result.stderr)
        self.assertFalse(os.path.exists(missing), "a fresh key was made for a named key file")


class RequestLogTest(CliTestCase):
    def test_one_json_line_per_request(self):
        server = self.server().start()
        sent = []  # (response, method, path) in order

        def do(method, target, body=None, headers=None):
            r = server.request(method, target, body, headers)
            sent.append((r, method, target.split("?")[0]))
            return r

        do("GET", "/healthz", headers={"X-Request-Id": "client-req.1"})
        r = do("POST", "/api/v1/cases", sp.VALID_CASE, {"X-Request-Id": "sub_2"})
        self.assertEqual(r.status, 201, r)
        receipt = r.json()
        do("GET", "/api/v1/cases/" + receipt["reference"] + "?lang=en",
           headers={"X-Access-Code": receipt["access_code"]})
        do("GET", "/api/v1/cases/" + receipt["reference"], headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
        do("GET", "/api/v1/cases/" + sp.with_bad_check_digit(receipt["reference"]),
           headers={"X-Access-Code": receipt["access_code"]})
        do("POST", "/api/v1/cases", b"{not json", {"X-Request-Id": "has space"})
        do("GET", "/no/such/route", headers={"X-Request-Id": "x" * 65})
        do("DELETE", "/healthz")
        do("GET", "/readyz")
        expected_status = [200, 201, 200, 404, 400, 400, 404, 405, 200]
        self.assertEqual([r.status for r, _, _ in sent], expected_status)

        self.assertEqual(server.stop(), 0)
        lines = sp.json_lines(server.stdout())
        requests = [l for l in lines if l.get("msg") == "request"]
        self.assertEqual(len(requests), len(sent), "one line per request\n" + server.stdout())

        ids = [r.header("x-request-id") for r, _, _ in sent]
        self.assertEqual(ids[0], "client-req.1")  # echoed
        self.assertEqual(ids[1], "sub_2")
        for generated in ids[2:]:
            self.assertRegex(generated, r"^[0-9a-f]{16}$")  # unusable client ids are replaced
        self.assertEqual(len(set(ids)), len(ids), "request ids repeat")

        by_id = {l["request_id"]: l for l in requests}
        self.assertEqual(len(by_id), len(requests))
        for r, method, path in sent:
            line = by_id.get(r.header("x-request-id"))
            self.assertIsNotNone(line, "no log line for %s %s" % (method, path))
            self.assertEqual(set(line), REQUEST_KEYS, line)
            self.assertEqual((line["method"], line["path"], line["status"]),
                             (method, path, r.status), line)
            self.assertIsInstance(line["duration_us"], int)
            self.assertGreaterEqual(line["duration_us"], 0)
            self.assertRegex(line["ts"], TS_RE)
            self.assertEqual(line["level"], "info")
            if r.status >= 400:
                self.assertEqual(r.json()["request_id"], line["request_id"])

        # The access code is a secret: never in the log.
        self.assertNotIn(receipt["access_code"], server.stdout())
        self.assertNotIn(receipt["access_code"], server.stderr())

    def test_broken_http_is_logged_once(self):
        server = self.server().start()
        reply = sp.raw_exchange(server.port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n")
        status, headers, _ = sp.parse_raw_response(reply)
        self.assertEqual(status, 400)
        self.assertEqual(server.stop(), 0)
        requests = [l for l in sp.json_lines(server.stdout()) if l.get("msg") == "request"]
        self.assertEqual(len(requests), 1, server.stdout())
        self.assertEqual(requests[0]["status"], 400)
        self.assertEqual(requests[0]["request_id"], headers["x-request-id"])


class DemoTest(CliTestCase):
    def test_demo_seeds_an_empty_database_once(self):
        data = self.path("data")
        server = self.server(data=data, args=["--demo"]).start()
        self.assertEqual(server.request("GET", "/readyz").status, 200)
        lines = server.stderr().splitlines()
        users = [DEMO_USER_RE.match(line) for line in lines if line.startswith("demo user ")]
        self.assertTrue(users and all(users), "no demo users on stderr:\n" + server.stderr())
        self.assertEqual(sorted(m.group(2) for m in users),
                         sorted(["agent", "handler", "supervisor", "qa_reviewer", "manager",
                                 "manager", "admin", "auditor"]))
        for m in users:
            email, role, password = m.groups()
            r = server.request("POST", "/api/v1/auth/login",
                               {"email": email, "password": password})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["user"]["role"], role)
            self.assertNotIn(password, server.stdout(), "a demo password went to the log")
        demo = [DEMO_RE.match(line) for line in lines if not line.startswith("demo user ")]
        self.assertTrue(demo and all(demo), "no demo lines on stderr:\n" + server.stderr())
        demo = [m.groups() for m in demo]
        for reference, code, subject in demo:
            self.assertIsNotNone(sp.parse_reference(reference), reference)
            r = server.view(reference, code)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["subject"], subject)
            self.assertNotIn(code, server.stdout(), "a demo access code went to the log")
        self.assertEqual(sorted(sp.parse_reference(ref)[2] for ref, _, _ in demo),
                         list(range(1, len(demo) + 1)))
        self.assertEqual(server.stop(), 0)

        server = self.server(data=data, args=["--demo"]).start()
        self.assertEqual(server.request("GET", "/readyz").status, 200)
        self.assertNotIn("demo case", server.stderr())
        self.assertNotIn("demo user", server.stderr())
        reference, code, _ = demo[0]
        self.assertEqual(server.view(reference, code).status, 200)
        # No more demo cases were recorded: the next reference follows the first demo ones.
        r = server.submit()
        self.assertEqual(r.status, 201, r)
        self.assertEqual(sp.parse_reference(r.json()["reference"])[2], len(demo) + 1)
        self.assertEqual(server.stop(), 0)

    def test_demo_leaves_a_database_with_cases_alone(self):
        data = self.path("data")
        server = self.server(data=data).start()
        self.assertEqual(server.submit().status, 201)
        self.assertEqual(server.stop(), 0)
        server = self.server(data=data, args=["--demo"]).start()
        self.assertNotIn("demo case", server.stderr())
        r = server.submit()
        self.assertEqual(sp.parse_reference(r.json()["reference"])[2], 2)


if __name__ == "__main__":
    sp.main()
