#!/usr/bin/python3
"""Real SMTP and HTTP servers that record what Shakwa sends them, for tests.

The SMTP server is aiosmtpd (Debian's python3-aiosmtpd, installed by tools/install-deps.sh), so
run this with an interpreter that can import it: /usr/bin/python3, not a pyenv one. The rest is
standard library (Python 3.11+).

    /usr/bin/python3 sinks.py --dir DIR [--smtp-port 0] [--http-port 0]
                     [--smtp-user U --smtp-password P]
                     [--tls-cert CERT --tls-key KEY [--smtps-port 0]] [--hold N]
                     [--fail-status S --fail-count K] [--max-seconds 600]

Everything listens on 127.0.0.1; port 0 picks an ephemeral one. Once every server listens,
DIR/ports.json is written atomically (written beside, then renamed): {"smtp": p, "http": p}, plus
"smtps": p when a certificate is given. A test waits for that file to know the sinks are ready.

SMTP (ESMTP, aiosmtpd on the same asyncio loop as the HTTP side):
  * Each message is kept as DIR/mail/NNNN.eml, exactly the bytes received between DATA and the
    final "." with the dot-stuffing undone, and described by a line appended to DIR/mail.jsonl:
    {"n", "mail_from", "rcpt_tos", "file", "message_id", "auth_user", "tls"} ("mail_from" is ""
    for the null sender). Both are written before the 250 reply, so a client that got 250 can
    read them at once. Lines of the message longer than 1000 bytes are refused, as RFC 5321 asks.
  * --smtp-user/--smtp-password: AUTH PLAIN and LOGIN are offered and required before MAIL
    (530 5.7.0 otherwise); a wrong password gets 535 5.7.8.
  * --tls-cert/--tls-key: STARTTLS is offered and required before anything but EHLO, NOOP and
    QUIT (530 otherwise); AUTH is offered only once TLS is on. A second listener speaks implicit
    TLS (smtps) on --smtps-port, with AUTH offered at once.
  * Recipients whose local part starts with "bounce" get 550 5.1.1 and those starting with
    "defer" get 451 4.3.0, so a test can provoke the permanent and the transient refusal. A
    message to a recipient starting with "stall" is taken (250) and then the session goes silent,
    answering nothing more, not even QUIT, until the client leaves or 300 s pass.

HTTP/1.1 (keep-alive, Content-Length or chunked bodies):
  * Every POST, to any path, is recorded as a line of DIR/http.jsonl:
    {"n", "path", "headers": {lower-case name: value}, "body": text, "status": answered or null}
    ("body_base64" as well when the body is not UTF-8), then answered 200 {"ok":true}.
  * --hold N: the first N POSTs are recorded and never answered: the connection stays open
    until the client goes away or 300 s pass, so a test can stop a sender mid-delivery.
  * --fail-status S --fail-count K: the first K POSTs (counted with the held ones) not held get
    status S instead (with a Location header when S is 3xx).
  * A POST to /status/S (not held) is answered with status S, so one sink serves a table of
    statuses; a POST to /endless with a 200 whose body never ends.
  * GET /requests: the recorded POSTs as a JSON array; GET /mail: mail.jsonl likewise.

SIGTERM or SIGINT stops everything at once; so does --max-seconds (600 by default), so a sink
whose test died does not linger.
"""

import argparse
import asyncio
import base64
import email.parser
import email.policy
import json
import logging
import os
import signal
import ssl
import sys
import warnings

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    sys.exit("sinks.py: %s cannot import aiosmtpd: install python3-aiosmtpd (tools/install-deps.sh)"
             " and run sinks.py with /usr/bin/python3" % sys.executable)

HOLD_SECONDS = 300
MAX_LINE = 64 * 1024
MAX_MESSAGE = 64 * 1024 * 1024
HOST = "127.0.0.1"


def write_atomically(path, data):
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    # No fsync: readers are other processes on the same machine, and a crash loses the test
    # anyway. The rename alone makes a reader see all of the file or none of it.
    os.replace(temporary, path)


def append_line(path, record):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


