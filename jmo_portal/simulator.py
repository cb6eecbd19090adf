"""What the outside-service stand-ins share (the bank and SMS simulators).

Each simulator is its own process with its own SQLite store: a `Store` with the
`flags` switch table, a `JsonHandler` serving JSON behind X-API-Key, a background
`tick` run by `serve`. `SimulatorProcess` starts one from the tests and benchmarks;
`SimulatorCommand` is the shape of its `manage.py run_<name>_simulator` command.
The protocols themselves stay in their apps.
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jmo_portal.processes import ROOT, terminate

FLAGS_TABLE = "CREATE TABLE IF NOT EXISTS flags (key TEXT PRIMARY KEY, value TEXT);"


class Store:
    """SQLite behind one lock: a simulator is small and must never double-record."""

    schema = ""  # the simulator's own tables, besides `flags`
    default_flags: dict = {}

    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(self.schema + FLAGS_TABLE)

    def flags(self) -> dict:
        with self.lock:
            rows = self.db.execute("SELECT key, value FROM flags").fetchall()
        return {**self.default_flags, **{r["key"]: r["value"] for r in rows}}

    def set_flags(self, values: dict) -> None:
        with self.lock:
            for key, value in values.items():
                self.db.execute(
                    "INSERT OR REPLACE INTO flags(key, value) VALUES (?, ?)",
                    (key, str(value)),
                )

    def take(self, key: str) -> bool:
        """Consume one unit of a `*_next` counter flag."""
        with self.lock:
            row = self.db.execute(
                "SELECT value FROM flags WHERE key=?", (key,)
            ).fetchone()
            if row and int(row["value"]) > 0:
                self.db.execute(
                    "UPDATE flags SET value=? WHERE key=?", (int(row["value"]) - 1, key)
                )
                return True
        return False


class JsonHandler(BaseHTTPRequestHandler):
    """JSON over HTTP/1.1: /health open, the rest behind X-API-Key, /admin/flags.

    A simulator's handler sets `store` and `api_key` and answers its own paths
    in `get`, `post` and the methods `keyed` names.
    """

    protocol_version = "HTTP/1.1"
    store: Store
    api_key: str
    # POST paths that need an Idempotency-Key: path -> method(body, key).
    keyed: dict[str, str] = {}

    def log_message(self, format, *args):  # noqa: A002 - keep the console quiet
        pass

    def _send(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _not_found(self) -> None:
        self._send(404, {"error_code": "NOT_FOUND"})

    def _json(self) -> dict | None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _idempotency_key(self) -> str | None:
        """The request's Idempotency-Key, or None after answering 400 without one."""
        key = self.headers.get("Idempotency-Key", "").strip()
        if not key:
            self._send(400, {"error_code": "IDEMPOTENCY_KEY_REQUIRED"})
            return None
        return key

    def _authorized(self) -> bool:
        if self.headers.get("X-API-Key") == self.api_key:
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
        if url.path == "/admin/flags":
            return self._send(200, self.store.flags())
        return self.get(url.path, query)

    def do_POST(self):  # noqa: N802
        url = urlparse(self.path)
        body = self._json()  # read first: the connection is kept alive
        if not self._authorized():
            return None
        if body is None:
            return self._send(400, {"error_code": "BAD_JSON"})
        if url.path == "/admin/flags":
            self.store.set_flags(body)
            return self._send(200, self.store.flags())
        if url.path in self.keyed:
            key = self._idempotency_key()
            return (
                None if key is None else getattr(self, self.keyed[url.path])(body, key)
            )
        return self.post(url.path, body)

    def get(self, path: str, query: dict) -> None:
        self._not_found()

    def post(self, path: str, body: dict) -> None:
        self._not_found()


def call_back(url: str, body: dict, token: str) -> bool:
    """POST a report to the portal's callback; True when it took it (2xx)."""
    try:
        response = requests.post(
            url, json=body, headers={"X-Callback-Token": token}, timeout=(2, 5)
        )
    except requests.RequestException:
        return False
    return response.status_code < 300


def serve(
    *, name: str, host: str, port: int, handler: type[JsonHandler],
    tick: Callable[[], None], ready=print,
) -> None:  # fmt: skip
    """Serve `handler` until killed, running `tick` every 50 ms on a thread."""
    stop = threading.Event()

    def ticker() -> None:
        while not stop.wait(0.05):
            try:
                tick()
            except sqlite3.Error:
                time.sleep(0.2)

    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=ticker, daemon=True).start()
    ready(f"{name} simulator listening on http://{host}:{server.server_address[1]}")
    try:
        server.serve_forever()
    finally:
        stop.set()
        server.server_close()


class SimulatorCommand(BaseCommand):
    """`run_<name>_simulator`: --port, --host, --store and repeated --flag key=value."""

    default_port = 0
    store_help = ""
    flag_example = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=self.default_port, help="0 = any free port"
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--store", required=True, help=self.store_help)
        parser.add_argument(
            "--flag",
            action="append",
            default=[],
            help=f"key=value switch, e.g. {self.flag_example}",
        )

    def ready(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def serve_options(self, options: dict) -> dict:
        """The options every simulator's `serve` takes, from the command line."""
        flags = {}
        for item in options["flag"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--flag needs key=value, got {item!r}")
            flags[key] = value
        return {
            "host": options["host"],
            "port": options["port"],
            "store_path": options["store"],
            "flags": flags,
            "ready": self.ready,
        }


class SimulatorProcess:
    """`manage.py run_<name>_simulator` in its own process, with its own SQLite store."""

    name = ""
    api_key_setting = ""

    def __init__(self, store: Path, flags: dict | None = None, env: dict | None = None):
        self.store = Path(store)
        args = [sys.executable, "manage.py", f"run_{self.name}_simulator",
                "--port", "0", "--store", str(store)]  # fmt: skip
        for key, value in (flags or {}).items():
            args += ["--flag", f"{key}={value}"]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **(env or {})}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"{self.name} simulator did not start: {line}")
        self.url = line.strip().rsplit(" ", 1)[1]

    def _headers(self) -> dict:
        return {"X-API-Key": getattr(settings, self.api_key_setting)}

    def flags(self, **values) -> dict:
        return requests.post(
            f"{self.url}/admin/flags", json=values, headers=self._headers(), timeout=5
        ).json()

    def _rows(self, table: str) -> list[dict]:
        """Read the simulator's own store: the truth about what it did."""
        db = sqlite3.connect(self.store)
        db.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in db.execute(f"SELECT * FROM {table}")]
        finally:
            db.close()

    def stop(self) -> None:
        terminate(self.proc, timeout=10)
