"""HTTP limits of the real binary over real sockets: oversized bodies, stalled and trickling
clients, bytes that are not HTTP, and a flood of bad submissions that must record nothing."""

import json
import os
import random
import resource
import socket
import threading
import time
import unittest

import shakwa_process as sp

READ_TIMEOUT = 2  # SHAKWA_SERVER_READ_TIMEOUT_SECONDS in these tests
MIB = 1 << 20


def head(target, extra=b"", method=b"POST"):
    return (method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n" + extra + b"\r\n")


def valid_body():
    return json.dumps(sp.VALID_CASE, ensure_ascii=False).encode("utf-8")


class HttpLimitsTestCase(unittest.TestCase):
    env = {"SHAKWA_SERVER_READ_TIMEOUT_SECONDS": str(READ_TIMEOUT)}

    binary = None  # the binary under test; None: the one given with --binary

    def setUp(self):
        self.root = sp.scratch_dir("limits-" + self._testMethodName)
        self.server = sp.ShakwaServer(os.path.join(self.root, "data"), env=self.env,
                                      log_dir=self.root, binary=self.binary_under_test())
        self.server.start()
        self.port = self.server.port

    def tearDown(self):
        self.assertTrue(self.server.running(), "the server died\n" + self.server.describe())
        self.assertEqual(self.server.stop(), 0, self.server.describe())

    def binary_under_test(self):
        return None

    def assert_still_serving(self):
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)
        r = self.server.submit()
        self.assertEqual(r.status, 201, r)
        return r.json()

    def assert_problem(self, status, headers, body, expected_status, code=None):
        self.assertEqual(status, expected_status, body[:300])
        self.assertEqual(headers.get("content-type"), "application/problem+json")
        problem = json.loads(body.decode("utf-8"))
        self.assertEqual(problem["status"], expected_status)
        self.assertEqual(problem["request_id"], headers.get("x-request-id"))
        if code is not None:
            self.assertEqual(problem["code"], code)
        return problem


class BodyLimitTest(HttpLimitsTestCase):
    def test_body_over_one_mib_gets_413_and_the_server_keeps_serving(self):
        body = valid_body()
        exactly = body + b" " * (MIB - len(body))  # valid JSON, padded to the limit
        r = self.server.submit(exactly)
        self.assertEqual(r.status, 201, "a body of exactly 1 MiB must be taken: %r" % r)

        over = exactly + b" "
        reply = sp.raw_exchange(self.port, head(b"/api/v1/cases", b"Content-Length: %d\r\n"
                                                % len(over)) + over, timeout=30)
        status, headers, payload = sp.parse_raw_response(reply)
        problem = self.assert_problem(status, headers, payload, 413, "payload_too_large")
        self.assertEqual(headers.get("connection"), "close")
        self.assertIn(str(MIB), problem["title"])
        self.assert_still_serving()

        # Announced by Content-Length alone, before any body byte: refused straight away.
        reply = sp.raw_exchange(self.port, head(b"/api/v1/cases", b"Content-Length: %d\r\n"
                                                % (64 * MIB)), timeout=30)
        self.assert_problem(*sp.parse_raw_response(reply), 413)

        # Chunked, with no length up front: refused once the limit is passed.
        chunk = b"a" * 65536
        chunked = b"".join(b"10000\r\n" + chunk + b"\r\n" for _ in range(17)) + b"0\r\n\r\n"
        reply = sp.raw_exchange(self.port, head(b"/api/v1/cases",
                                                b"Transfer-Encoding: chunked\r\n") + chunked,
                                timeout=30)
        self.assert_problem(*sp.parse_raw_response(reply), 413)
        self.assert_still_serving()


class SmallBodyLimitTest(HttpLimitsTestCase):
    env = {"SHAKWA_SERVER_READ_TIMEOUT_SECONDS": str(READ_TIMEOUT),
           "SHAKWA_SERVER_MAX_BODY_BYTES": "4096"}

    def test_configured_limit_is_enforced(self):
        body = valid_body()
        r = self.server.submit(body + b" " * (4096 - len(body)))
        self.assertEqual(r.status, 201, r)
        r = self.server.submit(body + b" " * (4097 - len(body)))
        self.assertEqual(r.status, 413, r)
        self.assertIn("4096", r.json()["title"])
        self.assert_still_serving()


