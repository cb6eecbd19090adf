"""What each kind of file a member may really send as a claim document gets: the
photo formats a phone makes, pictures too large in pixels, PDFs that only look
like PDFs, and files cut short. All through API v1 or the upload page, in Indonesian."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile
from pypdf import PdfReader, PdfWriter
from rest_framework.test import APIClient

from claims import services
from claims.models import ClaimDocument
from tests.claims.helpers import make_participant, pdf_bytes, under_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    participant = make_participant(balance=20_000_000)  # above the cap: documents
    return services.claim_start(participant=participant, claim_type="resign")


def _upload(claim, data: bytes, name: str = "scan"):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    api.force_authenticate(claim.participant.user)
    return api.post(
        f"/api/v1/claims/{claim.reference}/documents/",
        {"kind": "ktp", "file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def _refused(response, code: str) -> str:
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code, response.json()
    assert not ClaimDocument.objects.exists()
    return response.json()["detail"]


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    """The ISO-BMFF `ftyp` box an HEIF/AVIF file (or an MP4 video) starts with."""
    brands = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands + b"\x00" * 4000


@pytest.mark.parametrize(
    "name, data",
    [
        ("IMG_0001.HEIC", _ftyp(b"heic", b"mif1", b"heic")),  # an iPhone photo
        ("IMG_0002.HEIC", _ftyp(b"mif1", b"heic", b"miaf")),  # brand heic not first
        ("photo.avif", _ftyp(b"avif", b"mif1", b"miaf")),
    ],
)
def test_a_heic_or_avif_photo_is_told_how_to_send_a_jpg(draft, client, name, data):
    client.force_login(draft.participant.user)
    upload = SimpleUploadedFile(name, data, content_type="image/heic")
    url = f"/claims/{draft.reference}/documents/"
    page = client.post(url, {"kind": "ktp", "file": upload}, follow=True)
    text = page.content.decode()
    assert "Ini foto HEIC atau AVIF" in text
    assert "Paling Kompatibel" in text
    assert not ClaimDocument.objects.exists()


def test_a_video_is_not_mistaken_for_a_heic_photo(draft):
    detail = _refused(_upload(draft, _ftyp(b"isom", b"iso2", b"mp41")), "file_type")
    assert "HEIC" not in detail


def _png_header(width: int, height: int, rows: bytes = b"", bits: int = 8) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    colour = 0 if bits == 1 else 2  # 1-bit greyscale, else RGB
    header = struct.pack(">IIBBBBB", width, height, bits, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _png_bomb() -> bytes:
    """9 kB of valid PNG that decodes to 70 million pixels."""
    rows = (b"\x00" + b"\x00" * 1250) * 7000  # 10000 px of 1 bit a row
    return _png_header(10000, 7000, rows, bits=1)


def _jpeg_claiming(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 90, 90)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")  # the frame header: precision, height, width
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        _png_header(10000, 7000),  # 70 MP declared, no picture data behind it
        _png_bomb(),
        _png_header(20000, 20000),  # past Pillow's own bomb limit
        _jpeg_claiming(10000, 7000),
    ],
    ids=["png-header", "png-bomb", "png-400mp", "jpeg-header"],
)
def test_a_picture_over_60_megapixels_is_told_to_use_a_lower_resolution(draft, data):
    detail = _refused(_upload(draft, data), "file_pixels")
    assert "60 megapiksel" in detail and "resolusi" in detail


def _pdf(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt("rahasia")
    return _pdf(writer)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj\n" + bytes(range(256)) * 8 + b"\nendobj\n%%EOF\n",
        b"%PDF-1.7\n" + b"obj " * 500 + b"\nstartxref\n9\n%%EOF\n",
        pdf_bytes()[:-40],  # cut short: its cross-reference table is gone
        b"%PDF-1.4\n1 0 obj\n" + b"[" * 5000 + b"]" * 5000 + b"\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n",  # RecursionError
    ],
    ids=["garbage", "fake-xref", "truncated", "deep-nesting"],
)
def test_a_file_that_only_looks_like_a_pdf_is_refused(draft, data):
    _refused(_upload(draft, data, "scan.pdf"), "file_type")


def test_a_password_protected_pdf_is_refused_the_officer_could_not_open_it(draft):
    detail = _refused(_upload(draft, _encrypted_pdf(), "scan.pdf"), "pdf_encrypted")
    assert "kata sandi" in detail


def test_a_pdf_without_pages_is_refused(draft):
    _refused(_upload(draft, _pdf(PdfWriter()), "scan.pdf"), "pdf_pages")


def test_a_pdf_of_more_than_50_pages_is_refused_and_up_to_50_are_taken(draft):
    detail = _refused(_upload(draft, pdf_bytes(pages=51), "scan.pdf"), "pdf_pages")
    assert "51 halaman" in detail and "50" in detail
    assert _upload(draft, pdf_bytes(pages=50), "scan.pdf").status_code == 201


def test_scans_and_the_portals_own_papers_are_taken_as_pdf(draft, bank):
    submitted = under_review()
    api = APIClient()
    api.force_authenticate(submitted.participant.user)
    receipt = api.get(f"/api/v1/claims/{submitted.reference}/receipt.pdf").content
    assert len(PdfReader(io.BytesIO(receipt)).pages) == 1
    for data in (pdf_bytes(pages=3), receipt):
        assert _upload(draft, data, "scan.pdf").status_code == 201
        document = ClaimDocument.objects.get(claim=draft, kind="ktp")
        assert (document.content_type, document.size) == ("application/pdf", len(data))


def test_a_jpeg_cut_short_is_refused_even_where_pillow_was_told_to_allow_it(
    draft, monkeypatch
):
    # `import face_recognition` turns this on for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    out = io.BytesIO()
    Image.effect_noise((64, 48), 60).convert("RGB").save(out, "JPEG")
    data = out.getvalue()
    _refused(_upload(draft, data[: len(data) * 2 // 3], "ktp.jpg"), "file_type")
