"""A disbursement gateway stand-in (API.md): its own process and its own SQLite store.

POST /disbursements (Idempotency-Key) records a transfer once; a background thread
settles due transfers (PENDING -> COMPLETED/FAILED) and calls back. Switches in
the `flags` table make it slow, time out, fail or drop callbacks.
"""

import random
import sqlite3
import time
import uuid

from jmo_portal import simulator

# Special accounts for tests and demos (any bank code).
CLOSED_ACCOUNT = "9000000001"  # inquiry: 404 closed; transfer: FAILED
NAME_MISMATCH_ACCOUNT = "9000000002"  # inquiry: someone else's name
CLOSED_AFTER_CHECK = "9000000003"  # inquiry fine; transfer FAILED (closed since)
INVALID_ACCOUNT = "9000000004"  # inquiry fine; transfer FAILED (no such account)
OTHER_HOLDER = "SITI RAHAYU WULANDARI"

DEFAULT_FLAGS = {
    "settle_delay_ms": "300",  # PENDING this long; 0 = settled in the POST answer
    "timeout_rate": "0",  # share of POSTs answered only after timeout_seconds
    "timeout_next": "0",  # the next N POSTs time out
    "timeout_seconds": "6",
    "error_rate": "0",  # share of POSTs refused with 503 before recording
    "fail_next": "0",  # the next N transfers fail
    "drop_callback_rate": "0",  # share of callbacks never sent
    "drop_callbacks": "0",  # 1 = send no callbacks at all
}
SCHEMA = """
CREATE TABLE IF NOT EXISTS disbursements (
  id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE NOT NULL, external_id TEXT NOT NULL,
  amount INTEGER NOT NULL, bank_code TEXT, account_number TEXT,
  account_holder_name TEXT, description TEXT, callback_url TEXT,
  status TEXT NOT NULL, outcome TEXT NOT NULL, failure_code TEXT DEFAULT '',
  created_at REAL, due_at REAL, settled_at REAL,
  callback_state TEXT DEFAULT 'waiting', callback_attempts INTEGER DEFAULT 0);
CREATE INDEX IF NOT EXISTS disb_external ON disbursements(external_id);
CREATE INDEX IF NOT EXISTS disb_due ON disbursements(status, due_at);
CREATE TABLE IF NOT EXISTS accounts (bank_code TEXT, account_number TEXT, name TEXT,
  closed INTEGER DEFAULT 0, PRIMARY KEY (bank_code, account_number));
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER);
"""
PUBLIC_FIELDS = (
    "id", "external_id", "amount", "bank_code", "account_holder_name",
    "account_number", "description", "status", "failure_code",
)  # fmt: skip


class Store(simulator.Store):
    schema = SCHEMA
    default_flags = DEFAULT_FLAGS

    def count(self, key: str) -> None:
        with self.lock:
            self.db.execute(
                "INSERT INTO counters(key, value) VALUES (?, 1) "
                "ON CONFLICT(key) DO UPDATE SET value = value + 1",
                (key,),
            )


def _public(row: sqlite3.Row) -> dict:
    return {k: row[k] for k in PUBLIC_FIELDS}


# What makes a transfer the same transfer: a key reused for another is refused.
SAME_TRANSFER = (
    "external_id", "amount", "bank_code", "account_holder_name", "account_number",
)  # fmt: skip


def _same_or_none(row: sqlite3.Row, payload: dict) -> dict | None:
    same = all(str(row[f]) == str(payload.get(f)) for f in SAME_TRANSFER)
    return _public(row) if same else None


def _chance(flags: dict, key: str) -> bool:
    return random.random() < float(flags.get(key, 0))


