"""The SMS simulator in its own process, for the tests (like claims/bank/harness.py)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


class SmsSimulator:
    """`manage.py run_sms_simulator` in its own process, with its own SQLite store."""

    def __init__(self, store: Path, flags: dict | None = None):
        self.store = Path(store)
        args = [sys.executable, "manage.py", "run_sms_simulator", "--port", "0",
                "--store", str(store)]  # fmt: skip
        for key, value in (flags or {}).items():
            args += ["--flag", f"{key}={value}"]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=os.environ.copy(), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"sms simulator did not start: {line}")
        self.url = line.strip().rsplit(" ", 1)[1]

    def flags(self, **values) -> dict:
        return requests.post(
            f"{self.url}/admin/flags", json=values, timeout=5,
            headers={"X-API-Key": settings.SMS_API_KEY},
        ).json()  # fmt: skip

    def messages(self) -> list[dict]:
        """Read the simulator's own store: the truth about SMS sent."""
        db = sqlite3.connect(self.store)
        db.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in db.execute("SELECT * FROM messages")]
        finally:
            db.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