class SmtpSink:
    """What the SMTP listeners share: the options, the directory and the message count."""

    def __init__(self, args, directory):
        self.args = args
        self.directory = directory
        self.count = 0
        self.tls_context = None
        if args.tls_cert:
            self.tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls_context.load_cert_chain(args.tls_cert, args.tls_key)
        os.makedirs(os.path.join(directory, "mail"), exist_ok=True)

    def protocol(self, implicit_tls):
        """A factory of aiosmtpd sessions for one listener (smtps when implicit_tls)."""
        handler = SmtpHandler(self, implicit_tls)
        user = self.args.smtp_user
        loop = asyncio.get_running_loop()
        return lambda: SMTP(
            handler,
            loop=loop,
            hostname="shakwa-sink",  # not socket.getfqdn(): a DNS lookup at every session
            ident="ESMTP",
            data_size_limit=MAX_MESSAGE,
            enable_SMTPUTF8=True,
            # STARTTLS only on the plain listener, where it is then required (RFC 3207).
            tls_context=None if implicit_tls else self.tls_context,
            require_starttls=not implicit_tls and self.tls_context is not None,
            # aiosmtpd counts only STARTTLS as TLS: on smtps, and without a certificate, AUTH
            # must not wait for it.
            auth_require_tls=not implicit_tls and self.tls_context is not None,
            auth_required=user is not None,
            authenticator=handler.authenticate if user is not None else None,
            # Also how long a "stall" session stays silent before it is closed.
            timeout=HOLD_SECONDS)

    def store(self, mail_from, rcpt_tos, data, auth_user, tls):
        self.count += 1
        name = "%04d.eml" % self.count
        write_atomically(os.path.join(self.directory, "mail", name), data)
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
        append_line(os.path.join(self.directory, "mail.jsonl"), {
            "n": self.count,
            "mail_from": mail_from,
            "rcpt_tos": rcpt_tos,
            "file": os.path.join("mail", name),
            "message_id": (headers.get("Message-ID") or "").strip() or None,
            "auth_user": auth_user,
            "tls": tls,
        })
        return self.count


