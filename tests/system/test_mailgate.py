"""E-mail intake through `shakwa mailgate` against the real binary (issue 5).

One server with a [mailgate] secret, sending its mail to tests/support/sinks.py (a real SMTP
server, run by /usr/bin/python3); each message is piped to `shakwa mailgate --config FILE` as an
MTA would. The tests show: a new message (Arabic, base64 UTF-8 subject) opens a case on the email
channel and is acknowledged by mail; the beneficiary's threaded reply joins the case's public
timeline and answers a request for information; a stranger's reply is internal only; a PDF
attachment is kept with the case; an auto-reply and a bounce open nothing and get no answer;
a wrong secret or a server that is down is "try later" (75) with nothing recorded; and a sender
over max_per_sender_per_hour is taken for a loop and ignored.
"""

import base64
import os
import subprocess
import unittest
import uuid

import shakwa_process as sp
from test_notifications import (DEPT, FROM, STAFF, Sinks, make_staff, wait_until,
                                write_settings)

SECRET = "mailgate-secret-4f1c9a"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
EX_TEMPFAIL = 75

SINKS = None
SERVER = None
PORT = None
ROOT = None
TOKENS = {}


def setUpModule():
    global SINKS, SERVER, PORT, ROOT
    ROOT = sp.scratch_dir("mailgate")
    data = os.path.join(ROOT, "data")
    SINKS = Sinks(os.path.join(ROOT, "sinks")).start()
    try:
        make_staff(data, ["agent", "supervisor", "manager"])
        config = write_settings(
            os.path.join(ROOT, "shakwa.toml"), SINKS, sms=False, webhooks=False,
            extra='[mailgate]\nsecret = "%s"\nmax_per_sender_per_hour = 3\n' % SECRET)
        SERVER = sp.ShakwaServer(data, log_dir=ROOT, args=["--config", config])
        SERVER.start()
        PORT = SERVER.port
        for key in ("agent", "supervisor", "manager"):
            TOKENS[key] = sp.session_token(PORT, STAFF[key][0])
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    try:
        if SERVER is not None:
            code = SERVER.stop()
            assert code == 0, "server exited %r\n%s" % (code, SERVER.describe())
    finally:
        if SINKS is not None:
            SINKS.stop()


def client_config(name, url=None, secret=SECRET):
    """The settings `shakwa mailgate` reads: where the server is and the shared secret."""
    path = os.path.join(ROOT, name + ".toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write('[mailgate]\nsecret = "%s"\nurl = "%s"\n'
                % (secret, url or "http://127.0.0.1:%d" % PORT))
    return path


def mailgate(message, config=None):
    """Pipes message (bytes) to `shakwa mailgate --config …`; the CompletedProcess."""
    return subprocess.run([sp.BINARY, "mailgate", "--config", config or client_config("client")],
                          input=message, env=sp.server_env(), capture_output=True, timeout=120)


def b64_header(text):
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode("utf-8")).decode("ascii")


def b64_lines(data):
    encoded = base64.b64encode(data).decode("ascii")
    return "\r\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


def message(sender, subject, text, headers=(), attachment=None, sender_name=None):
    """An RFC 5322 message (CRLF); subject and text base64 UTF-8; attachment: (name, type,
    bytes) makes it multipart/mixed."""
    message_id = "<%s@mail.example.org>" % uuid.uuid4().hex
    head = ["From: %s <%s>" % (b64_header(sender_name), sender) if sender_name
            else "From: %s" % sender,
            "To: complaints@centre.example",
            "Subject: " + b64_header(subject),
            "Date: Mon, 01 Dec 2025 10:00:00 +0300",
            "Message-ID: " + message_id,
            "MIME-Version: 1.0"] + list(headers)
    text_part = ["Content-Type: text/plain; charset=utf-8",
                 "Content-Transfer-Encoding: base64", "", b64_lines(text.encode("utf-8"))]
    if attachment is None:
        lines = head + text_part
    else:
        name, media_type, data = attachment
        boundary = "=_shakwa_" + uuid.uuid4().hex
        lines = head + ['Content-Type: multipart/mixed; boundary="%s"' % boundary, "",
                        "--" + boundary] + text_part + [
            "--" + boundary,
            'Content-Type: %s; name="%s"' % (media_type, name),
            'Content-Disposition: attachment; filename="%s"' % name,
            "Content-Transfer-Encoding: base64", "", b64_lines(data),
            "--%s--" % boundary]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def email_cases():
    """reference -> queue item of every case on the email channel (as the manager sees them)."""
    out = {}
    path = "/api/v1/cases?channel=email&limit=200"
    r = sp.api(PORT, "GET", path, token=TOKENS["manager"])
    if r.status != 200:
        raise AssertionError("GET %s: %r" % (path, r))
    for item in r.json()["items"]:
        out[item["reference"]] = item
    return out


