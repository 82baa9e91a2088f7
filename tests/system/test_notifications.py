"""Notifications against the real binary and real receivers (issue 5).

tests/support/sinks.py (run by /usr/bin/python3, which has aiosmtpd) is a real SMTP server and
an HTTP receiver on loopback; `shakwa serve` is pointed at them by its settings file. The tests
show: the acknowledgement, progress, request-for-information and decision mails of a case in
Arabic and in English (headers, right-to-left HTML, threading under the acknowledgement); the
SMS gateway's JSON with its Idempotency-Key; webhook events signed with HMAC-SHA256, in order and
without personal data; a server killed between sending and recording loses nothing and sends the
duplicate under the same Idempotency-Key / Message-ID; and a receiver that fails twice gets the
message on the third attempt, each attempt on the case's (internal) timeline.

Sinks is used by test_mailgate.py too.
"""

import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import subprocess
import time
import unittest

import shakwa_process as sp

SINKS_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "support",
                        "sinks.py")
# Debian's interpreter: it has python3-aiosmtpd, which a pyenv python3 on PATH cannot import.
SYSTEM_PYTHON = "/usr/bin/python3"

FROM = "shakwa@centre.example"
WEBHOOK_SECRET = "whsec-7e1d0c55-notification-tests"
CENTRE_AR = "مركز شكاوى المشتريات"
CENTRE_EN = "The Procurement Complaints Centre"
PUBLIC_URL = "https://complaints.centre.example"
DEPT = "procurement"

MESSAGE_ID_RE = re.compile(r"^<shakwa\.([CSRT]-\d{4}-\d+-\d)\.[0-9a-f]{16}@centre\.example>$")


