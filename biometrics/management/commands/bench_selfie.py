"""manage.py bench_selfie: upload -> decision time for 12 MP phone photos.

By default every selfie goes the real way: a multipart POST to the selfie API,
Redis, a warm Celery worker (model loaded at worker start) and PostgreSQL, in a
scratch database that is dropped afterwards; the clock stops when the attempt's
row holds the decision. `--in-process` measures the same service calls in this
process instead (no broker; inside a transaction that is rolled back).
Both print the naive baseline (face_recognition on the full-size photo).
"""

import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from PIL import Image

from biometrics import faces
from biometrics.models import BiometricPolicy, SelfieAttempt, SelfieStatus
from biometrics.services import face_reference_create, selfie_process, selfie_submit
from jmo_portal.processes import Worker, scratch_database_bench
from participants.models import Participant

FACES = settings.BASE_DIR / "demo" / "faces"
# reference photo, then other photos of the same person (demo/faces, ag_* people)
PEOPLE = {
    "ag_obama": (1, [2, 3, 4]),
    "ag_alex_lacamoire": (2, [3]),
    "ag_kit_harington": (1, [2, 3]),
    "ag_biden": (1, [2]),
    "ag_rose_leslie": (1, [2]),
}


class _Rollback(Exception):
    pass


def _phone_photo(path, offset: int, size=(4000, 3000)) -> bytes:
    """Upscale a demo photo onto a 4:3 12 MP canvas, like a phone camera's JPEG."""
    with Image.open(path) as img:
        img = img.convert("RGB")
    img = img.crop((offset, offset, img.width - offset, img.height - offset))
    scale = min(size[0] / img.width, size[1] / img.height)
    img = img.resize((int(img.width * scale), int(img.height * scale)))
    canvas = Image.new("RGB", size, (128, 128, 128))
    canvas.paste(img, ((size[0] - img.width) // 2, (size[1] - img.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=90)
    return out.getvalue()


def bench_member(
    *, username: str, nik: str, kpj: str, full_name: str, reference: bytes
) -> Participant:
    """A member with a face reference, written directly (test_architecture allows it)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username)
    participant = Participant.objects.create(
        user=user,
        nik=nik,
        kpj=kpj,
        full_name=full_name,
        birth_date="1990-01-01",
        gender="M",
    )
    face_reference_create(participant=participant, image=reference, source="demo")
    return participant


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


class Command(BaseCommand):
    help = "Benchmark selfie upload -> decision on 12 MP photos (warm model)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--baseline", type=int, default=4)
        parser.add_argument(
            "--in-process", action="store_true", help="no broker and no worker"
        )
        parser.add_argument(
            "--postgres", default="postgres://postgres@127.0.0.1:5432/jmo_bench_selfie"
        )
        parser.add_argument("--broker", default="redis://127.0.0.1:6379/4")
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if not options["in_process"] and not options["inner"]:
            argv = [
                f"--rounds={options['rounds']}",
                f"--baseline={options['baseline']}",
            ]
            scratch_database_bench(command="bench_selfie", argv=argv, options=options)
            return
        if options["in_process"]:
            call_command("migrate", verbosity=0)
        photos = self._photos(options["rounds"])
        # The benchmark sends many photos per person: lift the upload rate limit.
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "selfie_upload": (len(photos) + 10, 3600),
        }
        if options["inner"]:
            timings, outcomes = self._through_worker(photos)
            how = "API upload -> Redis -> warm worker -> decision in PostgreSQL"
        else:
            timings, outcomes = self._in_process(photos)
            how = "in-process warm model"
        baseline = self._baseline(
            photos[:: max(1, len(photos) // options["baseline"])][: options["baseline"]]
        )
        self._report(how, timings, outcomes, baseline)

    def _photos(self, rounds: int) -> list[tuple[str, bytes]]:
        photos = []
        for person, (_ref, selfies) in PEOPLE.items():
            for n in selfies:
                for r in range(rounds):
                    path = FACES / person / f"{n}.jpg"
                    photos.append((person, _phone_photo(path, offset=1 + r)))
        size = statistics.median(len(p) for _, p in photos) / 2**20
        self.stdout.write(
            f"{len(photos)} phone photos of 4000x3000 px (median {size:.1f} MB JPEG)"
        )
        return photos

    def _in_process(self, photos):
        started = time.perf_counter()
        faces.warm()
        self.stdout.write(
            f"model load (once per worker): {time.perf_counter() - started:.2f} s"
        )
        try:
            with transaction.atomic():
                participants = self._participants()
                timings, outcomes, names = [], {}, []
                for person, data in photos:
                    t0 = time.perf_counter()
                    attempt = selfie_submit(
                        participant=participants[person], image=data
                    )
                    attempt = selfie_process(attempt_id=attempt.pk)
                    timings.append(time.perf_counter() - t0)
                    outcomes[str(attempt.status)] = (
                        outcomes.get(str(attempt.status), 0) + 1
                    )
                    names.append(attempt.image.name)
                raise _Rollback
        except _Rollback:
            pass
        for name in names:
            SelfieAttempt.image.field.storage.delete(name)
        return timings, outcomes

    def _through_worker(self, photos):
        from rest_framework.test import APIClient

        from jmo_portal.celery import app

        participants = self._participants()
        log = Path(tempfile.mkdtemp(prefix="bench-selfie-")) / "worker.log"
        worker = Worker(dict(os.environ), log, name="bench-selfie")
        started = time.perf_counter()
        worker.start()
        self.stdout.write(
            f"worker start incl. model load: {time.perf_counter() - started:.2f} s"
        )
        app.control.purge()
        timings, outcomes = [], {}
        try:
            # The first upload warms the web side (imports, connections): not timed.
            warmup = ("ag_obama", _phone_photo(FACES / "ag_obama" / "2.jpg", offset=0))
            for i, (person, data) in enumerate([warmup, *photos]):
                client = APIClient(SERVER_NAME="localhost")
                client.force_authenticate(participants[person].user)
                t0 = time.perf_counter()
                response = client.post(
                    "/api/v1/biometrics/selfies/",
                    {"image": io.BytesIO(data)},
                    format="multipart",
                )
                if response.status_code != 202:
                    raise CommandError(f"upload refused: {response.content[:300]}")
                status = self._wait_decided(response.json()["id"])
                if i:
                    timings.append(time.perf_counter() - t0)
                    outcomes[status] = outcomes.get(status, 0) + 1
        finally:
            worker.stop()
        for attempt in SelfieAttempt.objects.exclude(image=""):
            attempt.image.delete(save=False)
        return timings, outcomes

    @staticmethod
    def _wait_decided(attempt_id: int, timeout: float = 60) -> str:
        deadline = time.perf_counter() + timeout
        pending = {SelfieStatus.QUEUED, SelfieStatus.PROCESSING}
        while time.perf_counter() < deadline:
            status = (
                SelfieAttempt.objects.filter(pk=attempt_id)
                .values_list("status", flat=True)
                .get()
            )
            if status not in pending:
                return status
            time.sleep(0.005)
        raise CommandError(f"selfie {attempt_id} not decided within {timeout}s")

    def _participants(self) -> dict[str, Participant]:
        BiometricPolicy.objects.update_or_create(pk=1, defaults={"max_attempts": 10})
        participants = {}
        for i, person in enumerate(PEOPLE):
            participants[person] = bench_member(
                username=f"bench-{person}@bench.jmo",
                nik=f"3201010101{90 + i:02d}{i:04d}",
                kpj=f"9{i:010d}",
                full_name=f"Bench {person}",
                reference=(FACES / person / f"{PEOPLE[person][0]}.jpg").read_bytes(),
            )
        return participants

    def _baseline(self, photos):
        fr = faces._fr()
        references = {
            person: fr.face_encodings(
                fr.load_image_file(str(FACES / person / f"{ref}.jpg"))
            )[0]
            for person, (ref, _s) in PEOPLE.items()
        }
        timings = []
        for person, data in photos:
            t0 = time.perf_counter()
            image = fr.load_image_file(io.BytesIO(data))
            encodings = fr.face_encodings(image)
            if encodings:
                fr.face_distance([references[person]], encodings[0])
            timings.append(time.perf_counter() - t0)
        return timings

    def _report(self, how, timings, outcomes, baseline):
        median, p95 = _stats(timings)
        self.stdout.write(
            f"optimised, upload -> decision ({how}), n={len(timings)}: "
            f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
            f"(target <= 400 / 800 ms) outcomes {outcomes}"
        )
        if outcomes.get(SelfieStatus.MATCHED, 0) != len(timings):
            self.stdout.write(self.style.WARNING("not every genuine selfie matched"))
        b_median, b_p95 = _stats(baseline)
        self.stdout.write(
            f"naive baseline (face_recognition on the full 12 MP photo), n={len(baseline)}: "
            f"median {b_median * 1000:.0f} ms, p95 {b_p95 * 1000:.0f} ms"
        )
        self.stdout.write(
            f"speed-up (baseline median / optimised median): {b_median / median:.1f}x"
        )