def staff_view(reference, who="manager"):
    r = sp.api(PORT, "GET", "/api/v1/cases/" + reference, token=TOKENS[who])
    if r.status != 200:
        raise AssertionError("GET %s: %r" % (reference, r))
    return r.json()


def changes(view):
    """The case's timeline without the dispatcher's delivery records, which come in between
    whenever a message goes out."""
    return [e for e in view["timeline"] if not e["type"].startswith("notification_")]


def act(reference, action, body, who):
    version = staff_view(reference)["version"]
    r = sp.api(PORT, "POST", "/api/v1/cases/%s/%s" % (reference, action),
               dict(body, version=version), token=TOKENS[who])
    if r.status != 200:
        raise AssertionError("%s on %s: %r" % (action, reference, r))


def mailgate_statuses():
    """The statuses of the server's answers to POST /api/v1/mailgate, from its request log."""
    return [line["status"] for line in SERVER.log_lines()
            if line.get("msg") == "request" and line.get("path") == "/api/v1/mailgate"]


class MailgateTestCase(unittest.TestCase):
    maxDiff = None

    def answered(self, before, status):
        """The server logged one more answer to the mailgate since before, with status."""
        got = wait_until(lambda: "the server's request log line for the mailgate POST",
                         lambda: mailgate_statuses()[before:], timeout=10)
        self.assertEqual(got, [status])

    def taken(self, msg, config=None, status=None):
        """Runs the mailgate; expects exit 0 (and the server's answer status, if given)."""
        before = len(mailgate_statuses())
        r = mailgate(msg, config)
        self.assertEqual(r.returncode, 0, "mailgate: exit %r\n%s" % (r.returncode, r.stderr))
        if status is not None:
            self.answered(before, status)
        return r

    def open_case(self, sender, subject, text, **kw):
        """Sends a new message; (reference, its acknowledgement mail)."""
        before = set(email_cases())
        self.taken(message(sender, subject, text, **kw), status=201)
        opened = set(email_cases()) - before
        self.assertEqual(len(opened), 1, "cases opened: %r" % opened)
        reference = opened.pop()
        ack = SINKS.wait_mail("acknowledgement:" + reference)
        self.assertEqual(ack.record["rcpt_tos"], [sender])
        return reference, ack

    def mails_to(self, address):
        return [m for m in SINKS.mails() if address in m.record["rcpt_tos"]]