def wait_until(what, probe, timeout=30.0, interval=0.1):
    """Polls probe() until it returns something truthy (returned) or timeout seconds pass; then
    fails naming what was awaited (what: a string, or a callable that describes the state)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("waited %.0f s for %s" % (timeout, what() if callable(what)
                                                           else what))
        time.sleep(interval)


# -- the receivers ----------------------------------------------------------------------------


class Mail:
    """One message the SMTP sink took: its mail.jsonl record and the parsed message."""

    def __init__(self, record, raw):
        self.record = record
        self.raw = raw
        self.message = email.message_from_bytes(raw, policy=email.policy.default)

    def header(self, name):
        value = self.message[name]
        return None if value is None else str(value)

    @property
    def key(self):
        return self.header("X-Shakwa-Notification")

    @property
    def subject(self):
        return self.header("Subject") or ""

    @property
    def message_id(self):
        return self.header("Message-ID")

    def part(self, subtype):
        body = self.message.get_body(preferencelist=(subtype,))
        return None if body is None else body.get_content()

    @property
    def text(self):
        return self.part("plain")

    @property
    def html(self):
        return self.part("html")

    def __repr__(self):
        return "Mail(to=%r, key=%r, subject=%r)" % (self.record.get("rcpt_tos"), self.key,
                                                     self.subject)


class Sinks:
    """One sinks.py process (SMTP and HTTP on 127.0.0.1, ephemeral ports), stopped by PID."""

    def __init__(self, directory, *options):
        self.dir = directory
        self.options = [str(o) for o in options]
        self.proc = None
        self.ports = None

    def start(self, timeout=30.0):
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(self.dir, "sinks.stdout"), "wb") as out, \
                open(os.path.join(self.dir, "sinks.stderr"), "wb") as err:
            self.proc = subprocess.Popen(
                [SYSTEM_PYTHON, SINKS_PY, "--dir", self.dir, "--smtp-port", "0", "--http-port",
                 "0", "--max-seconds", "600"] + self.options,
                stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        ports_file = os.path.join(self.dir, "ports.json")

        def ready():
            if self.proc.poll() is not None:
                raise AssertionError("sinks.py exited with %s:\n%s" % (
                    self.proc.returncode, sp.read_text(os.path.join(self.dir, "sinks.stderr"))))
            return os.path.exists(ports_file)

        wait_until("sinks.py to write ports.json", ready, timeout)
        with open(ports_file) as f:
            self.ports = json.load(f)
        return self

    def stop(self):
        if self.proc is not None:
            sp.stop_pid(self.proc, timeout=10)

    @property
    def smtp_port(self):
        return self.ports["smtp"]

    @property
    def http_port(self):
        return self.ports["http"]

    def mails(self):
        out = []
        for record in self._lines("mail.jsonl"):
            with open(os.path.join(self.dir, record["file"]), "rb") as f:
                out.append(Mail(record, f.read()))
        return out

    def posts(self, path=None):
        """The recorded POSTs (path: only those to it), in the order they arrived."""
        return [p for p in self._lines("http.jsonl") if path is None or p["path"] == path]

    def _lines(self, name):
        # The sink appends whole lines; a line being written is left for the next look.
        out = []
        for line in sp.read_text(os.path.join(self.dir, name)).splitlines(keepends=True):
            if line.endswith("\n") and line.strip():
                out.append(json.loads(line))
        return out

    def wait_mail(self, key, timeout=30.0):
        """The first mail whose X-Shakwa-Notification is key."""
        def find():
            return next((m for m in self.mails() if m.key == key), None)
        return wait_until(lambda: "a mail %s; got %r" % (key, self.mails()), find, timeout)

    def wait_posts(self, what, predicate, count=1, path=None, timeout=30.0):
        """At least count recorded POSTs (to path) matching predicate; all those found."""
        def find():
            found = [p for p in self.posts(path) if predicate(p)]
            return found if len(found) >= count else None
        return wait_until(lambda: "%d POST(s) %s; got %r" % (
            count, what, [(p["path"], p["headers"].get("idempotency-key"))
                          for p in self.posts()]), find, timeout)


def write_settings(path, sinks, smtp=True, sms=True, webhooks=True, smtp_timeout=10, extra=""):
    """A settings file that sends everything to sinks, quickly and with one-second back-off."""
    parts = []
    if smtp:
        parts.append('[smtp]\nurl = "smtp://127.0.0.1:%d"\nfrom = "%s"\ntimeout_seconds = %d\n'
                     % (sinks.smtp_port, FROM, smtp_timeout))
    if sms:
        parts.append('[sms]\nurl = "http://127.0.0.1:%d/sms"\n' % sinks.http_port)
    if webhooks:
        parts.append('[webhooks]\nurl = "http://127.0.0.1:%d/hooks"\nsecret = "%s"\n'
                     % (sinks.http_port, WEBHOOK_SECRET))
    parts.append('[notifications]\npoll_milliseconds = 100\nretry_base_seconds = 1\n'
                 'retry_cap_seconds = 4\nmax_attempts = 6\npublic_url = "%s"\n'
                 'centre_ar = "%s"\ncentre_en = "%s"\n' % (PUBLIC_URL, CENTRE_AR, CENTRE_EN))
    # No escalation sweep: nothing but the tests' own actions queues a message.
    parts.append("[sweep]\ninterval_seconds = 0\n")
    parts.append(extra)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    return path


def ok(result, what):
    if result.returncode != 0:
        raise AssertionError("%s: exit %r\nstdout:\n%s\nstderr:\n%s"
                             % (what, result.returncode, result.stdout, result.stderr))
    return result


STAFF = {
    "agent": ("agent.nour@centre.example", "Nour Agent", "agent", None),
    "supervisor": ("super.fahd@centre.example", "Fahd Supervisor", "supervisor", DEPT),
    "handler": ("handler.reem@centre.example", "Reem Handler", "handler", DEPT),
    "manager": ("manager.maha@centre.example", "Maha Manager", "manager", None),
}


def make_staff(data, keys):
    """migrate, the department, and the staff named by keys, from the command line."""
    ok(sp.run_cli(["migrate", "--data", data]), "migrate")
    ok(sp.add_department_cli(data, DEPT, "المشتريات", "Procurement"), "department add")
    for key in keys:
        email_address, name, role, department = STAFF[key]
        ok(sp.add_user_cli(data, email_address, name, role, department=department),
           "user add " + email_address)


def verify_signature(header, body, secret=WEBHOOK_SECRET, tolerance=600):
    """None if header ("t=…,v1=…") signs body under secret within tolerance, else why not."""
    fields = dict(item.split("=", 1) for item in (header or "").split(",") if "=" in item)
    if "t" not in fields or "v1" not in fields:
        return "no t or v1 in %r" % header
    if abs(int(fields["t"]) - time.time()) > tolerance:
        return "timestamp %s is not now" % fields["t"]
    expected = hmac.new(secret.encode(), (fields["t"] + ".").encode() + body.encode("utf-8"),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["v1"]):
        return "v1 %s is not HMAC-SHA256(secret, t.body) = %s" % (fields["v1"], expected)
    return None


def timeline(port, token, reference):
    r = sp.api(port, "GET", "/api/v1/cases/" + reference, token=token)
    if r.status != 200:
        raise AssertionError("GET %s as staff: %r" % (reference, r))
    return r.json()["timeline"]


def attempts(port, token, reference, recipient=None, template=None):
    """(type, template, recipient, attempt) of the case's notification_* timeline events."""
    out = []
    for e in timeline(port, token, reference):
        if not e["type"].startswith("notification_"):
            continue
        d = e.get("data") or {}
        if recipient is not None and d.get("recipient") != recipient:
            continue
        if template is not None and d.get("template") != template:
            continue
        out.append((e["type"], d.get("template"), d.get("recipient"), d.get("attempt")))
    return out


