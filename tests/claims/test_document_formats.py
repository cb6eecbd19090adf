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


def _encrypted_pdf(algorithm: str = "RC4-128", *, to_open: str = "rahasia") -> bytes:
    """A one-page PDF encrypted with `algorithm`; to_open "" locks it only against
    editing (an owner password), as many downloaded letters and statements are."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt(to_open, owner_password="pemilik", algorithm=algorithm)
    return _pdf(writer)


def _pdf_encrypted_by(handler: bytes) -> bytes:
    """A one-page PDF whose /Encrypt names `handler` (pypdf cannot write these)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
        handler,
    ]
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>" % (
        (b"ab" * 16,) * 2
    )
    xref = b"xref\n0 5\n0000000000 65535 f \n" + table + b"trailer\n" + trailer
    return out + xref + b"\nstartxref\n%d\n%%%%EOF\n" % len(out)


AES_256 = (  # Acrobat's default since 2008 (revision 6)
    b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4 /O <%s> /U <%s> "
    b"/OE <%s> /UE <%s> >>" % (b"01" * 48, b"02" * 48, b"03" * 32, b"04" * 32)
)
CERTIFICATE = b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 >>"


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


def _damaged(pdf: bytes) -> bytes:
    """The same PDF with its pointer to the cross-reference table wrong."""
    return pdf.replace(b"startxref\n", b"startxref\n1")


def test_a_damaged_pdf_is_repaired_only_when_small_so_the_work_stays_bounded(draft):
    small = _damaged(pdf_bytes())
    assert _upload(draft, small, "scan.pdf").status_code == 201
    ClaimDocument.objects.all().delete()
    # Repairing (pypdf's lenient mode) a crafted file takes about a second a MB.
    large = _damaged(pdf_bytes(size=(1800, 1300), noisy=True))
    assert len(large) > 1024 * 1024
    _refused(_upload(draft, large, "scan.pdf"), "file_type")


def _xref_stream_pdf(entries: int) -> bytes:
    """A small PDF whose compressed cross-reference stream lists `entries` objects."""
    out = b"%PDF-1.5\n"
    catalog = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    pages = len(out)
    out += b"2 0 obj\n<< /Type /Pages /Count 1 /Kids [] >>\nendobj\n"
    rows = b"".join(
        b"\x01" + struct.pack(">I", at) + b"\x00" for at in (catalog, pages)
    )
    rows = zlib.compress(rows + b"\x00" * 6 * (entries - 2), 9)
    xref = len(out)
    out += b"3 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Root 1 0 R " % entries
    out += b"/Filter /FlateDecode /Length %d >>\nstream\n" % len(rows) + rows
    return out + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref


def test_pdfs_that_would_keep_the_parser_busy_are_refused(draft):
    assert _upload(draft, _xref_stream_pdf(1000), "scan.pdf").status_code == 201
    ClaimDocument.objects.all().delete()
    # 200,000 objects declared in 2 kB (2 million: 5 s of parsing).
    _refused(_upload(draft, _xref_stream_pdf(200_000), "scan.pdf"), "file_type")
    # pypdf looks for %%EOF line by line from the end: seconds through 6 MB.
    _refused(_upload(draft, pdf_bytes() + b"\n" * 2100, "scan.pdf"), "file_type")


@pytest.mark.parametrize(
    "data",
    [
        _encrypted_pdf("RC4-128"),
        _encrypted_pdf("AES-256"),
        _pdf_encrypted_by(AES_256),
        _pdf_encrypted_by(CERTIFICATE),
    ],
    ids=["rc4", "aes-256", "aes-256-foreign", "certificate"],
)
def test_a_password_protected_pdf_is_refused_the_officer_could_not_open_it(draft, data):
    detail = _refused(_upload(draft, data, "scan.pdf"), "pdf_encrypted")
    assert "kata sandi" in detail
    assert not ClaimDocument.objects.exists()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_locked_only_against_editing_is_taken_as_any_viewer_opens_it(
    draft, algorithm
):
    data = _encrypted_pdf(algorithm, to_open="")
    assert PdfReader(io.BytesIO(data)).is_encrypted
    assert _upload(draft, data, "surat.pdf").status_code == 201
    stored = ClaimDocument.objects.get()
    with stored.file.open("rb") as saved:
        assert saved.read() == data  # kept as sent; the officer's viewer opens it


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