class NewMessageTest(MailgateTestCase):
    def test_new_message_opens_an_email_case_and_is_acknowledged(self):
        sender = "khalid.new@example.org"
        subject = "تأخر صرف الدفعة الثانية من العقد"
        text = "السلام عليكم،\nلم تُصرف الدفعة الثانية منذ تسعين يومًا."
        reference, ack = self.open_case(sender, subject, text, sender_name="خالد الحربي")
        self.assertIsNotNone(sp.parse_reference(reference), reference)
        view = staff_view(reference)
        self.assertEqual((view["channel"], view["status"], view["language"]),
                         ("email", "received", "ar"))
        self.assertEqual(view["subject"], subject)
        self.assertIn("لم تُصرف الدفعة الثانية", view["description"])
        # The manager's view masks contact data; the contact centre's shows it in full.
        beneficiary = staff_view(reference, "agent")["beneficiary"]
        self.assertEqual((beneficiary["email"], beneficiary["name"]),
                         (sender, "خالد الحربي"))
        self.assertEqual(view["preferred_channel"], "email")
        # The acknowledgement goes back in Arabic, with the reference in the subject, and it
        # carries the access code that opens the case.
        self.assertTrue(ack.subject.startswith("[%s]" % reference), ack.subject)
        self.assertEqual(ack.header("Content-Language"), "ar")
        self.assertEqual(ack.header("Auto-Submitted"), "auto-generated")
        self.assertIn('dir="rtl"', ack.html)
        code = next(line.split(":", 1)[1].strip() for line in ack.text.splitlines()
                    if line.startswith("رمز الدخول:"))
        r = sp.api(PORT, "GET", "/api/v1/cases/" + reference, access_code=code)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["reference"], reference)

    def test_message_with_a_pdf_attachment_keeps_the_file(self):
        sender = "invoice.sender@example.org"
        reference, _ = self.open_case(sender, "Unpaid invoice 5512",
                                      "Please find the invoice attached.",
                                      attachment=("invoice-5512.pdf", "application/pdf", PDF))
        view = staff_view(reference)
        self.assertEqual(view["language"], "en")
        [attachment] = view["attachments"]
        self.assertEqual((attachment["filename"], attachment["media_type"], attachment["size"]),
                         ("invoice-5512.pdf", "application/pdf", len(PDF)))
        r = sp.api(PORT, "GET", attachment["href"], token=TOKENS["manager"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, PDF)


    def test_html_only_message_is_reduced_to_safe_text(self):
        sender = "html.only@example.org"
        html = ("<html><head><style>p {color: red}</style><script>alert('x-script')</script>"
                "</head><body><p>The tender <b>result</b> was late &amp; unexplained.</p>"
                "<img src=x onerror=alert(1)></body></html>")
        msg = message(sender, "HTML complaint", "placeholder").replace(
            b"Content-Type: text/plain; charset=utf-8", b"Content-Type: text/html; charset=utf-8")
        msg = msg.replace(b64_lines(b"placeholder").encode(), b64_lines(html.encode()).encode())
        before = set(email_cases())
        self.taken(msg, status=201)
        [reference] = set(email_cases()) - before
        description = staff_view(reference)["description"]
        self.assertIn("result", description)
        self.assertIn("late & unexplained", description)
        for unsafe in ("<", ">", "x-script", "alert", "color: red", "onerror"):
            self.assertNotIn(unsafe, description)


class ThreadTest(MailgateTestCase):
    def test_replies_join_the_case_and_answer_a_request_for_information(self):
        sender = "mona.thread@example.org"
        reference, ack = self.open_case(sender, "شكوى من تأخر الترسية",
                                        "تأخرت ترسية المنافسة رقم 44 أكثر من شهرين.")
        cases = set(email_cases())

        # A reply by subject ("Re: [ref]") from the beneficiary: a public event.
        self.taken(message(sender, "Re: [%s] إشعار استلام" % reference,
                           "أضيف أن العرض قُدّم في الموعد. (رد-أول-61)"), status=200)
        view = staff_view(reference)
        received = [e for e in view["timeline"] if e["type"] == "email_received"]
        self.assertEqual(len(received), 1, [e["type"] for e in view["timeline"]])
        self.assertEqual(received[0]["visibility"], "public")
        self.assertIn("(رد-أول-61)", received[0]["data"]["text"])
        self.assertEqual(view["status"], "received")

        # Staff ask for information; the beneficiary's answer by mail (threaded by In-Reply-To
        # only, the subject without the reference) moves the case back to work.
        act(reference, "assess", {"department": DEPT}, "agent")
        act(reference, "request-info", {"text": "ما تاريخ تقديم العرض؟"}, "supervisor")
        self.assertEqual(staff_view(reference)["status"], "awaiting_beneficiary")
        info = SINKS.wait_mail("information_requested:%s:v%d"
                               % (reference, staff_view(reference)["version"]))
        self.taken(message(sender, "Re: تاريخ العرض", "قُدّم العرض في 3 رمضان. (رد-ثان-62)",
                           headers=["In-Reply-To: " + info.message_id,
                                    "References: %s %s" % (ack.message_id, info.message_id)]),
                   status=200)
        view = staff_view(reference)
        self.assertEqual(view["status"], "in_progress")
        last = changes(view)[-1]
        self.assertEqual((last["type"], last["visibility"], last.get("from_status"),
                          last.get("status")),
                         ("email_received", "public", "awaiting_beneficiary", "in_progress"),
                         last)
        self.assertIn("(رد-ثان-62)", last["data"]["text"])

        # The beneficiary sees both mails on their own timeline.
        code = next(line.split(":", 1)[1].strip() for line in ack.text.splitlines()
                    if line.startswith("رمز الدخول:"))
        mine = sp.api(PORT, "GET", "/api/v1/cases/" + reference, access_code=code).json()
        self.assertEqual(len([e for e in mine["timeline"] if e["type"] == "email_received"]), 2)

        # A stranger's reply to the thread: internal only, from whom is kept; no status change.
        stranger = "someone.else@example.net"
        self.taken(message(stranger, "Re: [%s]" % reference, "I am not the beneficiary (x-63)"),
                   status=200)
        view = staff_view(reference)
        last = changes(view)[-1]
        self.assertEqual((last["type"], last["visibility"]),
                         ("email_from_unknown_sender", "internal"), last)
        self.assertEqual(last["data"].get("from"), stranger)
        self.assertEqual(view["status"], "in_progress")
        mine = sp.api(PORT, "GET", "/api/v1/cases/" + reference, access_code=code)
        self.assertNotIn(b"x-63", mine.body)
        self.assertNotIn(stranger.encode(), mine.body)
        # Replies open no case of their own; the stranger gets no acknowledgement.
        self.assertEqual(set(email_cases()), cases)
        self.assertFalse(self.mails_to(stranger))


class MachineMailTest(MailgateTestCase):
    def test_auto_replies_and_bounces_open_nothing_and_get_no_answer(self):
        before = set(email_cases())
        auto = "away.person@example.org"
        self.taken(message(auto, "Out of office", "I am away until Sunday.",
                           headers=["Auto-Submitted: auto-replied"]), status=200)
        bulk = "newsletter@lists.example.org"
        self.taken(message(bulk, "Weekly digest", "News.", headers=["Precedence: bulk"]),
                   status=200)
        # A delivery report, known by its type whoever sends it, and a plain bounce from
        # MAILER-DAEMON.
        reporter = "delivery-notices@mx.example.org"
        boundary = "=_report_" + uuid.uuid4().hex
        report = "\r\n".join([
            "From: Mail Delivery System <%s>" % reporter,
            "To: %s" % FROM,
            "Subject: Undelivered Mail Returned to Sender",
            "Message-ID: <%s@mx.example.org>" % uuid.uuid4().hex,
            "MIME-Version: 1.0",
            'Content-Type: multipart/report; report-type=delivery-status; boundary="%s"'
            % boundary, "",
            "--" + boundary, "Content-Type: text/plain", "",
            "Your message could not be delivered.",
            "--" + boundary, "Content-Type: message/delivery-status", "",
            "Reporting-MTA: dns; mx.example.org", "",
            "Final-Recipient: rfc822; nobody@example.org", "Action: failed", "Status: 5.1.1",
            "--%s--" % boundary, ""]).encode()
        self.taken(report, status=200)
        # Our own address (a message of ours come back): answering it would start a loop.
        self.taken(message(FROM, "[C-2026-000001-5] returned", "our own mail"), status=200)
        daemon = "MAILER-DAEMON@mx.example.org"
        self.taken(message(daemon, "Undelivered Mail Returned to Sender",
                           "This is the mail system at host mx.example.org."), status=200)
        self.assertEqual(set(email_cases()), before, "machine mail opened a case")

        # A person's message after them is acknowledged: by then the machine mail would have
        # been answered too, had it been.
        reference, _ = self.open_case("real.person@example.org", "Late payment",
                                      "A real complaint.")
        for address in (auto, bulk, reporter, daemon.lower(), daemon, FROM):
            self.assertFalse(self.mails_to(address), "an answer to machine mail " + address)
        self.assertEqual(set(email_cases()) - before, {reference})


class RefusedTest(MailgateTestCase):
    def test_wrong_secret_is_try_later_and_records_nothing(self):
        before = set(email_cases())
        sender = "wrong.secret@example.org"
        logged = len(mailgate_statuses())
        r = mailgate(message(sender, "Secretless", "should not arrive"),
                     client_config("wrong", secret="not-the-secret"))
        self.assertEqual(r.returncode, EX_TEMPFAIL, r.stderr)
        self.answered(logged, 401)
        self.assertEqual(set(email_cases()), before)
        # The same message with the right secret is taken: the refusal was the secret's alone.
        reference, _ = self.open_case(sender, "With the secret", "arrives")
        self.assertEqual(staff_view(reference)["description"], "arrives")
        self.assertEqual(len(self.mails_to(sender)), 1)

    def test_server_down_is_try_later(self):
        before = set(email_cases())
        r = mailgate(message("down@example.org", "Nobody home", "no server"),
                     client_config("down", url="http://127.0.0.1:%d" % sp.free_port()))
        self.assertEqual(r.returncode, EX_TEMPFAIL, r.stderr)
        self.assertIn(b"mailgate", r.stderr)
        self.assertEqual(set(email_cases()), before)

    def test_unreadable_message_is_a_data_error(self):
        before = set(email_cases())
        logged = len(mailgate_statuses())
        r = mailgate(b"")
        self.assertEqual(r.returncode, 65, "an empty message: %r" % (r.stderr,))
        self.answered(logged, 422)
        self.assertEqual(set(email_cases()), before)


class LoopTest(MailgateTestCase):
    def test_more_than_the_hourly_limit_from_one_sender_is_ignored(self):
        sender = "looping.robot@example.org"
        opened = [self.open_case(sender, "Loop message %d" % n, "text %d" % n)[0]
                  for n in range(1, 4)]
        self.assertEqual(len(set(opened)), 3)
        before = set(email_cases())
        self.taken(message(sender, "Loop message 4", "text 4"), status=200)  # ignored
        self.assertEqual(set(email_cases()), before, "the fourth message opened a case")
        # Another sender is not held back; once its acknowledgement is out, none went to the
        # looping sender for the fourth.
        self.open_case("not.looping@example.org", "Another message", "text")
        self.assertEqual(len(self.mails_to(sender)), 3)


if __name__ == "__main__":
    sp.main()
