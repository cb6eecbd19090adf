"""An SMS gateway stand-in (jmo_portal/sms.py): its own process and SQLite store.

POST /messages (X-API-Key, Idempotency-Key) records a message once; a background
thread delivers due messages (ACCEPTED -> DELIVERED/FAILED) and posts the
delivery report to the message's callback_url. Switches in the `flags` table
make it slow, time out, refuse with 503, fail deliveries or drop reports.
"""

import json
import sqlite3
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import requests

UNREACHABLE = "089900000001"  # delivery FAILED: ABSENT_SUBSCRIBER
DEFAULT_FLAGS = {
    "deliver_delay_ms": "200",  # ACCEPTED this long before the delivery report
    "timeout_next": "0",  # the next N POSTs answer only after timeout_seconds
    "timeout_seconds": "6",
    "error_next": "0",  # the next N POSTs are refused with 503 (not recorded)
    "fail_next": "0",  # the next N messages are not delivered
    "drop_reports": "0",  # 1 = send no delivery reports at all
}
SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE NOT NULL, reference TEXT NOT NULL,
  recipient TEXT NOT NULL, text TEXT NOT NULL, callback_url TEXT,
  status TEXT NOT NULL, outcome TEXT NOT NULL, error_code TEXT DEFAULT '',
  created_at REAL, due_at REAL, report_state TEXT DEFAULT 'waiting',
  report_attempts INTEGER DEFAULT 0);