# -- one server and one pair of receivers for the message-content tests --------------------------

SINKS = None
SERVER = None
PORT = None
TOKENS = {}
IDS = {}


def setUpModule():
    global SINKS, SERVER, PORT
    root = sp.scratch_dir("notifications")
    data = os.path.join(root, "data")
    SINKS = Sinks(os.path.join(root, "sinks")).start()
    try:
        make_staff(data, ["agent", "supervisor", "handler", "manager"])
        config = write_settings(os.path.join(root, "shakwa.toml"), SINKS)
        SERVER = sp.ShakwaServer(data, log_dir=root, args=["--config", config])
        SERVER.start()
        PORT = SERVER.port
        for key in STAFF:
            TOKENS[key] = sp.session_token(PORT, STAFF[key][0])
            IDS[key] = sp.api(PORT, "GET", "/api/v1/auth/me", token=TOKENS[key]).json()["id"]
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


_serial = [0]


def new_case(language="ar", email_address=None, mobile=None, preferred=None, name=None):
    _serial[0] += 1
    beneficiary = {"kind": "individual", "name": name or ("سلمى العتيبي" if language == "ar"
                                                          else "Salma Otaibi")}
    if email_address:
        beneficiary["email"] = email_address
    if mobile:
        beneficiary["mobile"] = mobile
    body = {
        "kind": "complaint", "channel": "api", "category": "payments", "language": language,
        "subject": ("تأخر صرف مستحقات العقد %d" % _serial[0] if language == "ar"
                    else "Late payment of contract dues %d" % _serial[0]),
        "description": "وصف" if language == "ar" else "Description",
        "remedy_sought": "صرف" if language == "ar" else "Payment",
        "beneficiary": beneficiary,
    }
    if preferred:
        body["preferred_channel"] = preferred
    r = sp.api(PORT, "POST", "/api/v1/cases", body)
    if r.status != 201:
        raise AssertionError("intake refused: %r" % r)
    return r.json()["reference"], r.json()["access_code"], body


def act(reference, action, body, who):
    """A staff action on the case's current version; the new version."""
    version = sp.api(PORT, "GET", "/api/v1/cases/" + reference,
                     token=TOKENS["manager"]).json()["version"]
    r = sp.api(PORT, "POST", "/api/v1/cases/%s/%s" % (reference, action),
               dict(body, version=version), token=TOKENS[who])
    if r.status != 200:
        raise AssertionError("%s on %s by %s: %r" % (action, reference, who, r))
    return r.json()


def answer(reference, code, text):
    version = sp.api(PORT, "GET", "/api/v1/cases/" + reference,
                     access_code=code).json()["version"]
    r = sp.api(PORT, "POST", "/api/v1/cases/%s/beneficiary-replies" % reference,
               {"text": text, "version": version}, access_code=code)
    if r.status != 200:
        raise AssertionError("beneficiary reply on %s: %r" % (reference, r))
    return r.json()


