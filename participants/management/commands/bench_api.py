"""Benchmark: the API's everyday reads against Django's hello-world ceiling.

The deployed shape: gunicorn (3 workers, DEBUG off, JSON logs, Prometheus in
multiprocess mode) on PostgreSQL (a scratch database, `jmo_bench_api`, made fresh
and dropped after) and Redis (broker and cache). One registry member comes in
through the product's doors: a registry CSV (`import_members`), `activate_member`,
the data confirmed at the desk, the token from `POST /api/v1/auth/token/` and a
claim started with `POST /api/v1/claims/`.

Then wrk (16 connections, 2 threads) measures, in turns and `--rounds` times:

  hello  bench/hello_wsgi.py: one Django view, no middleware, no database, served
         by gunicorn with the same flags: the framework's ceiling here;
  mix    /api/v1/balance/, /claims/, /me/, /biometrics/status/ in turn with the
         member's token (bench/api_mix.lua);

and prints requests/s, p99, and the ratio mix/hello of each round and the median.
Goal: the mix at >= 30% of hello-world with p99 <= 50 ms. `--each` also measures
every read alone and `/robots.txt` (the portal's middleware, no view work).
wrk comes from Debian (`apt-get install wrk`; `make bench-api` installs it).
"""

import csv
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]
MIX = ["/api/v1/balance/", "/api/v1/claims/", "/api/v1/me/", "/api/v1/biometrics/status/"]  # fmt: skip
TARGET_RATIO = 0.30
TARGET_P99_MS = 50.0
PASSWORD = "Bench-Rahasia-2026"
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


class Command(BaseCommand):
    help = "Benchmark the API read mix against a Django hello-world (gunicorn, wrk)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--duration", type=int, default=10, help="seconds a run")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn")
        parser.add_argument(
            "--gunicorn-threads", type=int, default=1, help="threads a worker"
        )
        parser.add_argument("--each", action="store_true", help="every read alone")
        parser.add_argument(
            "--postgres", default="postgres://postgres@127.0.0.1:5432/jmo_bench_api"
        )
        parser.add_argument("--broker", default="redis://127.0.0.1:6379/5")
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if shutil.which("wrk") is None:
            raise CommandError(
                "bench_api needs wrk: apt-get install wrk (`make bench-api` does)"
            )
        if options["inner"]:
            return self._run(options)
        from jmo_portal.processes import scratch_database_bench

        argv = [f"--{name.replace('_', '-')}={options[name]}"
                for name in ("rounds", "duration", "connections", "threads", "workers",
                             "gunicorn_threads")]  # fmt: skip
        if options["each"]:
            argv.append("--each")
        scratch_database_bench(
            command="bench_api", argv=argv, options=options, failure="bench_api failed"
        )

    # --- inside the scratch database ------------------------------------------------
    def _run(self, options) -> None:
        from django.db import connection

        from jmo_portal.processes import WebServer

        if connection.vendor != "postgresql":
            raise CommandError("bench_api runs on PostgreSQL only")
        work = Path(tempfile.mkdtemp(prefix="jmo-bench-api-"))
        email = _member_through_the_doors(work)
        env = _server_env(work)
        server = {"workers": options["workers"], "threads": options["gunicorn_threads"]}
        portal = WebServer(env, work / "portal.log", **server)
        hello = WebServer(
            env, work / "hello.log", app="bench.hello_wsgi:application", **server
        )
        try:
            portal.start()
            hello.start()
            token = _token_and_claim(portal.url, email)
            self.stdout.write(
                f"gunicorn: {options['workers']} workers, {options['gunicorn_threads']} "
                "thread(s) each (portal and hello-world); "
                f"wrk: {options['connections']} connections, {options['threads']} "
                f"threads, {options['duration']} s a run; load average before "
                f"{_load()}"
            )
            self._measure(options, portal.url, hello.url, token)
        finally:
            portal.stop()
            hello.stop()
            shutil.rmtree(work, ignore_errors=True)

    def _measure(self, options, portal: str, hello: str, token: str) -> None:
        auth = f"Authorization: Token {token}"
        mix_script = str(ROOT / "bench" / "api_mix.lua")

        def hello_run(seconds):
            return _wrk(options, f"{hello}/", seconds)

        def mix_run(seconds):
            return _wrk(options, f"{portal}/", seconds, header=auth, script=mix_script)

        hello_run(2), mix_run(3)  # warm: imports, connections, the policy rows
        rounds = []
        for n in range(1, options["rounds"] + 1):
            h = hello_run(options["duration"])
            m = mix_run(options["duration"])
            ratio = m["rps"] / h["rps"]
            rounds.append((h, m, ratio))
            self.stdout.write(
                f"round {n}: hello {h['rps']:,.0f} req/s p99 {h['p99']:.1f} ms | "
                f"mix {m['rps']:,.0f} req/s p99 {m['p99']:.1f} ms | "
                f"mix/hello {ratio:.1%}"
            )
        if options["each"]:
            for path in [*MIX, "/robots.txt"]:
                r = _wrk(options, f"{portal}{path}", options["duration"], header=auth)
                self.stdout.write(
                    f"alone {path}: {r['rps']:,.0f} req/s p99 {r['p99']:.1f} ms "
                    f"({r['rps'] / rounds[-1][0]['rps']:.1%} of hello)"
                )
        hello_rps = statistics.median(r[0]["rps"] for r in rounds)
        mix_rps = statistics.median(r[1]["rps"] for r in rounds)
        ratio = statistics.median(r[2] for r in rounds)
        p99 = statistics.median(r[1]["p99"] for r in rounds)
        self.stdout.write(
            f"median of {len(rounds)} rounds: hello {hello_rps:,.0f} req/s, "
            f"mix {mix_rps:,.0f} req/s p99 {p99:.1f} ms, mix/hello {ratio:.1%}; "
            f"load average after {_load()}"
        )
        ok_ratio, ok_p99 = ratio >= TARGET_RATIO, p99 <= TARGET_P99_MS
        self.stdout.write(
            f"target mix >= {TARGET_RATIO:.0%} of hello-world: "
            f"{'yes' if ok_ratio else 'NO'}; p99 <= {TARGET_P99_MS:.0f} ms: "
            f"{'yes' if ok_p99 else 'NO'}"
        )
        verdict = "TARGET MET" if ok_ratio and ok_p99 else "TARGET MISSED"
        style = self.style.SUCCESS if ok_ratio and ok_p99 else self.style.WARNING
        self.stdout.write(style(verdict))


