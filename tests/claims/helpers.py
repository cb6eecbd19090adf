"""Shared pieces of the claims tests: a bank simulator process and ready participants."""

import datetime as dt
import json
import time

from django.contrib.auth.models import Group
from django.utils import timezone

from participants.models import Participant
from tests.data_update import confirm_data_at_desk
from tests.factories import EmploymentFactory, ParticipantFactory, UserFactory

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
    )
    participant.refresh_from_db()
    confirm_data_at_desk(participant)
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


def under_review(
    balance: int = 20_000_000,
    *,
    participant: Participant | None = None,
    claim_type: str = "resign",
):
    """A claim with every document, submitted and waiting for an officer."""
    from claims import services
    from claims.models import ClaimStatus

    participant = participant or make_participant(balance=balance)
    claim = ready_claim(participant, claim_type=claim_type, npwp="123456789012345")
    for requirement in claim.requirements:
        services.claim_document_add(
            claim=claim, kind=requirement["kind"], upload=png_upload()
        )
    claim = services.claim_submit(claim=claim)
    assert claim.status == ClaimStatus.UNDER_REVIEW
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


def pdf_bytes(*, pages: int = 1, size=(60, 80), noisy: bool = False) -> bytes:
    """A scanned document as scanner apps save it: a JPEG picture a page."""
    import io

    from PIL import Image

    if noisy:  # a photo-like page: it does not compress
        page = Image.effect_noise(size, 80).convert("RGB")
    else:
        page = Image.new("RGB", size, (245, 245, 240))
    out = io.BytesIO()
    page.save(out, "PDF", save_all=True, append_images=[page] * (pages - 1))
    return out.getvalue()
