"""Hostile and ordinary test photos, made with Pillow from demo/faces (ag_* people)."""

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

FACES = Path(__file__).resolve().parents[2] / "demo" / "faces"


def photo(person: str, n: int = 1) -> Path:
    return FACES / f"ag_{person}" / f"{n}.jpg"


def load(person: str, n: int = 1) -> Image.Image:
    with Image.open(photo(person, n)) as img:
        return img.convert("RGB")


def jpeg(img: Image.Image, **save) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=92, **save)
    return out.getvalue()


def png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def raw(person: str, n: int = 1) -> bytes:
    return photo(person, n).read_bytes()


def dark() -> bytes:
    return jpeg(ImageEnhance.Brightness(load("obama")).enhance(0.12))


def blurred() -> bytes:
    return jpeg(load("obama").filter(ImageFilter.GaussianBlur(6)))


def tiny_face() -> bytes:
    face = load("obama")
    face.thumbnail((300, 300))
    canvas = Image.new("RGB", (1600, 1200), (120, 130, 125))
    canvas.paste(face, (700, 500))
    return jpeg(canvas)


def two_faces() -> bytes:
    left, right = load("obama"), load("rose_leslie")
    left.thumbnail((500, 500))
    right.thumbnail((500, 500))
    canvas = Image.new(
        "RGB", (left.width + right.width, max(left.height, right.height))
    )
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width, 0))
    return jpeg(canvas)


def no_face() -> bytes:
    img = Image.new("RGB", (800, 600), (90, 140, 200))
    draw = ImageDraw.Draw(img)
    draw.rectangle((100, 300, 700, 600), fill=(60, 120, 40))
    draw.ellipse((550, 60, 700, 210), fill=(250, 220, 80))
    return jpeg(img)


def truncated() -> bytes:
    data = raw("obama")
    return data[: int(len(data) * 0.4)]


def bomb_header(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares a huge RGB image (never decoded)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def cmyk() -> bytes:
    return jpeg(load("obama").convert("CMYK"))


def rgba() -> bytes:
    img = load("obama").convert("RGBA")
    img.putalpha(200)
    return png(img)


def grayscale() -> bytes:
    return jpeg(load("obama").convert("L"))


def exif_rotated() -> bytes:
    """Pixels stored rotated 90 degrees CCW plus EXIF Orientation=6, as phones do."""
    img = load("obama").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg(img, exif=exif.tobytes())


def not_an_image() -> bytes:
    return b"<!DOCTYPE html><html><body>not a photo</body></html>"


def empty() -> bytes:
    return b""


# Files no decoder reads, with the code the portal refuses each with (the service
# and the API are tested on the same list).
UNREADABLE = [
    (empty, "empty_file"),
    (not_an_image, "not_an_image"),
    (truncated, "damaged_image"),
    (bomb_header, "too_many_pixels"),
]


def phone_photo(person: str, n: int = 1, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A ~12 MP 'phone photo': the demo photo upscaled onto a 4:3 canvas."""
    img = load(person, n)
    scale = min(size[0] / img.width, size[1] / img.height)
    img = img.resize((int(img.width * scale), int(img.height * scale)))
    canvas = Image.new("RGB", size, (128, 128, 128))
    canvas.paste(img, ((size[0] - img.width) // 2, (size[1] - img.height) // 2))
    return jpeg(canvas)


def variant(person: str, n: int, i: int) -> bytes:
    """The same photo with a different crop: a different image for the duplicate check."""
    img = load(person, n)
    return jpeg(img.crop((i, i, img.width - i, img.height - i)))


def passer_by() -> bytes:
    """Obama in front; Rose Leslie beside and behind him, her face half his height."""
    front, back = load("obama", 2), load("rose_leslie", 1)
    back.thumbnail((10000, 300))
    canvas = Image.new("RGB", (front.width + back.width, front.height), (90, 90, 90))
    canvas.paste(front, (0, 0))
    canvas.paste(back, (front.width, 0))
    return jpeg(canvas)