def version_of(reference):
    return sp.api(PORT, "GET", "/api/v1/cases/" + reference,
                  token=TOKENS["manager"]).json()["version"]


class MailTest(unittest.TestCase):
    """The beneficiary's mails of one complaint, from acknowledgement to decision."""

    maxDiff = None

    def check_headers(self, mail, reference, address, language, key):
        self.assertEqual(mail.record["rcpt_tos"], [address], mail)
        self.assertEqual(mail.record["mail_from"], FROM, mail)
        self.assertIn(address, mail.header("To"))
        self.assertIn(FROM, mail.header("From"))
        self.assertTrue(mail.subject.startswith("[%s]" % reference), mail.subject)
        self.assertEqual(mail.key, key)
        self.assertEqual(mail.header("X-Shakwa-Reference"), reference)
        self.assertEqual(mail.header("Content-Language"), language)
        self.assertEqual(mail.header("Auto-Submitted"), "auto-generated")
        m = MESSAGE_ID_RE.match(mail.message_id or "")
        self.assertIsNotNone(m, "Message-ID %r" % mail.message_id)
        self.assertEqual(m.group(1), reference)
        self.assertEqual(mail.message.get_content_type(), "multipart/alternative")
        self.assertEqual([p.get_content_type() for p in mail.message.iter_parts()],
                         ["text/plain", "text/html"])
        for part in mail.message.iter_parts():
            self.assertEqual(part.get_content_charset(), "utf-8")
        # Every line short and ASCII on the wire (quoted-printable or base64 bodies).
        for line in mail.raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)
        mail.raw.decode("ascii")
        dir_attr = 'dir="rtl"' if language == "ar" else 'dir="ltr"'
        self.assertIn(dir_attr, mail.html)
        self.assertIn('lang="%s"' % language, mail.html)

    def check_thread(self, mail, ack):
        self.assertEqual(mail.header("In-Reply-To"), ack.message_id, mail)
        self.assertIn(ack.message_id, mail.header("References") or "", mail)
        self.assertNotEqual(mail.message_id, ack.message_id)

    def run_case(self, language, texts):
        address = "beneficiary.%s.%d@example.org" % (language, _serial[0] + 1)
        reference, code, body = new_case(language, email_address=address, preferred="email")

        # The acknowledgement: reference, access code, in the case's language.
        ack = SINKS.wait_mail("acknowledgement:" + reference)
        self.check_headers(ack, reference, address, language, "acknowledgement:" + reference)
        self.assertIsNone(ack.header("In-Reply-To"), "the acknowledgement starts the thread")
        for part in (ack.text, ack.html):
            self.assertIn(reference, part)
            self.assertIn(code, part)
            self.assertIn(body["subject"], part)
            self.assertIn(texts["ack_words"], part)
            self.assertIn(texts["centre"], part)
        self.assertIn(texts["ack_subject"], ack.subject)
        self.assertIn(PUBLIC_URL + "/track" + texts["lang_query"], ack.text)
        self.assertIn(body["beneficiary"]["name"], ack.text)

        # Routed and answered in public: a progress mail quoting the reply.
        act(reference, "assess", {"department": DEPT}, "agent")
        reply = texts["reply"]
        act(reference, "replies", {"text": reply}, "supervisor")
        v = version_of(reference)
        progress = SINKS.wait_mail("progress:%s:v%d" % (reference, v))
        self.check_headers(progress, reference, address, language, progress.key)
        self.check_thread(progress, ack)
        self.assertIn(reply, progress.text)
        self.assertIn(reply, progress.html)
        self.assertNotIn(code, progress.text, "the access code is sent once, in the ack")

        # A request for information; the beneficiary answers (no echo of their own answer).
        question = texts["question"]
        act(reference, "request-info", {"text": question}, "supervisor")
        v = version_of(reference)
        info = SINKS.wait_mail("information_requested:%s:v%d" % (reference, v))
        self.check_headers(info, reference, address, language, info.key)
        self.check_thread(info, ack)
        self.assertIn(question, info.text)
        self.assertIn(texts["info_subject"], info.subject)
        answer(reference, code, texts["answer"])

        # Findings, then the decision.
        act(reference, "findings", {"root_cause": texts["root_cause"], "outcome": "upheld"},
            "supervisor")
        act(reference, "resolve", {"decision": texts["decision"], "remedies": ["correction"]},
            "supervisor")
        v = version_of(reference)
        decision = SINKS.wait_mail("decision:%s:v%d" % (reference, v))
        self.check_headers(decision, reference, address, language, decision.key)
        self.check_thread(decision, ack)
        self.assertIn(texts["decision"], decision.text)
        self.assertIn(texts["decision"], decision.html)
        self.assertIn(texts["decision_subject"], decision.subject)
        self.assertNotIn(texts["root_cause"], decision.text, "findings are internal")

        # Nothing else reached the beneficiary: one mail per message, in order, each delivered
        # and recorded on the case's internal timeline.
        theirs = [m for m in SINKS.mails() if m.record["rcpt_tos"] == [address]]
        self.assertEqual([m.key.split(":")[0] for m in theirs],
                         ["acknowledgement", "progress", "progress", "information_requested",
                          "decision"], theirs)
        self.assertEqual(len({m.message_id for m in theirs}), len(theirs))

        def recorded():
            got = attempts(PORT, TOKENS["manager"], reference, recipient="beneficiary")
            return got if len(got) == 5 else None
        got = wait_until("five deliveries recorded on the timeline of " + reference, recorded)
        self.assertEqual([(t, tpl) for t, tpl, _, _ in got], [
            ("notification_delivered", "acknowledgement"),
            ("notification_delivered", "progress"),
            ("notification_delivered", "progress"),
            ("notification_delivered", "information_requested"),
            ("notification_delivered", "decision")])
        mine = sp.api(PORT, "GET", "/api/v1/cases/" + reference, access_code=code).json()
        self.assertFalse([e for e in mine["timeline"] if e["type"].startswith("notification_")],
                         "delivery events are internal")
        return reference

    def test_arabic_case_by_email(self):
        self.run_case("ar", {
            "ack_subject": "إشعار استلام", "ack_words": "رمز الدخول", "centre": CENTRE_AR,
            "lang_query": "",
            "reply": "نعمل على مراجعة أمر الدفع مع الإدارة المالية (رد-عام-41)",
            "question": "يرجى تزويدنا برقم أمر الشراء وتاريخه",
            "info_subject": "معلومات إضافية",
            "answer": "رقم أمر الشراء 7781 بتاريخ الأول من رجب",
            "root_cause": "تأخر اعتماد أمر الدفع (سبب-داخلي-99)",
            "decision": "تُصرف المستحقات خلال خمسة أيام عمل",
            "decision_subject": "صدر القرار",
        })

    def test_english_case_by_email(self):
        self.run_case("en", {
            "ack_subject": "We have received your", "ack_words": "Access code",
            "centre": CENTRE_EN, "lang_query": "?lang=en",
            "reply": "We are reviewing the payment order with finance (public-reply-41)",
            "question": "Please send us the purchase order number and its date",
            "info_subject": "We need more information",
            "answer": "Purchase order 7781, dated 1 March",
            "root_cause": "The payment order was approved late (internal-cause-99)",
            "decision": "The dues will be paid within five working days",
            "decision_subject": "Decision on your",
        })

    def test_assigned_staff_member_is_told_by_mail(self):
        reference, _, _ = new_case("ar", email_address="assign.case@example.org")
        act(reference, "assess", {"department": DEPT}, "agent")
        act(reference, "assign", {"assignee_id": int(IDS["handler"])}, "supervisor")
        v = version_of(reference)
        mail = SINKS.wait_mail("assigned:%s:v%d:%s" % (reference, v, IDS["handler"]))
        self.assertEqual(mail.record["rcpt_tos"], [STAFF["handler"][0]])
        self.assertTrue(mail.subject.startswith("[%s]" % reference), mail.subject)
        self.assertIn(PUBLIC_URL + "/staff/cases/" + reference, mail.text)
        self.assertEqual(mail.header("Auto-Submitted"), "auto-generated")