class SmtpHandler:
    """The aiosmtpd handler of one listener: aiosmtpd speaks the protocol, this decides."""

    def __init__(self, sink, implicit_tls):
        self.sink = sink
        self.implicit_tls = implicit_tls

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        # aiosmtpd's own PLAIN and LOGIN decode the exchange and hand over a LoginPassword.
        ok = (mechanism in ("PLAIN", "LOGIN")
              and auth_data.login.decode("utf-8", "replace") == self.sink.args.smtp_user
              and auth_data.password.decode("utf-8", "replace") == self.sink.args.smtp_password)
        if ok:
            return AuthResult(success=True, auth_data=self.sink.args.smtp_user)
        # handled=False: aiosmtpd then answers 535 5.7.8 itself (True would mean we had answered).
        return AuthResult(success=False, handled=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.lower()
        if local.startswith("bounce"):
            return "550 5.1.1 Mailbox unavailable"
        if local.startswith("defer"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        # original_content: the bytes between DATA and ".", dot-stuffing undone, nothing decoded.
        n = self.sink.store(
            "" if envelope.mail_from == "<>" else envelope.mail_from,  # aiosmtpd's null sender
            list(envelope.rcpt_tos),
            envelope.original_content,
            session.auth_data if session.authenticated else None,
            self.implicit_tls or session.ssl is not None)
        reply = "250 2.0.0 OK: queued as %04d" % n
        if not any(to.lower().startswith("stall") for to in envelope.rcpt_tos):
            return reply
        # "stall": the 250 goes out now and then nothing more, not even to QUIT. aiosmtpd reads
        # no command while this hook runs, so it waits here until the client goes away (aiosmtpd
        # cancels the session) or the session's timeout (HOLD_SECONDS) closes the connection.
        await server.push(reply)
        await asyncio.get_running_loop().create_future()

    async def handle_exception(self, error):
        # One line in the log instead of aiosmtpd's traceback (a client's failed TLS handshake,
        # which the tests provoke, comes here too).
        print("sinks: SMTP session: %r" % error, file=sys.stderr)
        return "451 4.3.0 Error in the sink: %s" % type(error).__name__


class HttpSink:
    def __init__(self, args, directory):
        self.args = args
        self.directory = directory
        self.posts = 0
        self.log = os.path.join(directory, "http.jsonl")

    async def connection(self, reader, writer):
        try:
            while await self.exchange(reader, writer):
                pass
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                asyncio.CancelledError):
            pass  # as in SmtpSink.session
        finally:
            writer.close()

    async def exchange(self, reader, writer):
        """Reads one request and answers it; False when the connection is to be closed."""
        try:
            request_line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError:
            return False
        method, path, version = request_line.decode("latin-1").split()
        headers = {}
        while True:
            line = (await reader.readuntil(b"\n")).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = headers[name] + ", " + value if name in headers else value
        body = await self.read_body(reader, writer, headers)
        keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"

        if method == "GET" and path in ("/requests", "/mail"):
            file = self.log if path == "/requests" else os.path.join(self.directory, "mail.jsonl")
            await self.answer(writer, 200, json.dumps(read_lines(file)), keep_alive)
            return keep_alive
        if method != "POST":
            await self.answer(writer, 404, '{"ok":false}', keep_alive)
            return keep_alive

        self.posts += 1
        n = self.posts
        held = n <= self.args.hold
        status = None
        if not held:
            failing = self.args.fail_status is not None and n <= self.args.fail_count
            status = self.args.fail_status if failing else 200
            wanted = path.split("?")[0].split("/")
            if len(wanted) == 3 and wanted[1] == "status" and wanted[2].isdigit():
                status = int(wanted[2])
        record = {"n": n, "path": path, "headers": headers, "status": status}
        try:
            record["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            record["body"] = body.decode("utf-8", "replace")
            record["body_base64"] = base64.b64encode(body).decode()
        append_line(self.log, record)

        if held:
            # Until the client goes away (EOF or reset) or the hold ends; never an answer.
            try:
                await asyncio.wait_for(reader.read(), HOLD_SECONDS)
            except asyncio.TimeoutError:
                pass
            return False
        if path.split("?")[0] == "/endless" and status == 200:
            await self.answer_endlessly(writer)
            return False
        extra = {"Location": "/moved"} if 300 <= status < 400 else {}
        body_text = '{"ok":true}' if status == 200 else '{"ok":false}'
        await self.answer(writer, status, body_text, keep_alive, extra)
        return keep_alive

    async def read_body(self, reader, writer, headers):
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = bytearray()
            while True:
                size = int((await reader.readuntil(b"\n")).split(b";")[0].strip(), 16)
                if size == 0:
                    while (await reader.readuntil(b"\n")).strip():
                        pass  # trailers
                    return bytes(body)
                body += await reader.readexactly(size)
                await reader.readuntil(b"\n")
        length = int(headers.get("content-length", "0"))
        if length > MAX_MESSAGE:
            raise ValueError("body too large")
        return await reader.readexactly(length)

    async def answer_endlessly(self, writer):
        """200 and a chunked body that goes on until the client hangs up or the hold ends."""
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
        loop = asyncio.get_running_loop()
        give_up = loop.time() + HOLD_SECONDS
        while loop.time() < give_up:
            writer.write(chunk)
            await writer.drain()

    async def answer(self, writer, status, body, keep_alive, extra=None):
        data = body.encode()
        lines = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Status")),
                 "Content-Type: application/json",
                 "Content-Length: %d" % len(data),
                 "Connection: " + ("keep-alive" if keep_alive else "close")]
        lines += ["%s: %s" % item for item in (extra or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        await writer.drain()


REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect",
           308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found", 408: "Request Timeout", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


async def serve(args):
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    smtp = SmtpSink(args, directory)
    http = HttpSink(args, directory)
    loop = asyncio.get_running_loop()
    # aiosmtpd's sessions on this loop, as its Controller would run them on a thread of its own.
    servers = [
        await loop.create_server(smtp.protocol(implicit_tls=False), HOST, args.smtp_port),
        await asyncio.start_server(http.connection, HOST, args.http_port, limit=MAX_LINE),
    ]
    ports = {"smtp": servers[0].sockets[0].getsockname()[1],
             "http": servers[1].sockets[0].getsockname()[1]}
    if smtp.tls_context is not None:
        servers.append(await loop.create_server(smtp.protocol(implicit_tls=True), HOST,
                                                args.smtps_port, ssl=smtp.tls_context))
        ports["smtps"] = servers[2].sockets[0].getsockname()[1]

    stop = asyncio.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    write_atomically(os.path.join(directory, "ports.json"), json.dumps(ports).encode())
    try:
        await asyncio.wait_for(stop.wait(), args.max_seconds)
    except asyncio.TimeoutError:
        print("sinks: stopping after --max-seconds %s" % args.max_seconds, file=sys.stderr)
    # Not wait_closed(): from Python 3.12 it waits for held connections too. asyncio.run cancels
    # the sessions still open.
    for server in servers:
        server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--smtp-port", type=int, default=0)
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--smtps-port", type=int, default=0)
    parser.add_argument("--smtp-user")
    parser.add_argument("--smtp-password")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--hold", type=int, default=0)
    parser.add_argument("--fail-status", type=int)
    parser.add_argument("--fail-count", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    if (args.smtp_user is None) != (args.smtp_password is None):
        parser.error("--smtp-user and --smtp-password go together")
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    # AUTH without TLS is what the tests ask for when they give no certificate: no warning for it,
    # nor for aiosmtpd's other notes; its errors still reach the log.
    warnings.filterwarnings("ignore", module="aiosmtpd")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
