"""Benchmark: the participant dashboard's server time is flat in the history length.

Runs in its own PostgreSQL database (`jmo_bench_dashboard`), seeded once with N
participants and up to 30 years of monthly contributions each (about 18M rows for
100k participants, generated in SQL), and reused until --reseed or another N.
Then it renders the real dashboard (django.test.Client, logged in, full middleware
and template) for members with 12 and with 360 months of history.

The bulk tables are UNLOGGED in this scratch database only: no WAL for 18M rows,
reads are planned and cached exactly like a logged table.
"""

import math
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]
MARKER = "bench_dashboard_seed"
TARGET_P95_MS = 25.0
TARGET_SPREAD = 0.20
RATE_BP = 600
PARTICIPANTS_PER_CLIENT = 20

# Months of history for member i: 12 and 360 for every hundredth pair (the
# measured cases), otherwise spread over 12..360 (mean ~186, so ~18.6M rows).
MONTHS_SQL = """CASE WHEN i % 100 = 1 THEN 12 WHEN i % 100 = 2 THEN 360
                ELSE 12 + (i * 7919) % 349 END"""
# One in five stopped working up to five years ago; at most 31 years in all.
GAP_SQL = "CASE WHEN i % 5 = 0 THEN least(i % 61, 360 - ({months})) ELSE 0 END"


class Command(BaseCommand):
    help = "Benchmark the dashboard for 12- vs 360-month histories on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--warmup", type=int, default=20)
        parser.add_argument("--reseed", action="store_true")
        parser.add_argument(
            "--postgres",
            default="postgres://postgres@127.0.0.1:5432/jmo_bench_dashboard",
        )
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if options["participants"] < 2:
            raise CommandError("--participants must be at least 2")
        if options["inner"]:
            return self._run(options)
        return self._outer(options)

    # --- outer: make or reuse the database, then this command again inside it ----
    def _outer(self, options) -> None:
        url = options["postgres"]
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError(
                "bench_dashboard runs on PostgreSQL only (SQLite cannot hold or "
                f"measure 18M rows the same way); got --postgres={url}"
            )
        n = options["participants"]
        if options["reseed"] or _seeded_count(url) != n:
            _recreate_database(url)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jmo_portal.settings",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": "",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        argv = [*manage, "bench_dashboard", "--inner", f"--participants={n}",
                f"--requests={options['requests']}", f"--warmup={options['warmup']}",
                f"--postgres={url}"]  # fmt: skip
        # Relay the inner output line by line, so a caller's stdout gets the figures.
        with subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        ) as proc:
            for line in proc.stdout:
                self.stdout.write(line.rstrip("\n"))
        if proc.returncode:
            raise CommandError("bench_dashboard failed")

    # --- inner: seed if needed, then measure ---------------------------------------
    def _run(self, options) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            raise CommandError("bench_dashboard runs on PostgreSQL only")
        n = options["participants"]
        with connection.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", [MARKER])
            seeded = cur.fetchone()[0] is not None
        if not seeded:
            self.stdout.write(f"seeding {n} participants ...")
            _seed(n, self.stdout)
        with connection.cursor() as cur:
            cur.execute(f"SELECT participants, contributions, yearly, seconds FROM {MARKER}")  # fmt: skip
            people, contributions, yearly, seconds = cur.fetchone()
        how = "seeded" if not seeded else "reused database seeded"
        self.stdout.write(
            f"seed: {how} in {seconds:.1f}s: participants={people} "
            f"contributions={contributions} yearly_balances={yearly}"
        )
        self._measure(options)

    def _measure(self, options) -> None:
        from django.conf import settings
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # Production-like rendering: no query log, no template debug info.
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        cases = {"12-month": _clients(12), "360-month": _clients(360)}
        timings: dict[str, list[float]] = {name: [] for name in cases}
        queries = {}
        total = options["warmup"] + options["requests"]
        for k in range(total):
            # Alternate the two cases so both see the same machine load.
            for name, clients in cases.items():
                client = clients[k % len(clients)]
                t0 = time.perf_counter()
                response = client.get("/dashboard/")
                elapsed = (time.perf_counter() - t0) * 1000
                if response.status_code != 200 or b"big-number" not in response.content:
                    raise CommandError(f"dashboard answered {response.status_code}")
                if k >= options["warmup"]:
                    timings[name].append(elapsed)
        for name, clients in cases.items():
            with CaptureQueriesContext(connection) as ctx:
                clients[0].get("/dashboard/")
            queries[name] = len(ctx)
        p95 = {}
        for name, values in timings.items():
            p50, p95[name] = _percentile(values, 50), _percentile(values, 95)
            self.stdout.write(
                f"dashboard {name} history: requests={len(values)} "
                f"p50={p50:.1f}ms p95={p95[name]:.1f}ms queries={queries[name]}"
            )
        short, long_ = p95["12-month"], p95["360-month"]
        spread = abs(long_ - short) / min(short, long_)
        ok_p95 = max(short, long_) <= TARGET_P95_MS
        ok_spread = spread <= TARGET_SPREAD
        self.stdout.write(
            f"target p95<={TARGET_P95_MS:.0f}ms: {'yes' if ok_p95 else 'NO'}; "
            f"within {TARGET_SPREAD:.0%} of each other: "
            f"{'yes' if ok_spread else 'NO'} (spread {spread:.1%})"
        )
        verdict = "TARGET MET" if ok_p95 and ok_spread else "TARGET MISSED"
        style = self.style.SUCCESS if verdict == "TARGET MET" else self.style.WARNING
        self.stdout.write(style(verdict))