class SmsTest(unittest.TestCase):
    def test_sms_gateway_gets_json_with_the_reference_and_an_idempotency_key(self):
        reference, code, _ = new_case("ar", mobile="0559876543", preferred="sms",
                                      email_address="sms.first@example.org")
        [post] = SINKS.wait_posts("to /sms for " + reference,
                                  lambda p: reference in p["body"], path="/sms")
        self.assertEqual(post["headers"].get("idempotency-key"), "acknowledgement:" + reference)
        self.assertTrue(post["headers"].get("content-type", "").startswith("application/json"))
        sms = json.loads(post["body"])
        self.assertEqual(sorted(sms), ["text", "to"], sms)
        self.assertTrue(sms["to"].endswith("559876543"), sms)
        self.assertIn(reference, sms["text"])
        self.assertIn(code, sms["text"])
        self.assertLess(len(sms["text"]), 300, "an SMS is short")

        # A public reply: one more SMS, its own key; no mail (SMS is the preferred channel).
        act(reference, "assess", {"department": DEPT}, "agent")
        act(reference, "replies", {"text": "نراجع طلبكم"}, "supervisor")
        v = version_of(reference)
        key = "progress:%s:v%d" % (reference, v)
        [post] = SINKS.wait_posts(key, lambda p: p["headers"].get("idempotency-key") == key,
                                  path="/sms")
        self.assertIn(reference, json.loads(post["body"])["text"])
        keys = [p["headers"]["idempotency-key"] for p in SINKS.posts("/sms")
                if reference in p["body"]]
        self.assertEqual(keys, ["acknowledgement:" + reference, "progress:%s:v%d" % (
            reference, v - 1), key], "the assessment is a status change: a progress SMS too")
        self.assertFalse([m for m in SINKS.mails() if reference in m.subject])