class Bank:
    def __init__(self, store: Store, api_key: str, callback_token: str) -> None:
        self.store = store
        self.api_key = api_key
        self.callback_token = callback_token

    # --- disbursements -------------------------------------------------------
    def _outcome(self, payload: dict, flags: dict) -> tuple[str, str]:
        number = payload["account_number"]
        if number in (CLOSED_ACCOUNT, CLOSED_AFTER_CHECK):
            return "FAILED", "ACCOUNT_CLOSED"
        if number == NAME_MISMATCH_ACCOUNT:
            return "FAILED", "NAME_MISMATCH"
        if number == INVALID_ACCOUNT:
            return "FAILED", "INVALID_ACCOUNT"
        account = self._account(payload["bank_code"], number)
        if account and account["closed"]:
            return "FAILED", "ACCOUNT_CLOSED"
        if self.store.take("fail_next"):
            return "FAILED", "TRANSFER_REJECTED"
        return "COMPLETED", ""

    def create(self, key: str, payload: dict) -> tuple[dict | None, bool]:
        """Record the transfer once per key; a repeated key returns the first one.

        (None, False) when the key was used for a different transfer (a 409).
        """
        flags = self.store.flags()
        now = time.time()
        delay = int(flags["settle_delay_ms"]) / 1000
        with self.store.lock:
            row = self._by_key(key)
            if row is not None:
                return _same_or_none(row, payload), False
        outcome, failure = self._outcome(payload, flags)
        with self.store.lock:
            row = self._by_key(key)  # again: a parallel call may have won
            if row is not None:
                return _same_or_none(row, payload), False
            self.store.db.execute(
                "INSERT INTO disbursements (id, idempotency_key, external_id, amount, "
                "bank_code, account_number, account_holder_name, description, "
                "callback_url, status, outcome, failure_code, created_at, due_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)",
                (
                    f"disb-{uuid.uuid4().hex[:16]}", key, payload["external_id"],
                    payload["amount"], payload["bank_code"], payload["account_number"],
                    payload["account_holder_name"], payload.get("description", ""),
                    payload.get("callback_url", ""), outcome, failure, now, now + delay,
                ),
            )  # fmt: skip
        if delay <= 0:
            self.settle_due()
        with self.store.lock:
            row = self._by_key(key)
        return _public(row), True

    def _by_key(self, key: str):
        """The transfer recorded under this idempotency key, if any (lock held)."""
        return self.store.db.execute(
            "SELECT * FROM disbursements WHERE idempotency_key=?", (key,)
        ).fetchone()

    def list(self, external_id: str | None) -> list[dict]:
        with self.store.lock:
            if external_id is None:
                rows = self.store.db.execute(
                    "SELECT * FROM disbursements ORDER BY created_at LIMIT 1000"
                ).fetchall()
            else:
                rows = self.store.db.execute(
                    "SELECT * FROM disbursements WHERE external_id=? ORDER BY created_at",
                    (external_id,),
                ).fetchall()
        return [_public(r) for r in rows]

    def settle_due(self) -> None:
        flags = self.store.flags()
        now = time.time()
        with self.store.lock:
            rows = self.store.db.execute(
                "SELECT id FROM disbursements WHERE status='PENDING' AND due_at<=?",
                (now,),
            ).fetchall()
            for row in rows:
                dropped = flags["drop_callbacks"] == "1" or _chance(
                    flags, "drop_callback_rate"
                )
                self.store.db.execute(
                    "UPDATE disbursements SET status=outcome, settled_at=?, "
                    "callback_state=? WHERE id=? AND status='PENDING'",
                    (now, "dropped" if dropped else "waiting", row["id"]),
                )

    def send_callbacks(self) -> None:
        with self.store.lock:
            rows = self.store.db.execute(
                "SELECT * FROM disbursements WHERE status!='PENDING' AND "
                "callback_state='waiting' AND callback_url!='' AND callback_attempts<5 "
                "LIMIT 50"
            ).fetchall()
        for row in rows:
            sent = simulator.call_back(
                row["callback_url"], _public(row), self.callback_token
            )
            with self.store.lock:
                self.store.db.execute(
                    "UPDATE disbursements SET callback_attempts=callback_attempts+1, "
                    "callback_state=CASE WHEN ? THEN 'sent' ELSE callback_state END "
                    "WHERE id=?",
                    (sent, row["id"]),
                )

    def tick(self) -> None:
        """Settle what is due, then call back (the serving loop's background work)."""
        self.settle_due()
        self.send_callbacks()

    # --- accounts ---------------------------------------------------------------
    def _account(self, bank_code: str, number: str) -> sqlite3.Row | None:
        with self.store.lock:
            return self.store.db.execute(
                "SELECT * FROM accounts WHERE bank_code=? AND account_number=?",
                (bank_code, number),
            ).fetchone()

    def inquiry(self, bank_code: str, number: str, hint: str) -> tuple[int, dict]:
        """The holder's name; an account the bank does not know is in `hint`'s name."""
        account = self._account(bank_code, number)
        if number == CLOSED_ACCOUNT or (account and account["closed"]):
            return 404, {"error_code": "ACCOUNT_CLOSED", "message": "Account closed"}
        if number == NAME_MISMATCH_ACCOUNT:
            name = OTHER_HOLDER
        elif account:
            name = account["name"]
        else:
            name = hint.upper()
        body = {"bank_code": bank_code, "account_number": number}
        return 200, {**body, "account_holder_name": name}

    def stats(self) -> dict:
        with self.store.lock:
            db = self.store.db
            by_status = dict(
                db.execute(
                    "SELECT status, COUNT(*) FROM disbursements GROUP BY status"
                ).fetchall()
            )
            duplicates = db.execute(
                "SELECT COUNT(*) FROM (SELECT external_id FROM disbursements "
                "GROUP BY external_id HAVING COUNT(*) > 1)"
            ).fetchone()[0]
            counters = dict(db.execute("SELECT key, value FROM counters").fetchall())
            callbacks = dict(
                db.execute(
                    "SELECT callback_state, COUNT(*) FROM disbursements "
                    "GROUP BY callback_state"
                ).fetchall()
            )
        return {
            "disbursements": sum(by_status.values()),
            "by_status": by_status,
            "duplicate_external_ids": duplicates,
            "counters": counters,
            "callbacks": callbacks,
        }


