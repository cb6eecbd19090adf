"""Media storage refusing to write (a full disk, a quota, a read-only mount).

The kernel's own refusal: RLIMIT_FSIZE makes any write past the limit fail with
EFBIG in this process, as a full disk fails with ENOSPC, for any user (a
read-only directory does not stop root). The member gets a clear answer in their
language, nothing is half-saved, and what was stored before stays readable.
"""

import resource
import signal
from contextlib import contextmanager

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from biometrics.models import SelfieAttempt
from biometrics.services import face_reference_create
from claims.models import ClaimDocument
from tests.biometrics import images
from tests.claims.helpers import make_participant, pdf_bytes

pytestmark = pytest.mark.django_db
SMALL_PDF = pdf_bytes()
BIG_PDF = pdf_bytes(size=(700, 500), noisy=True)  # a photo of a page: ~300 kB
LIMIT = 64 * 1024


@contextmanager
def disk_full_past(size: int):
    """Files in this process cannot grow past `size` bytes until the block ends."""
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, limits[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)


def _api(participant) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    api.raise_request_exception = False  # answer as the deployed portal does
    api.force_authenticate(participant.user)
    return api


def _unavailable(response) -> None:
    assert response.status_code == 503, response.content
    assert response.headers["Retry-After"]
    body = response.json()
    assert body["code"] == "unavailable"
    assert "Tidak ada yang hilang" in body["detail"]


def test_a_document_that_cannot_be_stored_keeps_the_one_stored_before(
    django_capture_on_commit_callbacks,
):
    participant = make_participant(balance=20_000_000)  # above the cap: documents
    api = _api(participant)
    claim = api.post("/api/v1/claims/", {"claim_type": "resign"}).json()
    ref, kind = claim["reference"], claim["requirements"][0]["kind"]
    url = f"/api/v1/claims/{ref}/documents/"
    first = SimpleUploadedFile("a.pdf", SMALL_PDF, content_type="application/pdf")
    answer = api.post(url, {"kind": kind, "file": first})
    assert answer.status_code == 201, answer.content
    stored = ClaimDocument.objects.get(claim__reference=ref)
    bigger = SimpleUploadedFile("b.pdf", BIG_PDF, content_type="application/pdf")
    with disk_full_past(LIMIT):
        response = api.post(url, {"kind": kind, "file": bigger})
    _unavailable(response)
    (document,) = ClaimDocument.objects.filter(claim__reference=ref)
    assert (document.pk, document.file.name) == (stored.pk, stored.file.name)
    with default_storage.open(document.file.name) as fh:
        assert fh.read() == SMALL_PDF  # before, the old file was deleted first
    names = default_storage.listdir(f"claims/{ref}")[1]
    assert names == [document.file.name.rsplit("/", 1)[1]]  # no half-written file
    with django_capture_on_commit_callbacks(execute=True):  # the disk has room again
        bigger.seek(0)
        assert api.post(url, {"kind": kind, "file": bigger}).status_code == 201
    assert not default_storage.exists(stored.file.name)  # replaced, then deleted


def test_a_selfie_that_cannot_be_stored_is_not_an_attempt():
    participant = make_participant(face=False)
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    selfie = images.raw("obama", 2)
    with disk_full_past(1024):
        response = _api(participant).post(
            "/api/v1/biometrics/selfies/",
            {"image": SimpleUploadedFile("s.jpg", selfie, content_type="image/jpeg")},
            format="multipart",
        )
    _unavailable(response)
    assert not SelfieAttempt.objects.filter(participant=participant).exists()
    assert default_storage.listdir(f"biometrics/selfies/{participant.pk}")[1] == []