class SlowClientTest(HttpLimitsTestCase):
    def test_stalled_clients_do_not_block_others_and_are_dropped(self):
        opened = time.monotonic()
        stalled = []
        partials = [
            b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Le",  # half a head
            head(b"/api/v1/cases", b"Content-Length: 100\r\n") + b'{"kind":',  # half a body
            b"",  # connected, silent
        ]
        for i in range(24):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.addCleanup(s.close)
            if partials[i % 3]:
                s.sendall(partials[i % 3])
            stalled.append(s)

        # A trickler: one byte of a never-ending header every 100 ms. A per-read idle timeout
        # would never fire for it; the request as a whole must still be cut off.
        trickle_closed = []

        def trickle():
            s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            try:
                s.sendall(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
                deadline = time.monotonic() + 15
                while time.monotonic() < deadline:
                    try:
                        s.sendall(b"a")
                    except OSError:
                        break
                    s.settimeout(0.1)
                    try:
                        if s.recv(65536) == b"":
                            break
                    except socket.timeout:
                        continue
                    except OSError:
                        break
                trickle_closed.append(time.monotonic() - opened)
            finally:
                s.close()

        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()

        # Meanwhile other clients are served promptly.
        latencies = []
        while time.monotonic() - opened < READ_TIMEOUT * 0.75:
            t = time.monotonic()
            self.assertEqual(self.server.request("GET", "/healthz", timeout=10).status, 200)
            r = self.server.submit()
            self.assertEqual(r.status, 201, r)
            latencies.append(time.monotonic() - t)
        self.assertGreater(len(latencies), 3)
        self.assertLess(max(latencies), 1.5, "other clients waited behind the stalled ones")

        # The stalled connections are dropped once the read timeout passes, not before.
        for s in stalled:
            s.setblocking(False)
            with self.assertRaises(BlockingIOError, msg="a stalled connection was dropped "
                                   "before the read timeout"):
                s.recv(1)
            s.setblocking(True)
        closed_after = []
        for s in stalled:
            data = sp.recv_all(s, max(0.1, opened + READ_TIMEOUT + 8 - time.monotonic()))
            closed_after.append(time.monotonic() - opened)
            self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 408 "), data[:200])
        trickler.join(20)
        print("stalled connections closed after %.2f-%.2f s, the trickler after %s s; "
              "others served in %.3f s at worst"
              % (min(closed_after), max(closed_after),
                 ["%.2f" % t for t in trickle_closed], max(latencies)))
        self.assertGreater(min(closed_after), READ_TIMEOUT * 0.75, "dropped before the timeout")
        self.assertLess(max(closed_after), READ_TIMEOUT + 6, "stalled connections kept open")

        self.assertEqual(len(trickle_closed), 1)
        self.assertLess(trickle_closed[0], READ_TIMEOUT + 6,
                        "a client trickling one byte at a time was never cut off")
        self.assert_still_serving()


class FileDescriptorExhaustionTest(HttpLimitsTestCase):
    env = {"SHAKWA_SERVER_READ_TIMEOUT_SECONDS": "30"}  # the idle clients stay for the test

    def binary_under_test(self):
        # UBSan's vptr check probes memory through a pipe(), which fails once the process is out
        # of descriptors, so a sanitized server reports a false "invalid vptr" and exits. This
        # test therefore runs a build of the same sources without UBSan: the ThreadSanitizer one,
        # which tools/test.sh builds anyway (a separate release build cost CI minutes).
        if not sp.sanitized_with_ubsan():
            return None
        if not sp.NO_UBSAN_BINARY or not os.access(sp.NO_UBSAN_BINARY, os.X_OK):
            raise AssertionError("this test needs a shakwa without UBSan: pass --no-ubsan-binary "
                                 "(tools/test.sh builds build/tsan/shakwa)")
        self.assertFalse(sp.sanitized_with_ubsan(sp.NO_UBSAN_BINARY))
        return sp.NO_UBSAN_BINARY

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.server.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def test_running_out_of_file_descriptors_neither_spins_nor_crashes(self):
        # More idle connections than the process may hold files: accept() fails with EMFILE
        # until some close. The server must wait for that quietly, not retry accept() in a
        # tight loop, and serve again once connections close.
        pid = self.server.proc.pid
        limit = 64
        in_use = len(os.listdir("/proc/%d/fd" % pid))
        self.assertLess(in_use, limit - 8)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, limit))
        clients = []
        for _ in range(limit - in_use + 16):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            self.addCleanup(s.close)
            clients.append(s)
        time.sleep(0.5)
        before, started = self.cpu_seconds(), time.monotonic()
        time.sleep(2)
        rate = (self.cpu_seconds() - before) / (time.monotonic() - started)
        self.assertTrue(self.server.running(), "the server died\n" + self.server.describe())
        for s in clients:
            s.close()
        deadline = time.monotonic() + 15
        while True:
            try:
                self.assertEqual(self.server.request("GET", "/healthz", timeout=5).status, 200)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.assertLess(rate, 0.25, "out of file descriptors, the idle server burnt %.2f CPU "
                        "seconds a second" % rate)
        self.assert_still_serving()