def _member_through_the_doors(work: Path) -> str:
    """A registry member (CSV, with two years of wages), activated, data confirmed
    at the desk by a front-office officer. Returns the login email."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from participants.models import Participant
    from participants.services.data_update_desk import data_update_desk_confirm
    from participants.services.registry_csv import MEMBER_COLUMNS

    today = timezone.localdate()
    end = (today.replace(day=1) - dt.timedelta(days=80)).replace(day=1)
    row = {
        "nik": "3201011403880042",  # born 14-03-1988, a man
        "kpj": "39876543210",
        "full_name": "Budi Santoso",
        "birth_date": "1988-03-14",
        "gender": "M",
        "email": "budi.bench@example.id",
        "phone": "081255550000",
        "employer": "PT Bench Nusantara",
        "membership_start": end.replace(year=end.year - 2).isoformat(),
        "membership_end": end.isoformat(),
        "monthly_wage": "5000000",
        "photo": "budi.jpg",
    }
    photos = work / "photos"
    photos.mkdir()
    # A registry photo from the demo world (demo/faces/ATTRIBUTION.md): the data check
    # needs a face reference on file.
    shutil.copy(ROOT / "demo" / "faces" / "ag_obama" / "1.jpg", photos / "budi.jpg")
    path = work / "registry.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MEMBER_COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    quiet = {"stdout": StringIO()}
    call_command("import_members", str(path), "--photos", str(photos), **quiet)
    call_command(
        "activate_member", row["kpj"], "--email", row["email"],
        "--password", PASSWORD, **quiet,
    )  # fmt: skip
    call_command(
        "create_staff", "bench_desk", "--role", "front_office",
        "--password", PASSWORD, **quiet,
    )  # fmt: skip
    data_update_desk_confirm(
        participant=Participant.objects.get(kpj=row["kpj"]),
        actor=get_user_model().objects.get(username="bench_desk"),
        **json.loads((ROOT / "bench" / "desk_update.json").read_text()),
        reason="bench: documents seen at the desk",
    )
    return row["email"]


def _server_env(work: Path) -> dict:
    """The deployed settings (DEBUG off, JSON logs, Prometheus multiprocess)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings",
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": "bench-api-secret-key-not-for-production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DJANGO_SECURE_COOKIES": "False",
        "BANK_API_KEY": "bench-bank-key",
        "BANK_CALLBACK_TOKEN": "bench-callback-token",
        "LOG_JSON": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("LOG_LEVEL", None)  # the deployed default
    return env


def _token_and_claim(url: str, email: str) -> str:
    import requests

    response = requests.post(
        f"{url}/api/v1/auth/token/",
        json={"username": email, "password": PASSWORD},
        timeout=30,
    )
    if response.status_code != 200:
        raise CommandError(f"token: {response.status_code} {response.text[:300]}")
    token = response.json()["token"]
    headers = {"Authorization": f"Token {token}"}
    started = requests.post(
        f"{url}/api/v1/claims/", json={"claim_type": "resign"}, headers=headers,
        timeout=30,
    )  # fmt: skip
    if started.status_code != 201:
        raise CommandError(f"claim: {started.status_code} {started.text[:300]}")
    for path in MIX:
        answer = requests.get(f"{url}{path}", headers=headers, timeout=30)
        if answer.status_code != 200:
            raise CommandError(f"{path}: {answer.status_code} {answer.text[:300]}")
    return token


def _wrk(
    options, url: str, seconds: int, header: str | None = None, script: str = ""
) -> dict:
    argv = ["wrk", f"-t{options['threads']}", f"-c{options['connections']}",
            f"-d{seconds}s", "--latency", "--timeout", "5s"]  # fmt: skip
    if header:
        argv += ["-H", header]
    if script:
        argv += ["-s", script]
    out = subprocess.run(
        [*argv, url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or errors:
        raise CommandError(f"errors during the run of {url}:\n{out}")
    return {"rps": rps, "p99": float(p99.group(1)) * UNITS_MS[p99.group(2)]}


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
