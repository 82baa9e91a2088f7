"""Shared helpers for the process-level tests of the real `shakwa` binary.

Standard library only. Each test file is run as

    python3 test_x.py --binary PATH/TO/shakwa --scratch SCRATCH_DIR [unittest arguments]

`parse_args()` (called from `main()`) takes --binary and --scratch off sys.argv and leaves the
rest to unittest.

`ShakwaServer` starts `shakwa serve` on 127.0.0.1 with port 0 and reads the port the server
chose from its JSON "listening" log line. Its stdout and stderr go to files in the scratch
directory (never a pipe: a pipe nobody drains would fill up and stall the server's logging), so
they can be read while it runs and are kept for a post-mortem. Every process is stopped by its
PID: SIGTERM, then SIGKILL after a timeout.
"""

import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
import uuid

BINARY = None
# Where the servers keep their data: "sqlite" (the data directory, the default) or "postgres" (a
# fresh schema in the cluster SHAKWA_TEST_POSTGRES_URL names; see PostgresSchema). Set by --storage.
STORAGE = "sqlite"
# A build of the same sources without UndefinedBehaviorSanitizer (the ThreadSanitizer one), for
# the behaviour UBSan's runtime itself disturbs (running out of file descriptors).
NO_UBSAN_BINARY = None
SCRATCH = None

# The server is built with AddressSanitizer in CI, which makes start-up and every request slower.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0

VALID_CASE = {
    "kind": "complaint",
    "channel": "api",
    "category": "payments",
    "subject": "تأخر صرف المستخلص",
    "description": "وصف",
    "remedy_sought": "صرف",
    "language": "ar",
    "beneficiary": {"kind": "individual", "name": "علي", "mobile": "0551234567"},
}

REFERENCE_RE = re.compile(r"^([CSRT])-(\d{4})-(\d{4,9})-(\d)$")

_DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]


def damm(digits):
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def parse_reference(text):
    """(prefix, year, sequence) of a well-formed reference with a good check digit, else None."""
    m = REFERENCE_RE.match(text or "")
    if not m:
        return None
    prefix, year, seq, check = m.groups()
    if damm(year + seq) != int(check):
        return None
    return prefix, int(year), int(seq)


def with_bad_check_digit(reference):
    """The same reference with a wrong check digit."""
    head, check = reference[:-1], int(reference[-1])
    return head + str((check + 1) % 10)


def parse_args():
    """Takes --binary, --no-ubsan-binary, --scratch and --storage off sys.argv."""
    global BINARY, SCRATCH, NO_UBSAN_BINARY, STORAGE
    rest = [sys.argv[0]]
    args = sys.argv[1:]
    i = 0
    while i < len(args):
        if args[i] in ("--binary", "--no-ubsan-binary", "--scratch", "--storage") \
                and i + 1 < len(args):
            if args[i] == "--binary":
                BINARY = os.path.abspath(args[i + 1])
            elif args[i] == "--no-ubsan-binary":
                NO_UBSAN_BINARY = os.path.abspath(args[i + 1])
            elif args[i] == "--storage":
                STORAGE = args[i + 1]
                if STORAGE not in ("sqlite", "postgres"):
                    sys.exit("--storage: %r is neither sqlite nor postgres" % STORAGE)
            else:
                SCRATCH = os.path.abspath(args[i + 1])
            i += 2
            continue
        rest.append(args[i])
        i += 1
    sys.argv = rest
    if BINARY is None:
        BINARY = os.environ.get("SHAKWA_SYSTEM_TEST_BINARY")
    if SCRATCH is None:
        SCRATCH = os.environ.get("SHAKWA_SYSTEM_TEST_SCRATCH", "/tmp/shakwa-system-tests")
    if not BINARY or not os.access(BINARY, os.X_OK):
        sys.exit("usage: %s --binary PATH/TO/shakwa --scratch DIR [unittest args]" % rest[0])
    os.makedirs(SCRATCH, exist_ok=True)


def main():
    parse_args()
    unittest.main(verbosity=2)


def sanitized_with_ubsan(binary=None):
    """True if the binary links UndefinedBehaviorSanitizer (the ci and dev presets)."""
    with open(binary or BINARY, "rb") as f:
        return b"__ubsan_handle_" in f.read()