class GarbageTest(HttpLimitsTestCase):
    def test_bytes_that_are_not_http_get_400_and_the_server_keeps_serving(self):
        garbage = {
            "binary": b"\x00\x01\x02garbage\r\n\r\n",
            "tls hello": bytes.fromhex("16030100c4010000c00303") + bytes(range(64)) + b"\r\n\r\n",
            "random": random.Random(1234).randbytes(4096),
            "bad version": b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
            "header without colon": b"GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n",
            "bad length": b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "two lengths": b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                           b"Content-Length: 6\r\n\r\n",
            "bad chunk": b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                         b"\r\n\r\nzz\r\n",
            "huge header": b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
            "NUL in target": b"GET /heal\x00thz HTTP/1.1\r\nHost: x\r\n\r\n",
        }
        for name, data in garbage.items():
            with self.subTest(garbage=name):
                reply = sp.raw_exchange(self.port, data, timeout=10)
                status, headers, payload = sp.parse_raw_response(reply)
                self.assert_problem(status, headers, payload, 400)
                self.assertEqual(headers.get("connection"), "close")
                self.assertEqual(self.server.request("GET", "/healthz").status, 200)
        self.assert_still_serving()


class BadSubmissionsTest(HttpLimitsTestCase):
    def test_200_bad_requests_then_a_valid_one_gets_sequence_1(self):
        good = valid_body()

        def with_field(**changes):
            case = json.loads(good)
            case.update(changes)
            return json.dumps(case, ensure_ascii=False).encode("utf-8")

        json_type = {"Content-Type": "application/json"}
        kinds = [
            ("malformed JSON", b'{"kind": "complaint",', json_type, 400),
            ("truncated JSON", good[:-1], json_type, 400),
            ("invalid UTF-8 in a string", good.replace("علي".encode(), b"\xff\xfe\xfd"),
             json_type, 400),
            ("overlong UTF-8", good.replace("علي".encode(), b"\xc0\xaf"), json_type, 400),
            ("UTF-16 surrogate as UTF-8", good.replace("علي".encode(), b"\xed\xa0\x80"),
             json_type, 400),
            ("wrong content type", good, {"Content-Type": "text/plain"}, 415),
            ("form content type", good, {"Content-Type": "application/x-www-form-urlencoded"},
             415),
            ("no content type", good, {"Content-Type": None}, 415),
            ("empty body", b"", json_type, 400),
            ("JSON array", b"[" + good + b"]", json_type, 400),
            ("JSON string", b'"complaint"', json_type, 400),
            ("JSON null", b"null", json_type, 400),
            ("nested arrays x10000", b"[" * 10000 + b"]" * 10000, json_type, 400),
            ("nested objects x10000", b'{"a":' * 10000 + b"1" + b"}" * 10000, json_type, 400),
            ("nested in a field", with_field(subject=None)[:-1] + b',"x":' + b"[" * 10000
             + b"]" * 10000 + b"}", json_type, 400),
            ("empty object", b"{}", json_type, 422),
            ("unknown field", with_field(extra=1), json_type, 422),
            ("no remedy", with_field(remedy_sought=""), json_type, 422),
            ("bad kind", with_field(kind="praise"), json_type, 422),
            ("staff-only channel", with_field(channel="phone"), json_type, 422),
            ("portal without consent", with_field(channel="portal"), json_type, 422),
            ("bad category", with_field(category="nope"), json_type, 422),
            ("bad mobile", with_field(beneficiary={"kind": "individual", "name": "x",
                                                   "mobile": "12"}), json_type, 422),
            ("no contact", with_field(beneficiary={"kind": "individual", "name": "x"}),
             json_type, 422),
        ]
        conns = [self.server.connection() for _ in range(4)]
        for c in conns:
            self.addCleanup(c.close)
        seen = {}
        for i in range(200):
            name, body, headers, expected = kinds[i % len(kinds)]
            r = sp.request(self.port, "POST", "/api/v1/cases", body, headers,
                           conn=conns[i % len(conns)])
            with self.subTest(kind=name):
                self.assertEqual(r.status, expected, "%s: %r" % (name, r))
                self.assert_problem(r.status, r.headers, r.body, expected)
            seen[name] = seen.get(name, 0) + 1
        self.assertEqual(len(seen), len(kinds))
        self.assertEqual(sum(seen.values()), 200)

        # Nothing was recorded for any of them: the first good case is number 1 of the year.
        r = self.server.submit(conn=conns[0])
        self.assertEqual(r.status, 201, r)
        receipt = r.json()
        self.assertRegex(receipt["reference"], r"^C-\d{4}-000001-\d$")
        self.assertIsNotNone(sp.parse_reference(receipt["reference"]), "bad check digit")
        self.assertEqual(r.header("location"), "/api/v1/cases/" + receipt["reference"])
        self.assertEqual(self.server.view(receipt["reference"], receipt["access_code"]).status,
                         200)


if __name__ == "__main__":
    sp.main()
