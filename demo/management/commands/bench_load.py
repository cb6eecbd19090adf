"""manage.py bench_load: the whole portal under many members (`make bench-load`).

In a scratch PostgreSQL database: `bench_load_world` makes the members (registry
CSV with photos, desk-assisted activation) and a desk login; the supervised stack
of `make stack` (gunicorn, Celery worker and beat, bank simulator) starts on Redis;
Locust (bench/locustfile.py, headless, its own virtualenv) runs the members and
two desk officers against it. Prints Locust's table per step (requests/s, median,
p95, failures) and exits non-zero on any failed request.
"""

import csv
import os
import secrets
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.management.commands.bench_load_world import DESKS
from jmo_portal.processes import Stack, scratch_database_bench

LOCUSTFILE = settings.BASE_DIR / "bench" / "locustfile.py"


class Command(BaseCommand):
    help = "Locust against the supervised full stack: members, selfies, claims, desk."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=300)
        parser.add_argument("--spawn-rate", type=float, default=5)
        parser.add_argument("--duration", type=int, default=180, help="seconds")
        parser.add_argument(
            "--locust",
            default=str(settings.BASE_DIR / ".venv-bench" / "bin" / "locust"),
        )
        parser.add_argument(
            "--postgres", default="postgres://postgres@127.0.0.1:5432/jmo_bench_load"
        )
        parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
        parser.add_argument("--cache", default="redis://127.0.0.1:6379/7")
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if not Path(options["locust"]).exists():
            raise CommandError(
                f"Locust not found at {options['locust']}: make bench-load"
            )
        if not options["inner"]:
            argv = [
                f"--{name.replace('_', '-')}={options[name]}"
                for name in ("members", "spawn_rate", "duration", "locust", "cache")
            ]
            scratch_database_bench(
                command="bench_load",
                argv=argv,
                options=options,
                failure="load test failed",
            )
            return
        out = Path(tempfile.mkdtemp(prefix="bench-load-"))
        call_command("bench_load_world", members=options["members"], out=str(out))
        stack = Stack(
            out / "stack",
            {
                **os.environ,
                "CACHE_URL": options["cache"],
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "LOG_JSON": "1",
                # Every simulated member comes from this one address.
                "RATE_ANONYMOUS_POSTS": "1000000",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            },
        )
        try:
            stack.wait_ready()
            self.stdout.write(
                f"stack up at {stack.url}; {options['members']} members + {DESKS} desk"
                f" officers, {options['spawn_rate']:g} new users/s,"
                f" {options['duration']} s, {os.cpu_count()} cores"
            )
            result = subprocess.run(
                [options["locust"], "-f", str(LOCUSTFILE), "--headless",
                 "--users", str(options["members"] + DESKS),
                 "--spawn-rate", str(options["spawn_rate"]),
                 "--run-time", f"{options['duration']}s", "--host", stack.url,
                 "--csv", str(out / "locust"), "--only-summary", "--loglevel", "WARNING"],
                env={**os.environ, "LOAD_WORLD": str(out / "world.json")},
                capture_output=True, text=True,
            )  # fmt: skip
        finally:
            stack.stop()
        self._table(out / "locust_stats.csv")
        if result.returncode:
            self.stdout.write(result.stderr[-3000:])
            raise CommandError("requests failed (see above)")

    def _table(self, path: Path) -> None:
        self.stdout.write(
            f"{'step':34} {'requests':>8} {'fail':>5} {'req/s':>7}"
            f" {'median ms':>9} {'p95 ms':>7}"
        )
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                name = row["Name"] if row["Type"] else "all"
                self.stdout.write(
                    f"{name[:34]:34} {row['Request Count']:>8} {row['Failure Count']:>5}"
                    f" {float(row['Requests/s']):7.1f}"
                    f" {float(row['Median Response Time']):9.0f} {row['95%']:>7}"
                )
