"""Processes for the payout fault tests and the benchmark: simulator and workers."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


class BankSimulator:
    """`manage.py run_bank_simulator` in its own process, with its own SQLite store."""

    def __init__(self, store: Path, flags: dict | None = None, env: dict | None = None):
        self.store = Path(store)
        args = [sys.executable, "manage.py", "run_bank_simulator", "--port", "0",
                "--store", str(store)]  # fmt: skip
        for key, value in (flags or {}).items():
            args += ["--flag", f"{key}={value}"]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **(env or {})}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"bank simulator did not start: {line}")
        self.url = line.strip().rsplit(" ", 1)[1]

    def _headers(self) -> dict:
        return {"X-API-Key": settings.BANK_API_KEY}

    def flags(self, **values) -> dict:
        return requests.post(
            f"{self.url}/admin/flags", json=values, headers=self._headers(), timeout=5
        ).json()

    def stats(self) -> dict:
        return requests.get(
            f"{self.url}/admin/stats", headers=self._headers(), timeout=5
        ).json()

    def transfers(self) -> list[dict]:
        """Read the simulator's own store: the truth about money moved."""
        db = sqlite3.connect(self.store)
        db.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in db.execute("SELECT * FROM disbursements")]
        finally:
            db.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Worker:
    """A `celery worker` process that can be killed with SIGKILL and started again."""

    def __init__(self, env: dict, log: Path, name: str = "w1", concurrency: int = 1):
        self.env, self.log, self.name = env, Path(log), name
        self.concurrency = concurrency
        self.proc: subprocess.Popen | None = None
        self.kills = 0

    def start(self, wait: bool = True) -> None:
        pool = ["--pool=solo"] if self.concurrency == 1 else [
            "--pool=threads", f"--concurrency={self.concurrency}"]  # fmt: skip
        self.mark = self.log.stat().st_size if self.log.exists() else 0
        out = self.log.open("a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jmo_portal", "worker", *pool,
             "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"{self.name}-{time.time_ns()}@%h"],
            cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        out.close()
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            text = self.log.read_text(errors="replace")[self.mark :]
            if "ready." in text:
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{text[-3000:]}")
            time.sleep(0.1)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, unacknowledged messages stay with the broker."""
        if self.running:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.kills += 1

    def stop(self) -> None:
        if self.running:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