def scratch_dir(name):
    """A fresh, empty directory under the scratch dir (removed first if left from a past run)."""
    path = os.path.join(SCRATCH, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def server_env(extra=None):
    """This process's environment without any SHAKWA_* variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAKWA_")}
    if extra:
        env.update(extra)
    return env


def with_storage(env, args):
    """env for a command with args, put on STORAGE: under --storage postgres, a command naming a
    data directory (--data DIR) works on that installation's own schema (data_dir_storage_env);
    settings the caller gave win."""
    args = list(args)
    if STORAGE != "postgres" or "--data" not in args[:-1]:
        return env
    out = data_dir_storage_env(args[args.index("--data") + 1])
    out.update(env or {})
    return out


def run_cli(args, env=None, timeout=60, cwd=None):
    """Runs `shakwa ARGS` to completion; returns the CompletedProcess (text mode)."""
    return subprocess.run(
        [BINARY] + list(args),
        env=server_env(with_storage(env, args)),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def stop_pid(proc, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
    """Sends sig to the process by its PID, waits, then SIGKILLs it. Returns the exit code."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        os.kill(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return proc.wait(timeout=30)


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def json_lines(text):
    """Every line of text parsed as JSON; a line that is not JSON fails loudly."""
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out


# -- PostgreSQL: a throw-away schema in the test cluster ---------------------------------------

POSTGRES_URL_VARIABLE = "SHAKWA_TEST_POSTGRES_URL"


def postgres_base_url():
    """The test cluster's URL (a superuser role); fails the test when it is not set."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        raise AssertionError("%s is not set: run the tests through tools/test.sh (it starts a "
                             "throw-away PostgreSQL)" % POSTGRES_URL_VARIABLE)
    return url


def psql_binary():
    found = shutil.which("psql")
    if found:
        return found
    for version in ("17", "16", "15", "14", "13"):
        path = "/usr/lib/postgresql/%s/bin/psql" % version
        if os.access(path, os.X_OK):
            return path
    raise AssertionError("no psql (install postgresql-client)")


def with_search_path(url, schema):
    """url, reaching only schema (a libpq URI gets options=-csearch_path=<schema>)."""
    return url + ("&" if "?" in url else "?") + "options=-csearch_path%3D" + schema


def with_parameter(url, name, value):
    """url with one more libpq parameter (name=value) in its query."""
    return url + ("&" if "?" in url else "?") + name + "=" + value


def password_of(url):
    parsed = urllib.parse.urlparse(url)
    if parsed.password:
        return urllib.parse.unquote(parsed.password)
    query = urllib.parse.parse_qs(parsed.query)
    return query.get("password", [None])[0]


_FIELD_SEPARATOR = "\x1f"


def psql(url, sql, timeout=60):
    """Runs sql with psql against url; returns the rows of its last query as lists of strings
    (unaligned, no headers; a NULL is ""). Raises AssertionError with psql's message on failure."""
    proc = subprocess.run([psql_binary(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                           "-F", _FIELD_SEPARATOR, "-d", url, "-c", sql],
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError("psql %r: %s" % (sql, proc.stderr))
    return [line.split(_FIELD_SEPARATOR) for line in proc.stdout.splitlines() if line != ""]


class PsqlSession:
    """One psql process kept open: one connection (so a transaction or a lock outlives a
    query), and queries without the cost of starting psql each time. Stopped by close() (PID)."""

    _END = "__shakwa_psql_end__"

    def __init__(self, url, timeout=60):
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [psql_binary(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-F",
             _FIELD_SEPARATOR, "-d", url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            bufsize=1)
        self.stderr = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    def query(self, sql):
        """The rows of sql (one or more statements; the rows of all of them) as lists of strings.
        Raises AssertionError if psql stopped (an error, with ON_ERROR_STOP)."""
        try:
            self.proc.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo %s\n" % self._END)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise AssertionError("psql session gone: %s" % "".join(self.stderr))
        rows = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait(self.timeout)
                raise AssertionError("psql session ended at %r: %s" % (sql, "".join(self.stderr)))
            line = line.rstrip("\n")
            if line == self._END:
                return rows
            if line != "":
                rows.append(line.split(_FIELD_SEPARATOR))

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            stop_pid(self.proc, timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass


class PostgresSchema:
    """A fresh, empty schema in the test cluster (named prefix_<pid>_<random>), and the URL that
    reaches only it. drop() removes it with everything in it."""

    def __init__(self, prefix):
        self.base_url = postgres_base_url()
        self.name = "%s_%d_%s" % (prefix, os.getpid(), uuid.uuid4().hex[:8])
        psql(self.base_url, "CREATE SCHEMA %s" % self.name)
        self.url = with_search_path(self.base_url, self.name)

    def env(self, application_name=None):
        """The settings (environment) of a server or command on this schema; application_name
        names its connections in pg_stat_activity."""
        url = self.url
        if application_name:
            url = with_parameter(url, "application_name", application_name)
        return {"SHAKWA_STORAGE_KIND": "postgres", "SHAKWA_STORAGE_URL": url}

    def query(self, sql, timeout=60):
        """The rows of sql run in this schema (see psql())."""
        return psql(self.url, sql, timeout)

    def value(self, sql):
        """The single value sql returns, as a string."""
        rows = self.query(sql)
        if len(rows) != 1 or len(rows[0]) != 1:
            raise AssertionError("%r returned %r, not one value" % (sql, rows))
        return rows[0][0]

    def session(self):
        """A PsqlSession in this schema."""
        return PsqlSession(self.url)

    def drop(self):
        psql(self.base_url, "DROP SCHEMA IF EXISTS %s CASCADE" % self.name)


def storage_env(test, prefix):
    """For a test that runs on STORAGE: the environment that puts a server or command on it.
    On "postgres", a fresh schema (dropped when test ends: addCleanup) and its settings; on
    "sqlite", nothing (the data directory)."""
    if STORAGE != "postgres":
        return {}
    schema = PostgresSchema(prefix)
    test.addCleanup(schema.drop)
    test.schema = schema
    return schema.env()


_SCHEMAS_BY_DATA = {}
_SCHEMAS_LOCK = threading.Lock()


def data_dir_storage_env(data):
    """Under --storage postgres, the settings that keep the installation whose data directory is
    data in a schema of its own (made on first use, dropped when the test process exits), so a
    test written for SQLite runs unchanged on PostgreSQL; {} on sqlite."""
    if STORAGE != "postgres" or data is None:
        return {}
    key = os.path.abspath(data)
    with _SCHEMAS_LOCK:
        schema = _SCHEMAS_BY_DATA.get(key)
        if schema is None:
            schema = PostgresSchema("t")
            _SCHEMAS_BY_DATA[key] = schema
            atexit.register(schema.drop)
    return schema.env()


class ServerStartError(AssertionError):
    pass


class ShakwaServer:
    """One `shakwa serve` process on 127.0.0.1 and an ephemeral port.

    data: the data directory (--data); logs go to <log_dir>/<name>.<n>.stdout/.stderr;
    cwd: the working directory (default: this process's).
    """

    _counter = 0
    _counter_lock = threading.Lock()

    def __init__(self, data, env=None, args=None, listen="127.0.0.1:0", log_dir=None,
                 name="server", cwd=None, binary=None):
        self.binary = binary or BINARY
        self.data = data
        self.cwd = cwd
        self.env = dict(env or {})
        self.args = list(args or [])
        self.listen = listen
        self.log_dir = log_dir or os.path.dirname(os.path.abspath(data))
        self.name = name
        self.proc = None
        self.port = None
        self.listening = None
        self.stdout_path = None
        self.stderr_path = None

    # -- life cycle -----------------------------------------------------------------------

    def start(self, timeout=START_TIMEOUT):
        with ShakwaServer._counter_lock:
            ShakwaServer._counter += 1
            n = ShakwaServer._counter
        base = os.path.join(self.log_dir, "%s.%d" % (self.name, n))
        self.stdout_path = base + ".stdout"
        self.stderr_path = base + ".stderr"
        cmd = [self.binary, "serve", "--data", self.data]
        if self.listen is not None:
            cmd += ["--listen", self.listen]
        cmd += self.args
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            env = data_dir_storage_env(self.data)
            env.update(self.env)
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         env=server_env(env), cwd=self.cwd)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log_lines():
                if line.get("msg") == "listening":
                    self.listening = line
                    self.port = int(line["port"])
                    return self
            if self.proc.poll() is not None:
                raise ServerStartError(
                    "shakwa serve exited with %s before listening\nstdout:\n%s\nstderr:\n%s"
                    % (self.proc.returncode, self.stdout(), self.stderr()))
            time.sleep(0.02)
        self.kill()
        raise ServerStartError("shakwa serve did not log 'listening' within %.0f s\nstdout:\n%s"
                               "\nstderr:\n%s" % (timeout, self.stdout(), self.stderr()))

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Signals the server by PID and waits; SIGKILL after timeout. Returns the exit code."""
        if self.proc is None:
            return None
        return stop_pid(self.proc, sig, timeout)

    def kill(self):
        """SIGKILL by PID, then reap."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.kill(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def wait(self, timeout):
        """Exit code, or None if still running after timeout."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- output ---------------------------------------------------------------------------

    def stdout(self):
        return read_text(self.stdout_path) if self.stdout_path else ""

    def stderr(self):
        return read_text(self.stderr_path) if self.stderr_path else ""

    def log_lines(self):
        """The JSON lines logged so far; a torn last line (being written) is left out."""
        out = []
        for line in self.stdout().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def describe(self):
        return "stdout:\n%s\nstderr:\n%s" % (self.stdout()[-4000:], self.stderr()[-4000:])

    # -- HTTP -----------------------------------------------------------------------------

    def connection(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=30, conn=None):
        return request(self.port, method, path, body, headers, timeout, conn)

    def submit(self, case=None, conn=None, headers=None):
        return submit(self.port, case, conn, headers)

    def view(self, reference, access_code, conn=None):
        return view(self.port, reference, access_code, conn)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # name (lower case) -> value
        self.body = body  # bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "Response(%d, %r, %r)" % (self.status, self.headers, self.body[:500])


def request(port, method, path, body=None, headers=None, timeout=30, conn=None):
    """One HTTP request; on conn (keep-alive) if given, else on a fresh connection.

    body: bytes, str or a JSON-able object, sent as application/json unless headers name a
    Content-Type (a header given as None is left out). Raises what http.client raises on a broken connection.
    """
    headers = dict(headers or {})
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body, ensure_ascii=False).encode("utf-8")
    elif isinstance(body, str):
        body = body.encode("utf-8")
    if body is not None and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    headers = {k: v for k, v in headers.items() if v is not None}  # None: leave the header out
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        if own:
            conn.close()


def multipart(fields, files):
    """fields: {name: str}; files: [(field, filename, bytes)] -> (content type, body)."""
    boundary = "----shakwa" + uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)
                ).encode() + value.encode("utf-8") + b"\r\n"
    for field, filename, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, field, filename)
                ).encode("utf-8") + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return "multipart/form-data; boundary=" + boundary, out


def submit(port, case=None, conn=None, headers=None):
    return request(port, "POST", "/api/v1/cases", case if case is not None else VALID_CASE,
                   headers, conn=conn)


def view(port, reference, access_code, conn=None):
    return request(port, "GET", "/api/v1/cases/" + reference,
                   headers={"X-Access-Code": access_code}, conn=conn)


def free_port():
    """A port that was free a moment ago (only for settings that must name a port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_exchange(port, data, timeout=10, read_until_close=True):
    """Sends raw bytes and returns every byte the server sends back until it closes (or timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return recv_all(s, timeout) if read_until_close else s.recv(65536)


def recv_all(sock, timeout):
    """Reads until the peer closes, resets, or timeout passes."""
    chunks = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def parse_raw_response(data):
    """(status, headers, body) of the first HTTP response in data; raises ValueError if none."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no complete response head in %r" % data[:200])
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"^HTTP/1\.[01] (\d{3}) ", lines[0] + " ")
    if not m:
        raise ValueError("bad status line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if len(rest) < length:
        raise ValueError("truncated body: %d of %d bytes" % (len(rest), length))
    return int(m.group(1)), headers, rest[:length]


# -- a raw keep-alive client that can tell "no answer" from "half an answer" ------------------


class NoResponse(Exception):
    """The connection failed before a single byte of a response arrived."""


class HalfResponse(Exception):
    """Some bytes of a response arrived, then the connection ended: a torn answer."""

    def __init__(self, received, why):
        super().__init__("%s after %d bytes: %r" % (why, len(received), received[:300]))
        self.received = received


class RawClient:
    """HTTP/1.1 over one keep-alive socket, parsing responses by hand so that a response cut off
    part-way is seen as such (http.client reports some of those as plain connection errors)."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.sock = None
        self.buffer = b""

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.buffer = b""

    def exchange(self, method, path, body=b"", headers=None):
        """Returns a Response; raises NoResponse or HalfResponse, or socket.timeout on a hang."""
        if self.sock is None:
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
            except OSError as e:
                raise NoResponse("connect: %r" % e)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % self.port]
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append("Content-Length: %d" % len(body))
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        try:
            self.sock.sendall(data)
        except OSError as e:
            self.close()
            raise NoResponse("send: %r" % e)
        received = b""
        try:
            while True:
                try:
                    status, hdrs, payload, used = _parse_one(received)
                except _NeedMore:
                    pass
                else:
                    if len(received) != used:
                        self.close()
                        raise HalfResponse(received, "bytes after the response")
                    if hdrs.get("connection", "").lower() == "close":
                        self.close()
                    return Response(status, hdrs, payload)
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionResetError("closed by peer")
                received += chunk
        except socket.timeout:
            self.close()
            raise
        except (ConnectionError, OSError) as e:
            self.close()
            if received:
                raise HalfResponse(received, repr(e))
            raise NoResponse("recv: %r" % e)


class _NeedMore(Exception):
    pass


def _parse_one(data):
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        if len(data) > 65536:
            raise HalfResponse(data, "no end of head")
        raise _NeedMore()
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"^HTTP/1\.1 (\d{3}) ", lines[0] + " ")
    if not m:
        raise HalfResponse(data, "bad status line")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if len(rest) < length:
        raise _NeedMore()
    return int(m.group(1)), headers, rest[:length], len(head) + 4 + length


# -- a test case that owns servers and bursts ------------------------------------------------


class ServersAndBurstsTestCase(unittest.TestCase):
    """Keeps every server and burst a test starts, and stops them all, bursts first, whatever
    the test's outcome. Subclasses name their scratch directory with `scratch_name()`."""

    def scratch_name(self):
        return self._testMethodName

    def setUp(self):
        self.root = scratch_dir(self.scratch_name())
        self.data = os.path.join(self.root, "data")
        self.servers = []
        self.bursts = []

    def tearDown(self):
        for burst in self.bursts:
            burst.stop()
        for server in self.servers:
            server.stop()
        for burst in self.bursts:
            burst.join(30)


# -- a bounded burst of concurrent submissions -----------------------------------------------


class Burst:
    """`clients` threads, each submitting valid cases over its own keep-alive connection, until
    stop(), a connection failure, `per_client` submissions, or `duration` seconds.

    acked: (reference, access_code, subject) of every complete 201.
    statuses: status -> count of every complete response.
    bad: complete responses that were not 201 (Response objects).
    half: HalfResponse errors (torn answers); lost: NoResponse errors; hangs: timeouts.
    """

    def __init__(self, port, clients=32, per_client=200, duration=30.0, tag="b", timeout=30):
        self.port = port
        self.clients = clients
        self.per_client = per_client
        self.duration = duration
        self.tag = tag
        self.timeout = timeout
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self.acked = []
        self.acked_at = []  # time.monotonic() of each 201, in the order of acked
        self.statuses = {}
        self.bad = []
        self.half = []
        self.lost = []
        self.hangs = []
        self.threads = []

    def start(self):
        self.deadline = time.monotonic() + self.duration
        for i in range(self.clients):
            t = threading.Thread(target=self._client, args=(i,), daemon=True)
            self.threads.append(t)
            t.start()
        return self

    def _client(self, i):
        client = RawClient(self.port, timeout=self.timeout)
        try:
            for n in range(self.per_client):
                if self.stopping.is_set() or time.monotonic() > self.deadline:
                    return
                case = dict(VALID_CASE)
                case["subject"] = "%s %s-%d-%d" % (VALID_CASE["subject"], self.tag, i, n)
                body = json.dumps(case, ensure_ascii=False).encode("utf-8")
                try:
                    r = client.exchange("POST", "/api/v1/cases", body,
                                        {"Content-Type": "application/json"})
                except NoResponse as e:
                    with self.lock:
                        self.lost.append(str(e))
                    return
                except HalfResponse as e:
                    with self.lock:
                        self.half.append(str(e))
                    return
                except socket.timeout:
                    with self.lock:
                        self.hangs.append("client %d request %d" % (i, n))
                    return
                with self.cond:
                    self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
                    if r.status == 201:
                        try:
                            receipt = r.json()
                            self.acked.append((receipt["reference"], receipt["access_code"],
                                               case["subject"]))
                            self.acked_at.append(time.monotonic())
                        except (ValueError, KeyError):
                            self.bad.append(r)
                        self.cond.notify_all()
                    else:
                        self.bad.append(r)
        finally:
            client.close()

    def wait_for_acks(self, n, timeout):
        """True once at least n 201s have arrived; False after timeout or if every client ended."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.acked) < n:
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive():
                    return False
                self.cond.wait(min(left, 0.05))
            return True

    def alive(self):
        return sum(1 for t in self.threads if t.is_alive())

    def stop(self):
        self.stopping.set()

    def join(self, timeout=60):
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        return self.alive() == 0


def verify_readable(port, acked, workers=8):
    """GETs every (reference, access_code, subject) with its code; returns a list of failures."""
    failures = []
    lock = threading.Lock()
    items = list(acked)

    def work(part):
        client = RawClient(port)
        try:
            for reference, code, subject in part:
                try:
                    r = client.exchange("GET", "/api/v1/cases/" + reference,
                                        headers={"X-Access-Code": code})
                except (NoResponse, HalfResponse, socket.timeout) as e:
                    with lock:
                        failures.append((reference, "no answer: %s" % e))
                    continue
                problem = _check_view(r, reference, subject)
                if problem:
                    with lock:
                        failures.append((reference, problem))
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(items[i::workers],)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def _check_view(r, reference, subject):
    if r.status != 200:
        try:
            return "status %d (%s)" % (r.status, r.json().get("code"))
        except ValueError:
            return "status %d: %r" % (r.status, r.body[:200])
    try:
        v = r.json()
    except ValueError:
        return "not JSON: %r" % r.body[:300]
    if v.get("reference") != reference:
        return "reference %r" % v.get("reference")
    if v.get("status") != "received":
        return "status %r" % v.get("status")
    if subject is not None and v.get("subject") != subject:
        return "subject %r, expected %r" % (v.get("subject"), subject)
    types = [e.get("type") for e in v.get("timeline", [])]
    if "received" not in types:
        return "timeline %r has no 'received' event" % (v.get("timeline"),)
    if "access_code" in v:
        return "the view repeats the access code"
    return None


# -- Staff: accounts from the command line, sign-in and authenticated calls --------------------

# A password that meets the strength rules (12+ characters, letters with digits or symbols) and
# contains no e-mail's local part of the kind the tests use.
STAFF_PASSWORD = "Qm7#vT2pLx9!wR"


def run_cli_input(args, input_text, env=None, timeout=60, cwd=None):
    """Runs `shakwa ARGS` with input_text on its standard input; returns the CompletedProcess."""
    return subprocess.run(
        [BINARY] + list(args),
        input=input_text,
        env=server_env(with_storage(env, args)),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def add_department_cli(data, code, name_ar, name_en, env=None):
    """`shakwa department add CODE --name-ar … --name-en … --data DATA`: the CompletedProcess."""
    return run_cli(["department", "add", code, "--name-ar", name_ar, "--name-en", name_en,
                    "--data", data], env=env)


def add_user_cli(data, email, name, role, password=STAFF_PASSWORD, department=None, env=None):
    """`shakwa user add EMAIL … --password-stdin --data DATA`, the password on standard input."""
    args = ["user", "add", email, "--name", name, "--role", role]
    if department is not None:
        args += ["--department", department]
    args += ["--password-stdin", "--data", data]
    return run_cli_input(args, password + "\n", env=env)


def api(port, method, path, body=None, token=None, access_code=None, headers=None,
        language="en", timeout=30, conn=None):
    """One API call as staff (token: Authorization: Bearer) or as a beneficiary (access_code:
    X-Access-Code), or with neither; Accept-Language: language unless None."""
    h = {}
    if language is not None:
        h["Accept-Language"] = language
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if access_code is not None:
        h["X-Access-Code"] = access_code
    h.update(headers or {})
    return request(port, method, path, body, h, timeout, conn)


def sign_in(port, email, password=STAFF_PASSWORD):
    """POST /api/v1/auth/login; the Response."""
    return api(port, "POST", "/api/v1/auth/login", {"email": email, "password": password})


def session_token(port, email, password=STAFF_PASSWORD):
    """Signs in and returns the token; raises AssertionError with the answer if refused."""
    r = sign_in(port, email, password)
    if r.status != 200:
        raise AssertionError("sign-in of %s refused: %r" % (email, r))
    return r.json()["token"]


def audit_records(port, token, page=500):
    """Every audit record, following the trail's `next` links (GET /api/v1/audit, auditor)."""
    out = []
    path = "/api/v1/audit?limit=%d" % page
    while path:
        r = api(port, "GET", path, token=token)
        if r.status != 200:
            raise AssertionError("GET %s: %r" % (path, r))
        body = r.json()
        out.extend(body["items"])
        path = body.get("next")
    return out


def database_files(data):
    """The database and its WAL and shared-memory files in a data directory, where they exist."""
    base = os.path.join(data, "shakwa.db")
    return [p for p in (base, base + "-wal", base + "-shm") if os.path.exists(p)]
