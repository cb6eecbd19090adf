"""Document checks by content (magic bytes and decoding), never by the file name."""

import io

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from jmo_portal.exceptions import ApplicationError

MAX_BYTES = 6 * 1024 * 1024
MAX_PIXELS = 60_000_000
_IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# Pillow names a multi-picture JPEG (phones with depth or dual cameras) "MPO";
# its first picture is a plain JPEG that every viewer shows.
_FORMATS = {"JPEG": {"JPEG", "MPO"}, "PNG": {"PNG"}}


def _refuse() -> ApplicationError:
    return ApplicationError(
        _("This file is not a readable JPG, PNG or PDF document."), code="file_type"
    )


def _check_image(data: bytes, expected: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in _FORMATS[expected]:
                raise _refuse()
            if image.width * image.height > MAX_PIXELS:
                raise _refuse()
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() skips the pixel data; decode it for real
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse() from exc
    except Image.DecompressionBombError as exc:
        raise _refuse() from exc


def _check_pdf(data: bytes) -> None:
    tail = data[-2048:]
    if b"%%EOF" not in tail or b"obj" not in data[:65536]:
        raise _refuse()


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
    raise _refuse()
