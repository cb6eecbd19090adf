"""The digital KPJ card: a page, a PNG to keep, and a QR code for a public check.

The QR code opens `/card/verify/<token>/`; the token is the participant's id
signed with the site's secret key (django.core.signing), so it carries no
personal data and cannot be forged or altered. The check shows only the masked
name, the masked KPJ number and whether the membership is valid today.
"""

import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from jmo_portal.masking import mask_digits

from . import selectors
from .models import Participant
from .validators import ascii_digits, mask_name

SALT = "participants.card"
# ID-1 card proportions (85.6 x 54 mm) at about 300 dpi.
SIZE = (1012, 638)
GREEN, BLUE = (10, 124, 62), (11, 79, 138)


@dataclass(frozen=True)
class CardCheck:
    name: str
    kpj: str
    active: bool


def card_token(*, participant: Participant) -> str:
    """The same token every time (no timestamp): a printed card keeps working."""
    return signing.Signer(salt=SALT).sign(str(participant.pk))


def card_verify_url(*, participant: Participant) -> str:
    path = reverse(
        "participants:card-verify", args=[card_token(participant=participant)]
    )
    return settings.SITE_URL.rstrip("/") + path


def card_check(*, token: str) -> CardCheck | None:
    """The masked facts behind a card's token; None for a forged or unknown one."""
    try:
        pk = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    participant = (
        Participant.objects.filter(pk=pk).first() if ascii_digits(pk) else None
    )
    if participant is None:
        return None
    membership = selectors.membership_get(participant=participant)
    return CardCheck(
        name=mask_name(participant.full_name),
        kpj=mask_digits(participant.kpj),
        active=membership.active,
    )


def card_qr(url: str) -> qrcode.QRCode:
    """The one QR code of a card, for the page (SVG) and the image (PNG)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code


def card_qr_svg(url: str) -> str:
    image = card_qr(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


def _font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's own font (no system fonts needed)."""
    return ImageFont.load_default(size=size)


def card_png(*, participant: Participant) -> bytes:
    """The card as a PNG: brand, name, KPJ, masked NIK, member since, QR code."""
    width, height = SIZE
    card = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(card)
    for x in range(width):  # the page's green-to-blue gradient
        t = x / (width - 1)
        colour = tuple(round(g + (b - g) * t) for g, b in zip(GREEN, BLUE, strict=True))
        draw.line([(x, 0), (x, height)], fill=colour)
    white = (255, 255, 255)
    draw.text((56, 48), "BPJS KETENAGAKERJAAN", font=_font(30), fill=white)
    draw.text((56, 96), _("Digital KPJ card"), font=_font(44), fill=white)
    name = participant.full_name  # a long name gets smaller, clear of the QR code
    draw.text((56, 220), name, font=_font(max(26, min(46, 920 // max(len(name), 1)))),
              fill=white)  # fmt: skip
    draw.text((56, 290), participant.kpj, font=_font(64), fill=white)
    since = participant.membership_start
    rows = [
        f"NIK  {mask_digits(participant.nik)}",
        _("Member since %(date)s")
        % {"date": date_format(since, "j M Y") if since else "-"},
    ]
    for i, row in enumerate(rows):
        draw.text((56, 410 + i * 52), row, font=_font(32), fill=white)
    url = card_verify_url(participant=participant)
    code = card_qr(url)
    # Whole pixels per module, about 300 px in all: a sharp code for any scanner.
    code.box_size = max(4, 300 // (code.modules_count + 2 * code.border))
    qr = code.make_image(fill_color="black", back_color="white").get_image()
    card.paste(qr.convert("RGB"), (width - 300 - 56, 170))
    below = 170 + qr.size[1] + 14
    draw.text((width - 300 - 56, below), _("Scan to check"), font=_font(26), fill=white)
    out = io.BytesIO()
    card.save(out, "PNG")
    return out.getvalue()