def _percentile(values: list[float], q: int) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def _clients(months: int) -> list:
    """Logged-in clients for up to 20 active members with exactly `months` months."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from participants.models import Participant

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM bench_plan WHERE months = %s AND gap = 0 ORDER BY i "
            "LIMIT %s",
            [months, PARTICIPANTS_PER_CLIENT],
        )
        ids = [row[0] for row in cur.fetchall()]
    clients = []
    for participant in Participant.objects.filter(pk__in=ids).select_related("user"):
        user = participant.user
        if user is None:
            user = get_user_model().objects.create(username=participant.email)
            Participant.objects.filter(pk=participant.pk).update(user=user)
        client = Client()
        client.force_login(user)
        clients.append(client)
    if not clients:
        raise CommandError(f"no seeded member with {months} months of history")
    return clients


# --- the database -----------------------------------------------------------------
def _connect(url: str, dbname: str | None = None):
    import psycopg2

    server, name = url.rsplit("/", 1)
    try:
        conn = psycopg2.connect(f"{server}/{dbname or name}")
    except psycopg2.OperationalError as exc:
        if dbname is None and f'"{name}" does not exist' in str(exc):
            return None
        raise CommandError(f"bench_dashboard needs PostgreSQL: {exc}") from exc
    conn.autocommit = True
    return conn


def _seeded_count(url: str) -> int | None:
    """Participants of a finished seed in that database, or None."""
    conn = _connect(url)
    if conn is None:
        return None
    with conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [MARKER])
        if cur.fetchone()[0] is None:
            return None
        cur.execute(f"SELECT participants FROM {MARKER}")
        row = cur.fetchone()
    conn.close()
    return row[0] if row else None


def _recreate_database(url: str) -> None:
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    conn = _connect(url, dbname="postgres")
    with conn.cursor() as cur:
        ident = sql.Identifier(name)
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    conn.close()


def _insert_sql(model, columns: dict[str, str], source: str) -> str:
    """INSERT ... SELECT for `model`: the given column expressions, every other
    column its field default, so a new field with a default does not break the seed."""
    from django.db import connection

    names, exprs = [], []
    with connection.cursor() as cur:
        for field in model._meta.concrete_fields:
            if field.column in columns:
                exprs.append(columns[field.column])
            elif field.primary_key:
                continue
            elif getattr(field, "auto_now_add", False) or getattr(
                field, "auto_now", False
            ):
                exprs.append("now()")
            elif field.has_default() or not field.null:
                # get_default() is "" for a text field without one, else None.
                value = field.get_default()
                if value is None:
                    raise CommandError(
                        f"seed cannot fill {model.__name__}.{field.name}"
                    )
                value = field.get_db_prep_save(value, connection)
                exprs.append(cur.mogrify("%s", [value]).decode())
            else:
                continue
            names.append(connection.ops.quote_name(field.column))
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(exprs)} FROM {source}"
    )


def _execute(statement: str) -> None:
    """One statement, no parameters (so `%` is SQL's modulo)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET work_mem = '64MB'")
        cur.execute(statement)


def _parallel(statements: list[str]) -> None:
    """Run statements on separate connections at once (one per core)."""
    from django.db import connection

    def run(statement):
        try:
            _execute(statement)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run, statements))


