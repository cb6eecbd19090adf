"""Document checks by content (magic bytes, decoding, parsing), never by the file name."""

import io
import warnings

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError
from pypdf.generic import DictionaryObject

from jmo_portal.exceptions import ApplicationError
from jmo_portal.heif import is_heif

MAX_BYTES = 6 * 1024 * 1024
MAX_PIXELS = 60_000_000
MAX_PDF_PAGES = 50
_PDF_REPAIR_MAX_BYTES = 1024 * 1024
# A scan has a few objects a page, a word processor's 50 pages a few thousand;
# pypdf reads a compressed cross-reference stream of 2 million in 5 s.
_PDF_MAX_OBJECTS = 50_000
_IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# Pillow names a multi-picture JPEG (phones with depth or dual cameras) "MPO";
# its first picture is a plain JPEG that every viewer shows.
_FORMATS = {"JPEG": {"JPEG", "MPO"}, "PNG": {"PNG"}}
# Besides its own errors, pypdf 7.1 lets these out of its reader on some broken
# files (found by feeding it thousands of damaged PDFs; RecursionError on deep
# nesting).
_PDF_ERRORS = (PyPdfError, AttributeError, TypeError, ValueError, RecursionError)


def _refuse() -> ApplicationError:
    return ApplicationError(
        _("This file is not a readable JPG, PNG or PDF document."), code="file_type"
    )


def _refuse_heif() -> ApplicationError:
    return ApplicationError(
        _(
            'This is an HEIC or AVIF photo (the iPhone\'s "High Efficiency" '
            "format), which we cannot read. Upload a JPG, PNG or PDF: on an iPhone "
            'choose Settings > Camera > Formats > "Most Compatible" and take the '
            "photo again."
        ),
        code="file_type",
    )


def _too_many_pixels() -> ApplicationError:
    return ApplicationError(
        _(
            "The picture has more than %(mp)d megapixels, too large to check. Take "
            "the photo again at a lower resolution, or scan at a lower resolution "
            "(300 dpi is enough)."
        )
        % {"mp": MAX_PIXELS // 1_000_000},
        code="file_pixels",
    )


def _check_image(data: bytes, expected: str) -> None:
    # face_recognition turns this on process-wide when imported; a document cut
    # short must never pass as a half-grey picture.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in _FORMATS[expected]:
                    raise _refuse()
                # The size comes from the header: refused before any pixel is decoded.
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels()
                image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() skips the pixel data; decode it for real
    except Image.DecompressionBombError as exc:  # over Pillow's limit, at open
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse() from exc


def _refuse_encrypted() -> ApplicationError:
    return ApplicationError(
        _(
            "This PDF is protected with a password, so the officer cannot open it. "
            "Upload it without the password, or a photo of the document."
        ),
        code="pdf_encrypted",
    )


def _open_pdf(data: bytes, strict: bool) -> PdfReader:
    try:
        reader = PdfReader(
            io.BytesIO(data),
            strict=strict,
            xref_stream_maximum_entries=_PDF_MAX_OBJECTS,
        )
    except (DependencyError, NotImplementedError) as exc:
        # Raised only while pypdf tries the empty password of an encrypted file:
        # certificate (public-key) encryption is not handled.
        raise _refuse_encrypted() from exc
    # A file locked only against editing or printing (an owner password; the
    # password to open it is empty) opens in every viewer without a question:
    # the officer can read it, so it is taken.
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise _refuse_encrypted()
    return reader


def _pdf_page_count(data: bytes) -> int:
    """The page count the document's page tree declares, read without walking it
    (a 6 MB file can hold tens of thousands of pages: seconds to walk)."""
    # pypdf's lenient mode repairs a damaged file (a wrong pointer to the
    # cross-reference table, a bad object), but a crafted one keeps it busy up to
    # about a second per MB; strict parsing refuses those at once. So strict
    # first, and the repair only for files of up to 1 MB.
    if b"%%EOF" not in data[-2048:]:
        # Else pypdf looks for it line by line from the end: seconds through 6 MB.
        raise _refuse()
    for strict in (True, False):
        try:
            reader = _open_pdf(data, strict)
            pages = reader.root_object.get("/Pages")
            pages = pages.get_object() if pages is not None else None
            count = pages.get("/Count") if isinstance(pages, DictionaryObject) else None
            count = count.get_object() if count is not None else None
            break
        except _PDF_ERRORS as exc:
            if not strict or len(data) > _PDF_REPAIR_MAX_BYTES:
                raise _refuse() from exc
    if not isinstance(count, int):
        raise _refuse()
    return count


def _check_pdf(data: bytes) -> None:
    pages = _pdf_page_count(data)
    if pages < 1:
        raise ApplicationError(
            _("This PDF has no pages. Scan the document again and upload it."),
            code="pdf_pages",
        )
    if pages > MAX_PDF_PAGES:
        raise ApplicationError(
            _(
                "This PDF has %(pages)d pages; a document may have at most "
                "%(max)d. Upload only the pages of this document."
            )
            % {"pages": pages, "max": MAX_PDF_PAGES},
            code="pdf_pages",
        )


def document_inspect(upload: UploadedFile) -> tuple[str, str]:
    """(content type, extension) of a valid document; ApplicationError otherwise."""
    if upload.size > MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than 6 MB. Take a smaller photo or scan."),
            code="file_size",
        )
    if upload.size == 0:
        raise _refuse()
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.startswith(b"\xff\xd8\xff"):
        _check_image(data, "JPEG")
        return _IMAGE_TYPES["JPEG"]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_image(data, "PNG")
        return _IMAGE_TYPES["PNG"]
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return "application/pdf", "pdf"
    if is_heif(data):
        raise _refuse_heif()
    raise _refuse()