CREATE INDEX IF NOT EXISTS msg_reference ON messages(reference);
CREATE TABLE IF NOT EXISTS flags (key TEXT PRIMARY KEY, value TEXT);
"""
PUBLIC = ("id", "reference", "recipient", "status", "error_code")


def _public(row: sqlite3.Row) -> dict:
    return {k: row[k] for k in PUBLIC}


class Gateway:
    """SQLite behind one lock: never two messages for one Idempotency-Key."""

    def __init__(self, path: str, api_key: str, callback_token: str, echo=None) -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self.api_key, self.callback_token = api_key, callback_token
        self.stop = threading.Event()
        self.echo = echo  # shows each new message, like a phone's screen (demo)

    def flags(self) -> dict:
        with self.lock:
            rows = self.db.execute("SELECT key, value FROM flags").fetchall()
        return {**DEFAULT_FLAGS, **{r["key"]: r["value"] for r in rows}}

    def set_flags(self, values: dict) -> None:
        with self.lock:
            for key, value in values.items():
                self.db.execute("INSERT OR REPLACE INTO flags VALUES (?, ?)",
                                (key, str(value)))  # fmt: skip

    def take(self, key: str) -> bool:
        """Consume one unit of a `*_next` counter flag."""
        with self.lock:
            row = self.db.execute("SELECT value FROM flags WHERE key=?", (key,))
            row = row.fetchone()
            if row and int(row["value"]) > 0:
                self.db.execute("UPDATE flags SET value=? WHERE key=?",
                                (int(row["value"]) - 1, key))  # fmt: skip
                return True
        return False

    def send(self, key: str, body: dict) -> dict:
        """Record the message once per key; a repeated key returns the first one."""
        delay = int(self.flags()["deliver_delay_ms"]) / 1000
        failed = body["to"] == UNREACHABLE or self.take("fail_next")
        now = time.time()
        with self.lock:
            row = self.db.execute(
                "SELECT * FROM messages WHERE idempotency_key=?", (key,)
            ).fetchone()
            new = row is None
            if new:
                self.db.execute(
                    "INSERT INTO messages (id, idempotency_key, reference, recipient, "
                    "text, callback_url, status, outcome, error_code, created_at, "
                    "due_at) VALUES (?, ?, ?, ?, ?, ?, 'ACCEPTED', ?, ?, ?, ?)",
                    (f"sms-{uuid.uuid4().hex[:16]}", key, body.get("reference", key),
                     body["to"], body["text"], body.get("callback_url", ""),
                     "FAILED" if failed else "DELIVERED",
                     "ABSENT_SUBSCRIBER" if failed else "", now, now + delay),
                )  # fmt: skip
            row = self.db.execute(
                "SELECT * FROM messages WHERE idempotency_key=?", (key,)
            ).fetchone()
        if new and self.echo:
            self.echo(f"SMS {row['id']} to ****{row['recipient'][-4:]}: {row['text']}")
        return _public(row)

    def list(self, reference: str | None) -> list[dict]:
        with self.lock:
            if reference is None:
                rows = self.db.execute("SELECT * FROM messages ORDER BY created_at")
            else:
                rows = self.db.execute(
                    "SELECT * FROM messages WHERE reference=? ORDER BY created_at",
                    (reference,),
                )
            return [_public(r) for r in rows.fetchall()]

    def deliver_due(self) -> None:
        drop = self.flags()["drop_reports"] == "1"
        with self.lock:
            self.db.execute(
                "UPDATE messages SET status=outcome, report_state=? "
                "WHERE status='ACCEPTED' AND due_at<=?",
                ("dropped" if drop else "waiting", time.time()),
            )
            rows = self.db.execute(
                "SELECT * FROM messages WHERE status!='ACCEPTED' AND "
                "report_state='waiting' AND callback_url!='' AND report_attempts<5 "
                "LIMIT 50"
            ).fetchall()
        for row in rows:
            state = "failed"
            try:
                response = requests.post(
                    row["callback_url"], json=_public(row), timeout=(2, 5),
                    headers={"X-Callback-Token": self.callback_token},
                )  # fmt: skip
                state = "sent" if response.status_code < 300 else state
            except requests.RequestException:
                pass
            with self.lock:
                self.db.execute(
                    "UPDATE messages SET report_attempts=report_attempts+1, "
                    "report_state=CASE WHEN ?='sent' THEN 'sent' ELSE report_state "
                    "END WHERE id=?",
                    (state, row["id"]),
                )

    def deliverer(self) -> None:
        while not self.stop.wait(0.05):
            try:
                self.deliver_due()
            except sqlite3.Error:
                time.sleep(0.2)


def make_handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - keep the console quiet
            pass

        def _send(self, status: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            if self.headers.get("X-API-Key") == gateway.api_key:
                return True
            self._send(401, {"error_code": "UNAUTHORIZED", "message": "Bad API key"})
            return False

        def do_GET(self):  # noqa: N802 - http.server's naming
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/health":
                return self._send(200, {"ok": True})
            if not self._authorized():
                return None
            if url.path == "/messages":
                return self._send(200, gateway.list(query.get("reference")))
            if url.path == "/admin/flags":
                return self._send(200, gateway.flags())
            return self._send(404, {"error_code": "NOT_FOUND"})

        def do_POST(self):  # noqa: N802
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = None
            if not self._authorized():
                return None
            if not isinstance(body, dict):
                return self._send(400, {"error_code": "BAD_JSON"})
            if url.path == "/admin/flags":
                gateway.set_flags(body)
                return self._send(200, gateway.flags())
            if url.path == "/messages":
                return self._message(body)
            return self._send(404, {"error_code": "NOT_FOUND"})

        def _message(self, body: dict):
            key = self.headers.get("Idempotency-Key", "").strip()
            if not key:
                return self._send(400, {"error_code": "IDEMPOTENCY_KEY_REQUIRED"})
            to, text = str(body.get("to", "")), str(body.get("text", ""))
            if not (to.isdigit() and 8 <= len(to) <= 15) or not text:
                return self._send(400, {"error_code": "INVALID_REQUEST",
                                        "message": "to and text are required"})  # fmt: skip
            if gateway.take("error_next"):
                return self._send(503, {"error_code": "SERVER_BUSY"})
            row = gateway.send(key, body)
            if gateway.take("timeout_next"):
                # Recorded, but the answer comes too late: the client must retry
                # with the same key and gets this message back, not a second one.
                time.sleep(float(gateway.flags()["timeout_seconds"]))
            return self._send(200, row)

    return Handler


def serve(
    *, host: str, port: int, store_path: str, api_key: str, callback_token: str,
    flags: dict | None = None, ready=print, echo=None,
) -> None:  # fmt: skip
    gateway = Gateway(store_path, api_key, callback_token, echo=echo)
    if flags:
        gateway.set_flags(flags)
    server = ThreadingHTTPServer((host, port), make_handler(gateway))
    server.daemon_threads = True
    threading.Thread(target=gateway.deliverer, daemon=True).start()
    ready(f"sms simulator listening on http://{host}:{server.server_address[1]}")
    try:
        server.serve_forever()
    finally:
        gateway.stop.set()
        server.server_close()
