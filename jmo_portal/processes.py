"""Processes for benchmarks and integration tests: workers, Redis, scratch databases.

A `Worker` is a real `celery worker` process that can be SIGKILLed and started
again; `WebServer` is gunicorn serving the portal on a free port; `PrivateRedis` is
a redis-server of one's own to stop and start empty (never the shared one);
`PrivatePostgres` a PostgreSQL cluster of one's own to stop and start; `Stack`
is the deployed shape (supervisord with gunicorn, worker, beat and the bank
simulator); `scratch_database_run` runs a management command inside a fresh,
migrated PostgreSQL database and drops it afterwards (`scratch_database_bench`:
the same for a benchmark command's --postgres and --broker options).
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scratch_database_run(
    *, command: str, argv: list[str], postgres: str, broker: str
) -> int:
    """Create `postgres` (a URL ending in the database name), migrate it, run
    `manage.py COMMAND --inner ARGV` there with Celery on `broker`, then drop it."""
    import psycopg2
    from django.core.management.base import CommandError
    from psycopg2 import sql

    server, dbname = postgres.rsplit("/", 1)
    try:
        conn = psycopg2.connect(f"{server}/postgres")
    except psycopg2.OperationalError as exc:
        raise CommandError(f"{command} needs PostgreSQL: {exc}") from exc
    conn.autocommit = True
    name = sql.Identifier(dbname)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(name))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings",
        "DATABASE_URL": postgres,
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    try:
        subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        return subprocess.run(
            [*manage, command, "--inner", *argv], cwd=ROOT, env=env
        ).returncode
    finally:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.close()


def scratch_database_bench(
    *, command: str, argv: list[str], options: dict, failure: str = "benchmark failed"
) -> None:
    """`scratch_database_run` on the command's --postgres and --broker options;
    a failed run is a CommandError saying `failure`."""
    from django.core.management.base import CommandError

    if scratch_database_run(
        command=command,
        argv=argv,
        postgres=options["postgres"],
        broker=options.get("broker", ""),
    ):
        raise CommandError(failure)


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


class PrivateRedis:
    """A redis-server of our own on a free port, to stop and start again (empty)."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        # The cache on the same server, another database (as .env.compose has it).
        self.cache_url = f"redis://127.0.0.1:{self.port}/1"
        self.dir = tmp_path
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on {self.port}")
            time.sleep(0.1)

    def answers(self) -> bool:
        return port_answers(self.port)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


class PrivatePostgres:
    """A PostgreSQL cluster of our own (Debian's server binaries) on a free port, to
    stop and start again; never the shared server. As root, the server runs as the
    `postgres` user (initdb refuses root)."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("no PostgreSQL server binaries (Debian's postgresql)")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="jmo-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, user="postgres", group="postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                 "-E", "UTF8", "--no-sync")  # fmt: skip

    def _pg(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{program} failed:\n{done.stdout}{done.stderr}")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
                   " -c fsync=off -c full_page_writes=off")  # fmt: skip
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"),
                 "-o", options, "-w", "start")  # fmt: skip

    def stop(self) -> None:
        """Fast shutdown, as a restart does: open connections are cut."""
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def answers(self) -> bool:
        return port_answers(self.port)

    def remove(self) -> None:
        if self.answers():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class WebServer:
    """gunicorn serving `app` (the portal by default) on a free port of 127.0.0.1."""

    def __init__(
        self,
        env: dict,
        log: Path,
        *,
        workers: int = 1,
        app: str = "jmo_portal.wsgi:application",
        port: int | None = None,
        threads: int = 1,
    ):
        self.env, self.log, self.workers, self.app = env, Path(log), workers, app
        self.threads = threads
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        out = self.log.open("a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", self.app,
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--threads", str(self.threads), "--timeout", "60"],
            cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        out.close()
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"gunicorn did not start:\n{self.log.read_text()[-3000:]}"
                )
            time.sleep(0.2)

    def answers(self) -> bool:
        return port_answers(self.port)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            terminate(self.proc, timeout=20)
        self.proc = None


@contextmanager
def broker_at(app, url: str):
    """Send this process's tasks to `url` for the duration."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def port_answers(port: int) -> bool:
    """Something accepts connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def terminate(proc: subprocess.Popen, *, timeout: float) -> None:
    """SIGTERM, and SIGKILL if `proc` has not ended within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    """supervisord with deploy/supervisord.conf (what `make stack` runs) on free
    ports; `env` carries the database, broker, cache and media of the caller."""

    def __init__(self, directory: Path, env: dict):
        self.dir = Path(directory)
        (self.dir / "prometheus").mkdir(parents=True)
        port, bank_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.bank_url = f"http://127.0.0.1:{bank_port}"
        self.env = {
            **env,
            "BANK_API_URL": self.bank_url,
            "SITE_URL": self.url,
            "PROMETHEUS_MULTIPROC_DIR": str(self.dir / "prometheus"),
            "STACK_DIR": str(self.dir),
            "ROOT": str(ROOT),
            "VENV": str(Path(sys.executable).parent.parent),
            "PORT": str(port),
            "BANK_PORT": str(bank_port),
            "SMS_PORT": str(free_port()),
        }
        self.proc = subprocess.Popen(
            [Path(sys.executable).parent / "supervisord", "-c",
             str(ROOT / "deploy" / "supervisord.conf")],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def healthy(self) -> bool:
        import requests

        try:
            return requests.get(f"{self.url}/health/?format=json", timeout=5).ok
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float = 120) -> None:
        """The web answers healthy and the worker has said `ready.`."""
        deadline = time.monotonic() + timeout
        while not (self.healthy() and "ready." in self.log("worker")):
            if time.monotonic() > deadline:
                raise RuntimeError(f"stack not ready:\n{self.log('web')}")
            time.sleep(1)

    def worker_pids(self) -> set[str]:
        out = self.ctl("pid", "worker")
        return {out.strip()} if out.strip().isdigit() else set()

    def ctl(self, *args: str) -> str:
        return subprocess.run(
            [Path(sys.executable).parent / "supervisorctl", "-c",
             str(ROOT / "deploy" / "supervisord.conf"), *args],
            env=self.env, capture_output=True, text=True, timeout=30,
        ).stdout  # fmt: skip

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        terminate(self.proc, timeout=60)