REQUIRED = (
    "external_id",
    "amount",
    "bank_code",
    "account_holder_name",
    "account_number",
)


def make_handler(bank: Bank) -> type[simulator.JsonHandler]:
    class Handler(simulator.JsonHandler):
        store = bank.store
        api_key = bank.api_key
        keyed = {"/disbursements": "_create"}

        def get(self, path: str, query: dict) -> None:
            if path == "/disbursements":
                return self._send(200, bank.list(query.get("external_id")))
            if path.startswith("/disbursements/"):
                wanted = path.rsplit("/", 1)[1]
                rows = [r for r in bank.list(None) if r["id"] == wanted]
                return self._send(200, rows[0]) if rows else self._send(404, {})
            if path == "/account-inquiry":
                status, body = bank.inquiry(
                    query.get("bank_code", ""),
                    query.get("account_number", ""),
                    query.get("name", ""),
                )
                return self._send(status, body)
            if path == "/admin/stats":
                return self._send(200, bank.stats())
            return self._not_found()

        def post(self, path: str, body: dict) -> None:
            if path == "/admin/accounts":
                with bank.store.lock:
                    bank.store.db.execute(
                        "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?)",
                        (
                            body.get("bank_code", ""),
                            body.get("account_number", ""),
                            body.get("name", ""),
                            int(bool(body.get("closed"))),
                        ),
                    )
                return self._send(200, {"ok": True})
            return self._not_found()

        def _create(self, body: dict, key: str):
            missing = [f for f in REQUIRED if body.get(f) in (None, "")]
            amount = body.get("amount")
            if missing or not isinstance(amount, int) or amount <= 0:
                return self._send(
                    400, {"error_code": "INVALID_REQUEST", "missing": missing}
                )
            bank.store.count("post_calls")
            flags = bank.store.flags()
            if _chance(flags, "error_rate"):
                return self._send(503, {"error_code": "SERVER_BUSY"})
            row, created = bank.create(key, body)
            if row is None:
                bank.store.count("key_conflicts")
                return self._send(409, {
                    "error_code": "IDEMPOTENCY_KEY_REUSED",
                    "message": "Idempotency-Key already used for another transfer",
                })  # fmt: skip
            if bank.store.take("timeout_next") or _chance(flags, "timeout_rate"):
                # The transfer is recorded, but the answer comes too late: the
                # client sees a timeout and must retry with the same key.
                bank.store.count("timeouts")
                time.sleep(float(flags["timeout_seconds"]))
            return self._send(200, row)

    return Handler


def serve(
    *, host: str, port: int, store_path: str, api_key: str, callback_token: str,
    flags: dict | None = None, ready=print,
) -> None:  # fmt: skip
    store = Store(store_path)
    if flags:
        store.set_flags(flags)
    bank = Bank(store, api_key, callback_token)
    simulator.serve(
        name="bank", host=host, port=port, handler=make_handler(bank),
        tick=bank.tick, ready=ready,
    )  # fmt: skip
