"""Drain N approved claims through real workers, Redis, PostgreSQL and the bank simulator.

Runs in its own database (created, migrated, dropped) and its own Redis DB, then
checks the simulator's own store: every claim transferred once, none lost.
`--chaos` adds SIGKILLed workers, bank timeouts, 503s, dropped callbacks and a
Redis restart mid-run (a redis-server of the benchmark's own, stopped for 10 s
and started again empty: every queued message is lost).
"""

import os
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.core.management.base import BaseCommand, CommandError

from jmo_portal.processes import scratch_database_bench


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Command(BaseCommand):
    help = "Benchmark: N approved claims paid by worker processes; 0 double, 0 lost."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=10_000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--concurrency", type=int, default=4, help="threads/worker")
        parser.add_argument("--chaos", action="store_true")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--timeout", type=int, default=1800)
        parser.add_argument(
            "--postgres", default="postgres://postgres@127.0.0.1:5432/jmo_bench_payout"
        )
        parser.add_argument("--broker", default="redis://127.0.0.1:6379/3")
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if options["inner"]:
            return self._run(options)
        return self._outer(options)

    # --- outer: a fresh database, then this command again inside it --------------
    def _outer(self, options):
        argv = [
            f"--{k}={options[k]}"
            for k in ("claims", "workers", "concurrency", "seed", "timeout")
        ] + (["--chaos"] if options["chaos"] else [])
        scratch_database_bench(command="bench_payout", argv=argv, options=options)

    # --- inner: seed, drain, check -------------------------------------------------
    def _run(self, options):
        from django.core.wsgi import get_wsgi_application

        from claims.bank.harness import BankSimulator
        from claims.models import Claim, ClaimStatus
        from jmo_portal.celery import app
        from jmo_portal.processes import PrivateRedis, Worker, broker_at

        n, rng = options["claims"], random.Random(options["seed"])
        tmp = Path(tempfile.mkdtemp(prefix="bench-payout-"))
        chaos = options["chaos"]
        flags = {"settle_delay_ms": 0, "drop_callbacks": 1}
        if chaos:
            flags = {"settle_delay_ms": 150, "timeout_rate": 0.1, "timeout_seconds": 1.2,
                     "error_rate": 0.05, "drop_callback_rate": 0.5}  # fmt: skip
        sim = BankSimulator(tmp / "bank.sqlite3", flags=flags)
        server = make_server(
            "127.0.0.1", 0, get_wsgi_application(), server_class=_Server,
            handler_class=_QuietHandler,
        )  # fmt: skip
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site = f"http://127.0.0.1:{server.server_address[1]}"
        os.environ.update(BANK_API_URL=sim.url, SITE_URL=site)
        from django.conf import settings

        settings.BANK_API_URL, settings.SITE_URL = sim.url, site
        redis = PrivateRedis(tmp)
        if chaos:  # never restart the shared Redis: use one of our own
            redis.start()
            os.environ["CELERY_BROKER_URL"] = redis.url
        env = {**os.environ, "BANK_TIMEOUT_SECONDS": "0.6" if chaos else "5"}
        workers = [
            Worker(env, tmp / f"worker{i}.log", name=f"bench{i}",
                   concurrency=options["concurrency"])
            for i in range(options["workers"])
        ]  # fmt: skip
        restarts = 0
        with broker_at(app, os.environ["CELERY_BROKER_URL"]):
            try:
                app.control.purge()
                t0 = time.monotonic()
                payout_ids = self._seed(n)
                self.stdout.write(
                    f"seeded {n} approved claims in {time.monotonic() - t0:.1f}s"
                )
                t0 = time.monotonic()
                from claims.services import payout_dispatch

                for pk in payout_ids:
                    payout_dispatch(payout_id=pk)
                self.stdout.write(f"dispatched in {time.monotonic() - t0:.1f}s")
                for w in workers:
                    w.start(wait=False)
                for w in workers:
                    w.wait_ready()
                start = time.monotonic()
                deadline = start + options["timeout"]
                paid, last_sweep, last_report = 0, start, start
                while paid < n and time.monotonic() < deadline:
                    time.sleep(rng.uniform(0.3, 1.5) if chaos else 1.0)
                    now = time.monotonic()
                    if chaos and sum(w.kills for w in workers) < 12:
                        victim = rng.choice(workers)
                        victim.kill()
                        victim.start(wait=False)
                    if now - last_sweep > (2 if chaos else 15):
                        from claims.services import payout_sweep

                        payout_sweep(stale_seconds=3 if chaos else 60, limit=2000)
                        last_sweep = now
                    paid = Claim.objects.filter(status=ClaimStatus.PAID).count()
                    if chaos and not restarts and paid >= n // 3:
                        redis.stop()  # workers lose the broker mid-run
                        time.sleep(10)
                        redis.start()  # back, empty
                        restarts = 1
                        self.stdout.write(f"  Redis restarted empty at {paid} paid")
                    if now - last_report > 10:
                        rate = paid / (now - start)
                        self.stdout.write(f"  {paid}/{n} paid, {rate:.1f}/s")
                        last_report = now
                elapsed = time.monotonic() - start
            finally:
                for w in workers:
                    w.stop()
                sim.stop()
                server.shutdown()
                redis.stop()
        self._report(n, elapsed, sim, workers)
        self.stdout.write(f"redis_restarts={restarts}")

    def _seed(self, n: int) -> list[int]:
        import datetime as dt

        from django.db import transaction
        from django.utils import timezone

        from claims.models import Claim, Payout
        from participants.models import Participant

        today = timezone.localdate()
        with transaction.atomic():
            people = Participant.objects.bulk_create(
                [
                    Participant(
                        nik=f"3201010101{i:06d}", kpj=f"9{i:010d}",
                        full_name=f"Peserta Bench {i}", birth_date=dt.date(1980, 1, 1),
                        gender="M", balance=1_000_000 + i, contributions_total=1_000_000 + i,
                        balance_as_of=today,
                    )
                    for i in range(n)
                ],
                batch_size=2000,
            )  # fmt: skip
            claims = Claim.objects.bulk_create(
                [
                    Claim(
                        reference=f"BENCH{i:07d}", participant=p, claim_type="resign",
                        status="approved", channel="online", balance_at_start=p.balance,
                        gross=p.balance, tax=0, net=p.balance, bank_code="BCA",
                        account_number=f"{1000000000 + i}", account_holder=p.full_name,
                        submitted_at=timezone.now(), decided_at=timezone.now(),
                    )
                    for i, p in enumerate(people)
                ],
                batch_size=2000,
            )  # fmt: skip
            payouts = Payout.objects.bulk_create(
                [
                    Payout(
                        claim=c, idempotency_key=c.reference, amount=c.net,
                        bank_code=c.bank_code, account_number=c.account_number,
                        account_holder=c.account_holder,
                    )
                    for c in claims
                ],
                batch_size=2000,
            )  # fmt: skip
        return [p.pk for p in payouts]

    def _report(self, n, elapsed, sim, workers) -> None:
        from django.db.models import Sum

        from claims.models import Claim, ClaimStatus, Payout
        from participants.models import Participant

        transfers = sim.transfers()
        per_claim = Counter(t["external_id"] for t in transfers)
        double = sum(1 for c in per_claim.values() if c > 1)
        paid = Claim.objects.filter(status=ClaimStatus.PAID).count()
        refs = set(Claim.objects.values_list("reference", flat=True))
        lost = len(
            refs - {t["external_id"] for t in transfers if t["status"] == "COMPLETED"}
        )
        lost += n - paid
        gross = Claim.objects.aggregate(s=Sum("gross"))["s"] or 0
        debited = Participant.objects.aggregate(s=Sum("paid_out_total"))["s"] or 0
        statuses = dict(Counter(Payout.objects.values_list("status", flat=True)))
        kills = sum(w.kills for w in workers)
        self.stdout.write(
            f"claims={n} paid={paid} elapsed={elapsed:.1f}s "
            f"payouts_per_second={paid / elapsed:.1f} workers={len(workers)} "
            f"sigkills={kills}"
        )
        self.stdout.write(
            f"bank transfers={len(transfers)} double={double} lost={lost} "
            f"ledger_ok={debited == gross} payout_rows={statuses}"
        )
        if double or lost or debited != gross:
            raise CommandError("FAILED: double or lost payouts")
        self.stdout.write(self.style.SUCCESS("OK: 0 double, 0 lost"))