def _seed(n: int, out) -> None:
    from django.db import connection

    from participants.models import (
        Contribution,
        Employer,
        Employment,
        Participant,
        YearlyBalance,
        YieldPosting,
    )

    t0 = time.monotonic()
    step = [t0]

    def done(what: str) -> None:
        now = time.monotonic()
        out.write(f"  {what}: {now - step[0]:.1f}s")
        step[0] = now

    employers = max(10, n // 50)
    with connection.cursor() as cur:
        cur.execute("SELECT extract(year FROM current_date)::int")
        this_year = cur.fetchone()[0]
    for table in ("participants_contribution", "participants_yieldposting"):
        _execute(f"ALTER TABLE {table} SET UNLOGGED")
    _execute(
        f"""CREATE UNLOGGED TABLE bench_plan AS
        SELECT i, months, gap, bd, last_period,
               (last_period - (months - 1) * interval '1 month')::date AS first_period,
               NULL::bigint AS pid
        FROM (SELECT i, months, gap, date '1966-01-01' + i % 9000 AS bd,
                     (date_trunc('month', current_date)
                      - (1 + gap) * interval '1 month')::date AS last_period
              FROM (SELECT i, {MONTHS_SQL} AS months,
                           {GAP_SQL.format(months=MONTHS_SQL)} AS gap
                    FROM generate_series(1, {int(n)}) AS i) a) b"""
    )
    _execute(_insert_sql(Employer, {
        "code": "'BENCH' || lpad(e::text, 6, '0')",
        "name": "'PT Bench Sejahtera ' || e",
    }, f"generate_series(1, {employers}) AS e"))  # fmt: skip
    # NIK: region (i / 9000), DDMMYY of the birth date (+40 for women), serial.
    _execute(_insert_sql(Participant, {
        "nik": """'32' || lpad((i / 9000)::text, 4, '0')
                  || lpad((extract(day FROM bd)::int
                           + CASE WHEN i % 2 = 0 THEN 40 ELSE 0 END)::text, 2, '0')
                  || to_char(bd, 'MMYY') || lpad((i % 10000)::text, 4, '0')""",
        "kpj": "'8' || lpad(i::text, 10, '0')",
        "full_name": "'Peserta Bench ' || i",
        "birth_date": "bd",
        "gender": "CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END",
        "email": "'bench' || i || '@example.id'",
        "phone": "'0812' || lpad(i::text, 8, '0')",
        "membership_start": "first_period",
    }, "bench_plan ORDER BY i"))  # fmt: skip
    _execute(
        """UPDATE bench_plan pl SET pid = p.id FROM participants_participant p
        WHERE p.kpj = '8' || lpad(pl.i::text, 10, '0')"""
    )
    _execute("CREATE UNIQUE INDEX ON bench_plan (pid)")
    _execute(
        """CREATE UNLOGGED TABLE bench_employer AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM participants_employer"""
    )
    done("participants and employers")

    def employer_of(segment: str) -> str:
        # A new employer every 8 years (96 months) of the history.
        return f"((pl.i * 31 + ({segment}) * 17) % {employers})"

    contribution = {
        "participant_id": "pl.pid",
        "employer_id": "e.id",
        "period": "(pl.first_period + m * interval '1 month')::date",
        "wage": "w",
        "worker_share": "w * 20 / 1000",
        "employer_share": "w * 37 / 1000",
    }
    source = f"""bench_plan pl
        CROSS JOIN LATERAL generate_series(0, pl.months - 1) AS m
        CROSS JOIN LATERAL (SELECT (3000000 + (pl.i % 40) * 100000
                                    + m * 15000)::bigint AS w) wage
        JOIN bench_employer e ON e.k = {employer_of("m / 96")}"""
    # Build the indexes and foreign keys once after the load instead of per row.
    saved = _drop_indexes(Contribution._meta.db_table)
    _parallel(
        [_insert_sql(Contribution, contribution, f"{source} WHERE pl.i % 2 = {r}")
         for r in (0, 1)]
    )  # fmt: skip
    done("contributions")
    _restore_indexes(saved)
    done("contribution indexes")

    segment_start = "(pl.first_period + s * 96 * interval '1 month')::date"
    _execute(_insert_sql(Employment, {
        "participant_id": "pl.pid",
        "employer_id": "e.id",
        "start": segment_start,
        "end": f"""CASE WHEN s < (pl.months - 1) / 96
                   THEN ({segment_start} + 96 * interval '1 month' - interval '1 day')::date
                   WHEN pl.gap > 0
                   THEN (pl.last_period + interval '1 month' - interval '1 day')::date
                   END""",
    }, f"""bench_plan pl CROSS JOIN LATERAL generate_series(0, (pl.months - 1) / 96) AS s
         JOIN bench_employer e ON e.k = {employer_of("s")}"""))  # fmt: skip

    # Yearly rows as the ledger keeps them: yield on each finished year's closing.
    _execute(
        """CREATE UNLOGGED TABLE bench_year AS
        SELECT participant_id, extract(year FROM period)::int AS year,
               sum(worker_share + employer_share) AS amount
        FROM participants_contribution GROUP BY 1, 2"""
    )
    _execute("CREATE UNIQUE INDEX ON bench_year (participant_id, year)")
    with connection.cursor() as cur:
        cur.execute("SELECT min(extract(year FROM first_period))::int FROM bench_plan")
        first_year = cur.fetchone()[0]
    for year in range(first_year, this_year + 1):
        rate = RATE_BP if year < this_year else 0
        base = "coalesce(prev.closing_balance, 0) + coalesce(c.amount, 0)"
        _execute(_insert_sql(YearlyBalance, {
            "participant_id": "pl.pid",
            "year": str(year),
            "contributions": "coalesce(c.amount, 0)",
            "yield_amount": f"({base}) * {rate} / 10000",
            "paid_out": "0",
            "closing_balance": f"({base}) + ({base}) * {rate} / 10000",
        }, f"""bench_plan pl
            LEFT JOIN bench_year c ON c.participant_id = pl.pid AND c.year = {year}
            LEFT JOIN participants_yearlybalance prev
              ON prev.participant_id = pl.pid AND prev.year = {year - 1}
            WHERE extract(year FROM pl.first_period) <= {year}"""))  # fmt: skip
    _execute(_insert_sql(YieldPosting, {
        "participant_id": "participant_id", "year": "year", "rate_bp": str(RATE_BP),
        "base": "closing_balance - yield_amount", "amount": "yield_amount",
    }, f"participants_yearlybalance WHERE year < {this_year}"))  # fmt: skip
    _execute(
        """UPDATE participants_participant p
        SET contributions_total = y.contributions, yield_total = y.yields,
            balance = y.contributions + y.yields, balance_as_of = current_date
        FROM (SELECT participant_id, sum(contributions) AS contributions,
                     sum(yield_amount) AS yields
              FROM participants_yearlybalance GROUP BY 1) y
        WHERE y.participant_id = p.id"""
    )
    _execute("DROP TABLE bench_year")
    done("employments, yearly balances, yield postings, balances")
    _execute("VACUUM ANALYZE")
    done("vacuum analyze")
    _check_ledger(out)
    seconds = time.monotonic() - t0
    _execute(
        f"""CREATE TABLE {MARKER} AS SELECT
        (SELECT count(*) FROM participants_participant)::int AS participants,
        (SELECT count(*) FROM participants_contribution) AS contributions,
        (SELECT count(*) FROM participants_yearlybalance) AS yearly,
        {float(seconds)}::float AS seconds, now() AS seeded_at"""
    )


def _drop_indexes(table: str) -> tuple[list[str], list[str]]:
    """Drop the foreign keys, unique constraints and indexes (not the primary key);
    return the statements that bring them back."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype IN ('u', 'f')""",
            [table],
        )
        constraints = cur.fetchall()
        cur.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT EXISTS
              (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
            [table],
        )
        indexes = cur.fetchall()
        for name, _definition, _kind in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    # A unique constraint comes back as an index built beside the others, then
    # attached to the constraint (instant), so the builds can run in parallel.
    unique = [(name, definition) for name, definition, kind in constraints
              if kind == "u" and definition.startswith("UNIQUE (")]  # fmt: skip
    builds = [definition for _name, definition in indexes] + [
        f'CREATE UNIQUE INDEX "{name}" ON {table} {definition[len("UNIQUE ") :]}'
        for name, definition in unique
    ]
    attach = [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"'
        for name, _definition in unique
    ] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition, kind in constraints
        if kind == "f" or (kind == "u" and (name, definition) not in unique)
    ]
    return builds, attach


def _restore_indexes(saved: tuple[list[str], list[str]]) -> None:
    builds, attach = saved
    _parallel(builds)
    for statement in attach:
        _execute(statement)


def _check_ledger(out) -> None:
    """The maintained balance agrees with the rows it summarises."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """SELECT
            (SELECT sum(worker_share + employer_share) FROM participants_contribution),
            (SELECT sum(contributions_total) FROM participants_participant),
            (SELECT count(*) FROM participants_participant p
             JOIN participants_yearlybalance y ON y.participant_id = p.id
             AND y.year = (SELECT max(year) FROM participants_yearlybalance z
                           WHERE z.participant_id = p.id)
             WHERE y.closing_balance <> p.balance)"""
        )
        rows_sum, ledger_sum, mismatched = cur.fetchone()
    if rows_sum != ledger_sum or mismatched:
        raise CommandError(
            f"seed inconsistent: rows={rows_sum} ledger={ledger_sum} "
            f"balances off={mismatched}"
        )
    out.write(f"  ledger consistent: contributions={rows_sum} rupiah")
