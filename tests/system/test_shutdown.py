"""Graceful shutdown: on SIGTERM or SIGINT the server stops accepting, answers every request it has
read, closes the database and exits 0; every case it acknowledged is there after a restart."""

import os
import signal
import socket
import time
import unittest

import shakwa_process as sp

GRACE = 5  # [server] shutdown_grace_seconds for these tests
SLACK = 15  # sanitizer builds exit slowly; a hang is still caught


class ShutdownTest(sp.ServersAndBurstsTestCase):
    def scratch_name(self):
        return "shutdown-" + self._testMethodName

    def start_server(self, env=None):
        env = dict(env or {})
        env.setdefault("SHAKWA_SERVER_SHUTDOWN_GRACE_SECONDS", str(GRACE))
        server = sp.ShakwaServer(self.data, env=env, log_dir=self.root, name="server")
        self.servers.append(server)
        return server.start()

    def assert_stopped_cleanly(self, server, code, elapsed, limit):
        self.assertEqual(code, 0, "exit code %r\n%s" % (code, server.describe()))
        self.assertLess(elapsed, limit, "took %.1f s to exit" % elapsed)
        lines = sp.json_lines(server.stdout())  # every line, torn ones included, must be JSON
        stopped = [line for line in lines if line.get("msg") == "stopped"]
        self.assertEqual(len(stopped), 1, "no single 'stopped' line\n" + server.describe())
        self.assertEqual(lines[-1]["msg"], "stopped", "something was logged after 'stopped'")
        return stopped[0]

    def test_sigterm_during_burst(self):
        server = self.start_server()
        burst = sp.Burst(server.port, clients=16, per_client=300, duration=30, tag="term")
        self.bursts.append(burst)
        burst.start()
        self.assertTrue(burst.wait_for_acks(100, timeout=25), "no 201s\n" + server.describe())
        in_flight = burst.alive()
        signalled = time.monotonic()
        server.signal(signal.SIGTERM)
        code = server.wait(GRACE + SLACK)
        elapsed = time.monotonic() - signalled
        self.assertTrue(burst.join(60))
        print("SIGTERM with %d clients running: exit %r after %.2f s; statuses %r, "
              "%d answered after the signal, %d refused/closed, %d torn"
              % (in_flight, code, elapsed, burst.statuses,
                 sum(1 for at in burst.acked_at if at > signalled), len(burst.lost),
                 len(burst.half)))
        self.assertGreater(in_flight, 0, "the burst had ended before SIGTERM")
        # Requests read before the signal are answered, not dropped: with 16 clients always
        # waiting on an answer, some answers must come after the signal.
        self.assertGreater(sum(1 for at in burst.acked_at if at > signalled), 0,
                           "no request in flight at SIGTERM was answered")

        stopped = self.assert_stopped_cleanly(server, code, elapsed, GRACE + 5)
        # No half responses: every answer that began was complete.
        self.assertEqual(burst.half, [], "torn responses")
        self.assertEqual(burst.hangs, [], "requests never answered")
        # Every complete answer is a 201, or a clean problem (503, nothing recorded).
        for r in burst.bad:
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.header("content-type"), "application/problem+json", r)
        self.assertGreaterEqual(stopped["writes"], len(burst.acked))

        server = self.start_server()
        failures = sp.verify_readable(server.port, burst.acked)
        if failures:
            self.fail("%d of %d cases acknowledged before SIGTERM unreadable after restart; "
                      "first: %r" % (len(failures), len(burst.acked), failures[:5]))
        self.assertEqual(server.stop(), 0)

    def test_sigint_exits_zero(self):
        server = self.start_server()
        r = server.submit()
        self.assertEqual(r.status, 201, r)
        receipt = r.json()
        signalled = time.monotonic()
        server.signal(signal.SIGINT)
        code = server.wait(GRACE + SLACK)
        self.assert_stopped_cleanly(server, code, time.monotonic() - signalled, GRACE + 5)

        server = self.start_server()
        r = server.view(receipt["reference"], receipt["access_code"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(server.stop(signal.SIGINT), 0)

    def test_idle_keepalive_connection_does_not_hold_up_shutdown(self):
        # With a long grace period, an idle keep-alive connection must be closed at once, not
        # waited on until the grace period runs out.
        server = self.start_server({"SHAKWA_SERVER_SHUTDOWN_GRACE_SECONDS": "60"})
        idle = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        self.addCleanup(idle.close)
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = idle.recv(65536)
        self.assertTrue(first.startswith(b"HTTP/1.1 200 "), first)
        self.assertNotIn(b"connection: close", first.lower())

        signalled = time.monotonic()
        server.signal(signal.SIGTERM)
        code = server.wait(SLACK)
        elapsed = time.monotonic() - signalled
        self.assert_stopped_cleanly(server, code, elapsed, 10)
        self.assertEqual(sp.recv_all(idle, 5), b"", "the idle connection got bytes, not a close")

        # It no longer accepts connections.
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5).close()


if __name__ == "__main__":
    sp.main()
