"""Shared pieces of the claims tests: a bank simulator process and ready participants."""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from participants.models import Participant
from tests.factories import EmploymentFactory, ParticipantFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


class BankSimulator:
    """`manage.py run_bank_simulator` in its own process, with its own SQLite store."""

    def __init__(self, store: Path, flags: dict | None = None) -> None:
        self.store = store
        args = [sys.executable, "manage.py", "run_bank_simulator", "--port", "0",
                "--store", str(store)]  # fmt: skip
        for key, value in (flags or {}).items():
            args += ["--flag", f"{key}={value}"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jmo_portal.settings_test"}
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"bank simulator did not start: {line}")
        self.url = line.strip().rsplit(" ", 1)[1]

    def _headers(self) -> dict:
        return {"X-API-Key": settings.BANK_API_KEY}

    def flags(self, **values) -> dict:
        response = requests.post(
            f"{self.url}/admin/flags", json=values, headers=self._headers(), timeout=5
        )
        return response.json()

    def stats(self) -> dict:
        return requests.get(
            f"{self.url}/admin/stats", headers=self._headers(), timeout=5
        ).json()

    def transfers(self) -> list[dict]:
        """Read the simulator's own store: the truth about money moved."""
        db = sqlite3.connect(self.store)
        db.row_factory = sqlite3.Row
        try:
            rows = db.execute("SELECT * FROM disbursements").fetchall()
            return [dict(r) for r in rows]
        finally:
            db.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


DEFAULT_FLAGS = {
    "settle_delay_ms": 0,
    "timeout_rate": 0,
    "timeout_next": 0,
    "error_rate": 0,
    "fail_next": 0,
    "drop_callback_rate": 0,
    "drop_callbacks": 0,
}


def make_participant(
    *,
    balance: int = 12_000_000,
    end: dt.date | None = None,
    start: dt.date = dt.date(2012, 1, 1),
    face: bool = True,
    **fields,
) -> Participant:
    """An activated participant whose last job ended two months ago."""
    participant = ParticipantFactory(**fields)
    user = UserFactory(username=participant.email, email=participant.email)
    user.groups.add(Group.objects.get_or_create(name="participant")[0])
    EmploymentFactory(
        participant=participant,
        start=start,
        end=end or timezone.localdate() - dt.timedelta(days=62),
    )
    Participant.objects.filter(pk=participant.pk).update(
        user=user,
        balance=balance,
        contributions_total=balance,
        profile_confirmed_at=timezone.now(),
    )
    participant.refresh_from_db()
    if face:
        from biometrics.models import FaceReference

        FaceReference.objects.create(
            participant=participant, encoding=[0.0] * 128, source="demo"
        )
    return participant


def pass_selfie(participant: Participant) -> None:
    from biometrics.models import SelfieAttempt

    SelfieAttempt.objects.create(
        participant=participant, status="matched", image_sha256=f"{time.time_ns()}"
    )


def ready_claim(participant: Participant, *, claim_type: str = "resign", **bank):
    """A draft claim with KPJ, bank account (and selfie) done: ready to submit."""
    from claims import services

    claim = services.claim_start(participant=participant, claim_type=claim_type)
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    services.claim_bank_account_set(
        claim=claim,
        bank_code=bank.get("bank_code", "BCA"),
        account_number=bank.get("account_number", "1234567890"),
        account_holder=participant.full_name,
        npwp=bank.get("npwp", ""),
    )
    pass_selfie(participant)
    claim.refresh_from_db()
    return claim


def dumps(value) -> str:
    return json.dumps(value, default=str)


def png_bytes(size=(40, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def png_upload(name: str = "ktp.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
