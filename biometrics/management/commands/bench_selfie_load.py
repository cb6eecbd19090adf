"""manage.py bench_selfie_load: selfie throughput at a steady offered rate.

Open loop, the way a crowd arrives: uploads are started on a fixed schedule
(`--rate` per second for `--duration` seconds) whatever the backlog, each one a
multipart POST of a 12 MP phone photo to the selfie API, in this process; the
decisions are made by `--workers` real Celery worker processes (solo pool, model
loaded at start, one native thread each: jmo_portal/celery.py) through Redis and PostgreSQL, in a
scratch database dropped afterwards. Upload-to-decision runs from the scheduled
start of the upload to the moment the decision was saved, so a backlog shows.
"""

import io
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from biometrics.management.commands.bench_selfie import (
    FACES,
    PEOPLE,
    _phone_photo,
    bench_member,
)
from biometrics.models import BiometricPolicy, SelfieAttempt, SelfieStatus
from jmo_portal.processes import Worker, scratch_database_bench
from participants.models import Participant

UPLOADS_PER_MEMBER = 8  # below the attempt limit, even if every one failed to match


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Offer selfies at a steady rate to real workers; report decisions and p95."

    def add_arguments(self, parser):
        parser.add_argument("--rate", type=float, default=10.0, help="uploads/s")
        parser.add_argument("--duration", type=int, default=60, help="seconds")
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes"
        )
        parser.add_argument(
            "--postgres",
            default="postgres://postgres@127.0.0.1:5432/jmo_bench_selfie_load",
        )
        parser.add_argument("--broker", default="redis://127.0.0.1:6379/5")
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if not options["inner"]:
            argv = [
                f"--rate={options['rate']}",
                f"--duration={options['duration']}",
                f"--workers={options['workers']}",
            ]
            scratch_database_bench(
                command="bench_selfie_load", argv=argv, options=options
            )
            return
        total = round(options["rate"] * options["duration"])
        pools = self._photos()
        members = self._members(total)
        # The uploads are authenticated in-process (no token header), so the
        # per-address limit on anonymous posts would count them all as one client.
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "selfie_upload": (UPLOADS_PER_MEMBER + 2, 3600),
            "anonymous_post": (10 * total, 3600),
        }
        log_dir = Path(tempfile.mkdtemp(prefix="bench-selfie-load-"))
        workers = [
            Worker(dict(os.environ), log_dir / f"w{n}.log", name=f"load{n}")
            for n in range(options["workers"])
        ]
        for worker in workers:
            worker.start(wait=False)
        for worker in workers:
            worker.wait_ready(timeout=120)
        self.stdout.write(
            f"{len(workers)} worker processes (solo pool, 1 native thread each) ready;"
            f" offering {options['rate']:g} selfies/s for {options['duration']} s"
            f" = {total} uploads from {len(members)} members"
        )
        try:
            sent = self._offer(members, pools, total, options["rate"])
            decided = self._wait_all(sent, timeout=180)
        finally:
            for worker in workers:
                worker.stop()
        self._report(sent, decided, options)
        for attempt in SelfieAttempt.objects.exclude(image=""):
            attempt.image.delete(save=False)

    def _photos(self) -> dict[str, list[bytes]]:
        """Distinct 12 MP photos per person (a member may not send one twice)."""
        started = time.perf_counter()
        pools = {
            person: [
                _phone_photo(FACES / person / f"{n}.jpg", offset=1 + r)
                for n in selfies
                for r in range(-(-UPLOADS_PER_MEMBER // len(selfies)))
            ]
            for person, (_ref, selfies) in PEOPLE.items()
        }
        self.stdout.write(
            f"{sum(map(len, pools.values()))} distinct 4000x3000 photos prepared"
            f" in {time.perf_counter() - started:.0f} s"
        )
        return pools

    def _members(self, total: int) -> list[tuple[str, Participant]]:
        BiometricPolicy.objects.update_or_create(pk=1, defaults={"max_attempts": 10})
        people = list(PEOPLE)
        count = -(-total // UPLOADS_PER_MEMBER)
        references = {
            person: (FACES / person / f"{PEOPLE[person][0]}.jpg").read_bytes()
            for person in people
        }
        members = []
        for i in range(count):
            person = people[i % len(people)]
            participant = bench_member(
                username=f"load-{i}@bench.jmo",
                nik=f"3201010101{90 + i % 10:02d}{i:04d}",
                kpj=f"8{i:010d}",
                full_name=f"Load {i}",
                reference=references[person],
            )
            members.append((person, participant))
        return members

    def _offer(self, members, pools, total: int, rate: float) -> list[tuple]:
        """Start upload k at start + k/rate, in a pool of sender threads."""
        from rest_framework.test import APIClient

        sent, lock = [], threading.Lock()

        def upload(k: int, scheduled: float) -> None:
            person, participant = members[k % len(members)]
            photo = pools[person][(k // len(members)) % len(pools[person])]
            client = APIClient(SERVER_NAME="localhost")
            client.force_authenticate(participant.user)
            response = client.post(
                "/api/v1/biometrics/selfies/",
                {"image": io.BytesIO(photo)},
                format="multipart",
            )
            attempt = response.json().get("id") if response.status_code == 202 else None
            with lock:
                sent.append((scheduled, time.time(), response.status_code, attempt))
            connection.close()

        start = time.time() + 0.5
        with ThreadPoolExecutor(max_workers=8) as senders:
            for k in range(total):
                scheduled = start + k / rate
                time.sleep(max(0.0, scheduled - time.time()))
                senders.submit(upload, k, scheduled)
        return sent

    def _wait_all(self, sent, timeout: float) -> dict[int, tuple[str, float]]:
        ids = [attempt for *_rest, attempt in sent if attempt]
        pending = {SelfieStatus.QUEUED, SelfieStatus.PROCESSING}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            left = SelfieAttempt.objects.filter(pk__in=ids, status__in=pending).count()
            if not left:
                break
            time.sleep(0.5)
        return {
            pk: (status, updated.timestamp())
            for pk, status, updated in SelfieAttempt.objects.filter(
                pk__in=ids
            ).values_list("pk", "status", "updated_at")
        }

    def _report(self, sent, decided, options) -> None:
        accepted = [row for row in sent if row[3]]
        refused = len(sent) - len(accepted)
        pending = {SelfieStatus.QUEUED, SelfieStatus.PROCESSING}
        outcomes: dict[str, int] = {}
        latencies, uploads = [], []
        for scheduled, returned, _code, attempt in accepted:
            status, at = decided[attempt]
            outcomes[status] = outcomes.get(status, 0) + 1
            uploads.append(returned - scheduled)
            if status not in pending:
                latencies.append(at - scheduled)
        undecided = len(accepted) - len(latencies)
        if latencies:
            span = max(at for _s, at in decided.values()) - min(s for s, *_ in sent)
            self.stdout.write(
                f"offered {len(sent)}, accepted {len(accepted)}, refused {refused},"
                f" decided {len(latencies)}, undecided {undecided};"
                f" outcomes {dict(sorted(outcomes.items()))}"
            )
            self.stdout.write(
                f"upload (scheduled -> 202): median {statistics.median(uploads):.2f} s,"
                f" p95 {_percentile(uploads, 0.95):.2f} s"
            )
            self.stdout.write(
                f"upload -> decision: median {statistics.median(latencies):.2f} s,"
                f" p95 {_percentile(latencies, 0.95):.2f} s,"
                f" max {max(latencies):.2f} s; decided {len(latencies) / span:.1f}/s"
                f" over {span:.0f} s with {options['workers']} worker processes"
            )
        if refused or undecided:
            raise CommandError(f"{refused} refused and {undecided} undecided")
