"""An SMS gateway stand-in (jmo_portal/sms.py): its own process and SQLite store.

POST /messages (X-API-Key, Idempotency-Key) records a message once; a background
thread delivers due messages (ACCEPTED -> DELIVERED/FAILED) and posts the
delivery report to the message's callback_url. Switches in the `flags` table
make it slow, time out, answer 503, refuse (422), fail deliveries or drop
reports.
"""

import sqlite3
import time
import uuid

from jmo_portal import simulator
from jmo_portal.masking import mask_digits

UNREACHABLE = "089900000001"  # delivery FAILED: ABSENT_SUBSCRIBER
DEFAULT_FLAGS = {
    "deliver_delay_ms": "200",  # ACCEPTED this long before the delivery report
    "timeout_next": "0",  # the next N POSTs answer only after timeout_seconds
    "timeout_seconds": "6",
    "error_next": "0",  # the next N POSTs are refused with 503 (not recorded)
    "refuse_next": "0",  # the next N POSTs are refused for good: 422 (not recorded)
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
"""
PUBLIC = ("id", "reference", "recipient", "status", "error_code")


def _public(row: sqlite3.Row) -> dict:
    return {k: row[k] for k in PUBLIC}


class Gateway(simulator.Store):
    """SQLite behind one lock: never two messages for one Idempotency-Key."""

    schema = SCHEMA
    default_flags = DEFAULT_FLAGS

    def __init__(self, path: str, api_key: str, callback_token: str, echo=None) -> None:
        super().__init__(path)
        self.api_key, self.callback_token = api_key, callback_token
        self.echo = echo  # shows each new message, like a phone's screen (demo)

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
            to = mask_digits(row["recipient"])
            self.echo(f"SMS {row['id']} to {to}: {row['text']}")
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
            sent = simulator.call_back(
                row["callback_url"], _public(row), self.callback_token
            )
            with self.lock:
                self.db.execute(
                    "UPDATE messages SET report_attempts=report_attempts+1, "
                    "report_state=CASE WHEN ? THEN 'sent' ELSE report_state END "
                    "WHERE id=?",
                    (sent, row["id"]),
                )


def make_handler(gateway: Gateway) -> type[simulator.JsonHandler]:
    class Handler(simulator.JsonHandler):
        store = gateway
        api_key = gateway.api_key
        keyed = {"/messages": "_message"}

        def get(self, path: str, query: dict) -> None:
            if path == "/messages":
                return self._send(200, gateway.list(query.get("reference")))
            return self._not_found()

        def _message(self, body: dict, key: str):
            to, text = str(body.get("to", "")), str(body.get("text", ""))
            if not (to.isdigit() and 8 <= len(to) <= 15) or not text:
                return self._send(400, {"error_code": "INVALID_REQUEST",
                                        "message": "to and text are required"})  # fmt: skip
            if gateway.take("error_next"):
                return self._send(503, {"error_code": "SERVER_BUSY"})
            if gateway.take("refuse_next"):  # e.g. the operator blocks the number
                return self._send(422, {"error_code": "NUMBER_BLOCKED",
                                        "message": "the operator refused it"})  # fmt: skip
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
    simulator.serve(
        name="sms", host=host, port=port, handler=make_handler(gateway),
        tick=gateway.deliver_due, ready=ready,
    )  # fmt: skip