class WebhookTest(unittest.TestCase):
    def test_every_change_is_one_signed_event_without_personal_data(self):
        name, address, mobile = "Zainab Private-Name", "zainab.private@example.org", "0551112299"
        reference, code, _ = new_case("en", email_address=address, mobile=mobile, name=name)
        act(reference, "assess", {"department": DEPT}, "agent")
        reply = "private reply text 5521"
        act(reference, "replies", {"text": reply}, "supervisor")
        act(reference, "request-info", {"text": "which invoice? 8812"}, "supervisor")
        answer(reference, code, "invoice 8812 of Zainab")
        act(reference, "findings", {"root_cause": "cause 7713", "outcome": "upheld"},
            "supervisor")
        act(reference, "resolve", {"decision": "pay 9914", "remedies": ["refund"]},
            "supervisor")
        final = version_of(reference)

        def mine(p):
            return json.loads(p["body"])["data"].get("reference") == reference
        posts = SINKS.wait_posts("the case's webhook for v%d" % final,
                                 lambda p: mine(p) and json.loads(p["body"])["data"]["version"]
                                 == final, path="/hooks")
        posts = [p for p in SINKS.posts("/hooks") if mine(p)]
        events = [json.loads(p["body"]) for p in posts]
        self.assertEqual([(e["type"], e["data"]["version"], e["data"]["status"]) for e in events], [
            ("case.received", 1, "received"),
            ("case.status_changed", 2, "assessed"),
            ("case.status_changed", 3, "in_progress"),  # the reply starts the work
            ("case.status_changed", 4, "awaiting_beneficiary"),
            ("case.status_changed", 5, "in_progress"),
            ("case.findings", 6, "in_progress"),
            ("case.status_changed", 7, "resolved"),
        ])
        self.assertEqual(final, 7)
        for p, e in zip(posts, events):
            h = p["headers"]
            self.assertNotIn("body_base64", p)
            self.assertIsNone(verify_signature(h.get("x-shakwa-signature"), p["body"]), p)
            # Another secret does not verify: the signature is the secret's, not decoration.
            self.assertIsNotNone(verify_signature(h.get("x-shakwa-signature"), p["body"],
                                                  secret="another-secret"))
            self.assertEqual(h.get("x-shakwa-event"), e["type"])
            self.assertEqual(h.get("idempotency-key"), e["id"])
            self.assertTrue(h.get("content-type", "").startswith("application/json"))
            self.assertRegex(e["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
            self.assertEqual(e["data"]["reference"], reference)
            # Everything sent but the signature: its hex is random-looking and may hold any
            # four digits (a run once failed on "8812" inside an HMAC).
            sent = {k: v for k, v in h.items() if k != "x-shakwa-signature"}
            text = p["body"] + json.dumps(sent, ensure_ascii=False)
            for secret in (name, "Zainab", address, "zainab.private", mobile, "551112299", code,
                           reply, "5521", "8812", "7713", "9914"):
                self.assertNotIn(secret, text, "personal data or texts in a webhook")
        self.assertEqual(len({e["id"] for e in events}), len(events), "one key per event")
        self.assertEqual([e["data"].get("previous_status") for e in events],
                         [None, "received", "assessed", "in_progress", "awaiting_beneficiary",
                          None, "in_progress"])


# -- a crash between sending and recording ---------------------------------------------------------


class OwnServersTestCase(unittest.TestCase):
    """A test with its own sinks and servers, all stopped by PID whatever the outcome."""

    maxDiff = None

    def setUp(self):
        self.root = sp.scratch_dir("notifications-" + self._testMethodName)
        self.data = os.path.join(self.root, "data")
        self.servers = []
        self.sinks = []

    def tearDown(self):
        for server in self.servers:
            server.kill()
        for sinks in self.sinks:
            sinks.stop()

    def start_sinks(self, *options):
        sinks = Sinks(os.path.join(self.root, "sinks"), *options)
        self.sinks.append(sinks)
        return sinks.start()

    def start_server(self, config):
        server = sp.ShakwaServer(self.data, log_dir=self.root, args=["--config", config])
        self.servers.append(server)
        return server.start()


class CrashTest(OwnServersTestCase):
    def test_killed_between_sending_and_recording_loses_nothing_and_resends_same_key(self):
        make_staff(self.data, ["manager"])
        # The HTTP sink holds its first POST unanswered; mail to "stall…" is taken (250) and then
        # the session goes silent, so the server sits in the QUIT after a mail that is sent and
        # not yet recorded. Either way the receiver has the message and the server's record
        # does not say so when it is killed.
        sinks = self.start_sinks("--hold", "1")
        slow = write_settings(os.path.join(self.root, "slow.toml"), sinks, sms=False,
                              smtp_timeout=60)
        quick = write_settings(os.path.join(self.root, "quick.toml"), sinks, sms=False,
                               smtp_timeout=2)
        server = self.start_server(slow)
        cases = []
        for address in ("stall.first@example.org", "second@example.org", "third@example.org"):
            r = sp.api(server.port, "POST", "/api/v1/cases",
                       dict(sp.VALID_CASE, beneficiary={"kind": "individual", "name": "Hind",
                                                        "email": address}, language="en"))
            self.assertEqual(r.status, 201, r)
            cases.append((r.json()["reference"], address))
        stalled = cases[0][0]

        # 1. Killed in the QUIT after the first acknowledgement was taken.
        wait_until("the first acknowledgement at the SMTP sink",
                   lambda: any(m.key == "acknowledgement:" + stalled for m in sinks.mails()))
        server.kill()

        # 2. Restarted (QUIT waits 2 s now): the acknowledgements are due again after the
        # back-off; the first webhook is held by the receiver: killed again while it waits.
        server = self.start_server(quick)
        wait_until(lambda: "the first webhook at the HTTP sink; got %r" % sinks.posts(),
                   lambda: sinks.posts("/hooks"), timeout=60)
        held = sinks.posts("/hooks")[0]
        server.kill()

        # 3. Restarted: everything is delivered and recorded.
        server = self.start_server(quick)
        token = sp.session_token(server.port, STAFF["manager"][0])

        def all_recorded():
            for reference, _ in cases:
                got = attempts(server.port, token, reference)
                delivered = {(tpl, rcp) for t, tpl, rcp, _ in got
                             if t == "notification_delivered"}
                if delivered != {("acknowledgement", "beneficiary"),
                                 ("case.received", "webhook")}:
                    return None
            return True
        wait_until(lambda: "every acknowledgement and webhook recorded as delivered: %r" % [
            attempts(server.port, token, ref) for ref, _ in cases], all_recorded, timeout=90)

        # Nothing lost: every case's acknowledgement reached its beneficiary and its event the
        # webhook receiver. Duplicates carry the same key: one Message-ID per notification, one
        # Idempotency-Key per event (and the same body id).
        mails = sinks.mails()
        posts = sinks.posts("/hooks")
        for reference, address in cases:
            acks = [m for m in mails if m.key == "acknowledgement:" + reference]
            self.assertTrue(acks, "no acknowledgement of %s" % reference)
            self.assertEqual({tuple(m.record["rcpt_tos"]) for m in acks}, {(address,)})
            self.assertEqual(len({m.message_id for m in acks}), 1,
                             "a resent mail under another Message-ID: %r"
                             % [m.message_id for m in acks])
            hooks = [p for p in posts if json.loads(p["body"])["data"]["reference"] == reference]
            self.assertTrue(hooks, "no webhook for %s" % reference)
            self.assertEqual({p["headers"]["idempotency-key"] for p in hooks},
                             {"webhook:%s:v1@default" % reference})
            self.assertEqual({json.loads(p["body"])["id"] for p in hooks},
                             {"webhook:%s:v1@default" % reference})
        # The killed sends were sent again: the stalled mail and the held webhook twice at least.
        self.assertGreaterEqual(len([m for m in mails if m.key == "acknowledgement:" + stalled]),
                                2, mails)
        again = [p for p in posts
                 if p["headers"]["idempotency-key"] == held["headers"]["idempotency-key"]]
        self.assertGreaterEqual(len(again), 2, posts)
        self.assertIsNone(held["status"], "the first webhook was held, never answered")
        self.assertEqual(again[-1]["status"], 200)
        code = server.stop()
        self.assertEqual(code, 0, server.describe())


class RetryTest(OwnServersTestCase):
    def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(self):
        make_staff(self.data, ["manager"])
        sinks = self.start_sinks("--fail-status", "503", "--fail-count", "2")
        server = self.start_server(write_settings(os.path.join(self.root, "shakwa.toml"), sinks,
                                                  sms=False))
        token = sp.session_token(server.port, STAFF["manager"][0])
        r = sp.api(server.port, "POST", "/api/v1/cases",
                   dict(sp.VALID_CASE, beneficiary={"kind": "individual", "name": "Omar",
                                                    "email": "omar.retry@example.org"}))
        self.assertEqual(r.status, 201, r)
        reference = r.json()["reference"]
        key = "webhook:%s:v1@default" % reference

        posts = sinks.wait_posts("three attempts of " + key,
                                 lambda p: p["headers"].get("idempotency-key") == key, count=3,
                                 path="/hooks", timeout=60)
        self.assertEqual([p["status"] for p in posts], [503, 503, 200])
        self.assertEqual(len({p["body"] for p in posts}), 1, "the same event each time")
        for p in posts:
            self.assertIsNone(verify_signature(p["headers"]["x-shakwa-signature"], p["body"]))

        def recorded():
            got = attempts(server.port, token, reference, recipient="webhook")
            return got if len(got) >= 3 else None
        got = wait_until("three attempts on the timeline", recorded)
        self.assertEqual(got, [
            ("notification_attempt_failed", "case.received", "webhook", 1),
            ("notification_attempt_failed", "case.received", "webhook", 2),
            ("notification_delivered", "case.received", "webhook", 3),
        ])
        failed = [e for e in timeline(server.port, token, reference)
                  if e["type"] == "notification_attempt_failed"]
        for e in failed:
            self.assertEqual(e["visibility"], "internal")
            self.assertIn("503", e["data"]["outcome"])
            self.assertIn("next_attempt_at", e["data"])
        # The acknowledgement went by mail at the first attempt, unaffected.
        self.assertEqual(attempts(server.port, token, reference, recipient="beneficiary"),
                         [("notification_delivered", "acknowledgement", "beneficiary", 1)])
        # The beneficiary sees none of it.
        mine = sp.api(server.port, "GET", "/api/v1/cases/" + reference,
                      access_code=r.json()["access_code"]).json()
        self.assertEqual([e["type"] for e in mine["timeline"]], ["received"])
        code = server.stop()
        self.assertEqual(code, 0, server.describe())


if __name__ == "__main__":
    sp.main()
