"""Attachments against the real binary: multipart intake and later uploads, types detected from
the content, limits, nothing half-applied, downloads with the case's authorisation, staff
downloads on the audit record, and the clamd hook (a fake clamd on loopback speaking INSTREAM)."""

import glob
import os
import socket
import sqlite3
import struct
import subprocess
import threading
import unittest

import shakwa_process as sp

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCRIPT = b"#!/bin/sh\necho hello\n"
# The EICAR test string, assembled so that no scanner flags this file itself.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
PASSWORD = "Attach-Test-2026!"

CASE = {
    "kind": "complaint", "channel": "portal", "category": "payments",
    "subject": "فاتورة لم تُصرف", "description": "أرفقنا صورة الفاتورة.",
    "remedy_sought": "صرف الفاتورة", "language": "ar", "consent_notice_shown": True,
    "beneficiary": {"kind": "individual", "name": "ريم", "email": "reem@example.sa"},
}


class FakeClamd:
    """clamd's INSTREAM on 127.0.0.1: FOUND when the stream holds EICAR, OK otherwise."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.scans = 0
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while not data.endswith(b"\0") and len(data) < 32:
                    data += conn.recv(1)
                stream = b""
                while True:
                    size = struct.unpack(">I", self.recv_exactly(conn, 4))[0]
                    if size == 0:
                        break
                    stream += self.recv_exactly(conn, size)
                self.scans += 1
                reply = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in stream else \
                    b"stream: OK\0"
                conn.sendall(reply)

    @staticmethod
    def recv_exactly(conn, n):
        out = b""
        while len(out) < n:
            chunk = conn.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed")
            out += chunk
        return out

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()


class AttachmentsTest(unittest.TestCase):
    def setUp(self):
        self.root = sp.scratch_dir("attachments-" + self._testMethodName)
        self.data = os.path.join(self.root, "data")
        self.servers = []
        self.clamd = None

    def tearDown(self):
        for server in self.servers:
            server.stop()
        if self.clamd:
            self.clamd.stop()

    def start(self, env=None):
        server = sp.ShakwaServer(self.data, env=env, log_dir=self.root).start()
        self.servers.append(server)
        return server

    def add_user(self, email, role, department=None):
        args = ["user", "add", email, "--name", email.split("@")[0], "--role", role,
                "--password-stdin", "--data", self.data]
        if department:
            args += ["--department", department]
        proc = subprocess.run([sp.BINARY] + args, input=PASSWORD + "\n", capture_output=True,
                              text=True, timeout=60, env=sp.server_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def sign_in(self, server, email):
        r = server.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        self.assertEqual(r.status, 200, r)
        return {"Authorization": "Bearer " + r.json()["token"]}

    def submit_with(self, server, files, case=None):
        content_type, body = sp.multipart({"case": sp.json.dumps(case or CASE, ensure_ascii=False)},
                                       files)
        return server.request("POST", "/api/v1/cases", body, {"Content-Type": content_type})

    def rows(self, sql):
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(self.data, "shakwa.db"), uri=True)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def stored_files(self):
        return sorted(os.path.basename(p) for p in
                      glob.glob(os.path.join(self.data, "files", "sha256", "*", "*", "*")))

    def test_intake_with_files_then_later_uploads_and_downloads(self):
        server = self.start()
        r = self.submit_with(server, [("files", "فاتورة.pdf", PDF)])
        self.assertEqual(r.status, 201, r)
        created = r.json()
        reference, code = created["reference"], created["access_code"]
        [attachment] = created["attachments"]
        self.assertEqual(attachment["media_type"], "application/pdf")
        self.assertEqual(attachment["filename"], "فاتورة.pdf")
        self.assertEqual(attachment["size"], len(PDF))
        self.assertEqual(self.stored_files(), [attachment["sha256"]])
        # The beneficiary downloads it with the access code; a wrong code is a 404.
        path = attachment["href"]
        r = server.request("GET", path, headers={"X-Access-Code": code})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, PDF)
        self.assertEqual(r.header("content-type"), "application/pdf")
        self.assertIn("attachment", r.header("content-disposition"))
        other = server.submit().json()
        self.assertEqual(server.request("GET", path,
                                        headers={"X-Access-Code": other["access_code"]}).status,
                         404)
        # A later upload by the beneficiary is recorded as an event on the timeline.
        content_type, body = sp.multipart({}, [("files", "second.pdf", PDF + b"%")])
        r = server.request("POST", "/api/v1/cases/%s/attachments" % reference, body,
                           {"Content-Type": content_type, "X-Access-Code": code})
        self.assertEqual(r.status, 201, r)
        timeline = server.view(reference, code).json()["timeline"]
        # Both files are on the timeline: the one sent with the case and the later one.
        self.assertEqual([e["type"] for e in timeline].count("attachment_added"), 2)

    def test_refused_files_change_nothing(self):
        server = self.start(env={"SHAKWA_ATTACHMENTS_MAX_FILE_BYTES": "2048",
                                 "SHAKWA_ATTACHMENTS_MAX_FILES_PER_CASE": "2"})
        before = self.rows("SELECT count(*) FROM cases")[0][0]
        # A script beside a good PDF: 415, and neither the case nor the PDF is kept.
        r = self.submit_with(server, [("files", "a.pdf", PDF), ("files", "run.sh", SCRIPT)])
        self.assertEqual(r.status, 415, r)
        self.assertEqual(r.json()["code"], "unsupported_file_type")
        self.assertIn("text/x-shellscript", r.json()["title"])
        # Too large: 413, naming the limit.
        r = self.submit_with(server, [("files", "big.pdf", PDF + b"0" * 4096)])
        self.assertEqual(r.status, 413, r)
        self.assertEqual(r.json()["code"], "file_too_large")
        # Too many: 422 on "files".
        r = self.submit_with(server, [("files", "%d.pdf" % i, PDF + bytes([48 + i]))
                                      for i in range(3)])
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"][0]["field"], "files")
        self.assertEqual(self.rows("SELECT count(*) FROM cases")[0][0], before)
        self.assertEqual(self.rows("SELECT count(*) FROM attachments")[0][0], 0)
        self.assertEqual(self.stored_files(), [])
        # A malformed body is a 400, and the server keeps serving.
        r = server.request("POST", "/api/v1/cases", b"--x\r\nnot a part",
                           {"Content-Type": "multipart/form-data; boundary=x"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(server.request("GET", "/readyz").status, 200)

    def test_staff_download_is_recorded_and_internal_files_stay_internal(self):
        subprocess.run([sp.BINARY, "department", "add", "finance", "--name-ar", "المالية",
                        "--name-en", "Finance", "--data", self.data], check=True,
                       capture_output=True, timeout=60, env=sp.server_env())
        self.add_user("agent@example.sa", "agent")
        self.add_user("handler@example.sa", "handler", "finance")
        self.add_user("auditor@example.sa", "auditor")
        server = self.start()
        created = server.submit().json()
        reference, code = created["reference"], created["access_code"]
        agent = self.sign_in(server, "agent@example.sa")
        r = server.request("POST", "/api/v1/cases/%s/assess" % reference,
                           {"version": 1, "department": "finance"}, agent)
        self.assertEqual(r.status, 200, r)
        handler = self.sign_in(server, "handler@example.sa")
        content_type, body = sp.multipart({"visibility": "internal"},
                                       [("files", "memo.pdf", PDF)])
        r = server.request("POST", "/api/v1/cases/%s/attachments" % reference, body,
                           dict(handler, **{"Content-Type": content_type}))
        self.assertEqual(r.status, 201, r)
        [memo] = r.json()["items"]
        self.assertEqual(memo["visibility"], "internal")
        # The beneficiary neither sees nor downloads it.
        self.assertEqual(server.request("GET", memo["href"],
                                        headers={"X-Access-Code": code}).status, 404)
        self.assertNotIn("memo.pdf", server.view(reference, code).body.decode("utf-8"))
        # The handler downloads it, and the audit trail says so.
        r = server.request("GET", memo["href"], headers=handler)
        self.assertEqual(r.status, 200, r)
        auditor = self.sign_in(server, "auditor@example.sa")
        trail = server.request("GET", "/api/v1/audit?limit=1000", headers=auditor).json()["items"]
        reads = [e for e in trail if e["action"] == "pii.file_read"]
        self.assertEqual(len(reads), 1, trail)
        self.assertEqual(reads[0]["subject"], reference)
        self.assertEqual(reads[0]["detail"]["attachment_id"], memo["id"])

    def test_clamd_hook(self):
        self.clamd = FakeClamd()
        server = self.start(env={"SHAKWA_ATTACHMENTS_CLAMD": "127.0.0.1:%d" % self.clamd.port})
        r = self.submit_with(server, [("files", "clean.pdf", PDF)])
        self.assertEqual(r.status, 201, r)
        r = self.submit_with(server, [("files", "a.pdf", PDF),
                                      ("files", "eicar.txt", EICAR)])
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"][0]["code"], "file_rejected_by_scanner")
        self.assertEqual(len(self.rows("SELECT * FROM attachments")), 1)
        self.assertGreaterEqual(self.clamd.scans, 3)
        # clamd gone: 503, nothing kept, and the server keeps serving.
        self.clamd.stop()
        self.clamd = None
        r = self.submit_with(server, [("files", "late.pdf", PDF + b"%")])
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json()["code"], "scanner_unavailable")
        self.assertEqual(len(self.rows("SELECT * FROM attachments")), 1)
        self.assertEqual(server.submit().status, 201)


if __name__ == "__main__":
    sp.main()
