import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from claims import selectors, services
from claims.documents import MAX_BYTES
from claims.models import ClaimDocument
from jmo_portal.exceptions import ApplicationError
from tests.claims.helpers import make_participant, pdf_bytes, png_bytes, png_upload

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 100, 10)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def review_claim():
    participant = make_participant(balance=20_000_000)
    return services.claim_start(participant=participant, claim_type="resign")


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("photo.jpg", jpeg_bytes(), "image/jpeg"),
        ("photo.png", png_bytes(), "image/png"),
        ("no-extension", png_bytes(), "image/png"),  # content decides, not the name
    ],
)
def test_real_documents_are_accepted(review_claim, name, data, content_type):
    document = services.claim_document_add(
        claim=review_claim, kind="ktp", upload=SimpleUploadedFile(name, data)
    )
    assert document.content_type == content_type
    assert document.file.name.startswith(f"claims/{review_claim.reference}/")


@pytest.mark.parametrize(
    "name, data",
    [
        ("fake.jpg", b"MZ\x90\x00 this is an exe" * 20),
        ("fake.pdf", b"%PDF-1.4 but truncated"),
        ("broken.png", png_bytes()[:40]),
        ("empty.png", b""),
        ("script.png", b"<script>alert(1)</script>"),
    ],
)
def test_fake_or_broken_files_are_refused_and_nothing_is_saved(
    review_claim, name, data
):
    with pytest.raises(ApplicationError) as exc:
        services.claim_document_add(
            claim=review_claim, kind="ktp", upload=SimpleUploadedFile(name, data)
        )
    assert exc.value.code == "file_type"
    assert not ClaimDocument.objects.exists()


def test_a_file_over_6_mb_is_refused(review_claim):
    big = SimpleUploadedFile("big.pdf", PDF + b"\n%" + b"0" * MAX_BYTES)
    with pytest.raises(ApplicationError) as exc:
        services.claim_document_add(claim=review_claim, kind="ktp", upload=big)
    assert exc.value.code == "file_size"
    assert not ClaimDocument.objects.exists()


def test_a_new_upload_replaces_the_old_one(review_claim):
    services.claim_document_add(claim=review_claim, kind="kk", upload=png_upload())
    services.claim_document_add(claim=review_claim, kind="kk", upload=png_upload())
    assert ClaimDocument.objects.filter(claim=review_claim, kind="kk").count() == 1
    assert selectors.documents_missing(claim=review_claim) == [
        {"kind": "ktp", "label": "KTP (identity card)"},
        {"kind": "savings_book", "label": "Savings book (first page)"},
        {"kind": "resignation_letter", "label": "Resignation letter"},
    ]


def test_documents_are_private_and_streamed_only_to_the_owner(review_claim, client):
    document = services.claim_document_add(
        claim=review_claim, kind="ktp", upload=png_upload()
    )
    url = f"/claims/{review_claim.reference}/documents/{document.pk}/"
    client.force_login(review_claim.participant.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    other = make_participant()
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(f"/private-media/{document.file.name}").status_code == 404


def test_an_empty_file_is_named_empty_on_the_page_not_missing(review_claim, client):
    client.force_login(review_claim.participant.user)
    url = f"/claims/{review_claim.reference}/documents/"
    empty = SimpleUploadedFile("ktp.jpg", b"", content_type="image/jpeg")
    page = client.post(url, {"kind": "ktp", "file": empty}, follow=True)
    text = page.content.decode()
    assert "Berkas kosong" in text
    assert "Pilih berkas untuk diunggah" not in text
    none = client.post(url, {"kind": "ktp"}, follow=True).content.decode()
    assert "Pilih berkas untuk diunggah" in none
    assert not ClaimDocument.objects.exists()


def _mpo_bytes() -> bytes:
    """A multi-picture JPEG, as phones with depth or dual cameras save photos."""
    out = io.BytesIO()
    first = Image.new("RGB", (64, 48), (200, 180, 160))
    first.save(out, "MPO", save_all=True, append_images=[first.resize((32, 24))])
    return out.getvalue()


def test_a_phone_multi_picture_jpeg_is_accepted_as_a_jpeg_document(review_claim):
    api = APIClient()
    api.force_authenticate(review_claim.participant.user)
    upload = SimpleUploadedFile("IMG_0001.JPG", _mpo_bytes())
    response = api.post(
        f"/api/v1/claims/{review_claim.reference}/documents/",
        {"kind": "ktp", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = ClaimDocument.objects.get(claim=review_claim, kind="ktp")
    assert document.content_type == "image/jpeg"
    assert document.file.name.endswith(".jpg")


def test_document_uploads_are_limited_per_member_refused_files_included(
    review_claim, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "document_upload": (2, 900)}
    api = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    api.force_authenticate(review_claim.participant.user)
    url = f"/api/v1/claims/{review_claim.reference}/documents/"

    def upload(data: bytes):
        return api.post(
            url, {"kind": "ktp", "file": SimpleUploadedFile("k.pdf", data)},
            format="multipart",
        )  # fmt: skip

    assert upload(b"%PDF-1.4 broken").status_code == 400
    assert upload(PDF).status_code == 201
    response = upload(jpeg_bytes())
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["detail"].startswith("Terlalu banyak permintaan")
    document = ClaimDocument.objects.get(claim=review_claim)
    assert document.content_type == "application/pdf"
