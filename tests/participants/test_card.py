"""The digital KPJ card: page, PNG with a QR code, and the public check it opens."""

import io
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
import qrcode
from django.core import signing
from django.core.management import call_command
from django.test import Client
from PIL import Image

from participants.card import card_check, card_token
from tests.factories import EmploymentFactory, ParticipantFactory
from tests.journey import PASSWORD, registry_member

pytestmark = pytest.mark.django_db
BLACK = (0, 0, 0)


def qr_modules(png: bytes) -> list[list[bool]]:
    """Read the QR code's modules back from the card image (its only black pixels)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    px = image.load()
    width, height = image.size
    dark = [(x, y) for y in range(height) for x in range(width) if px[x, y] == BLACK]
    left, top = min(x for x, _ in dark), min(y for _, y in dark)
    right = max(x for x, _ in dark)
    run = 0  # the top-left finder pattern is 7 modules wide
    while px[left + run, top] == BLACK:
        run += 1
    module = run // 7
    count = (right - left + 1) // module
    return [
        [px[left + c * module + module // 2, top + r * module + module // 2] == BLACK
         for c in range(count)]
        for r in range(count)
    ]  # fmt: skip


def qr_of(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def _logged_in(tmp_path):
    member = registry_member(tmp_path, photo=None)
    call_command(
        "activate_member", member.kpj, "--email", member.email,
        "--password", PASSWORD, stdout=StringIO(),
    )  # fmt: skip
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login = client.post("/login/", {"username": member.email, "password": PASSWORD})
    assert login.status_code == 302
    return member, client


def test_the_card_image_carries_a_qr_code_that_checks_the_membership(tmp_path):
    member, client = _logged_in(tmp_path)
    dashboard = client.get("/dashboard/").content.decode()
    assert 'href="/card/"' in dashboard
    page = client.get("/card/").content.decode()
    assert "<svg" in page and member.kpj in page and member.nik not in page
    url = re.search(r'id="card-verify-link">([^<]+)<', page).group(1)

    image = client.get("/card/kpj-card.png")
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1012, 638)
    assert qr_modules(image.content) == qr_of(url)

    check = Client(HTTP_ACCEPT_LANGUAGE="en").get(urlsplit(url).path)
    assert check.status_code == 200
    body = check.content.decode()
    assert "Valid card" in body
    assert "B****** P*******" in body and "*******" + member.kpj[-4:] in body
    # Registry member who left work: valid, inactive; nothing in full.
    assert 'data-active="false"' in body
    for secret in (member.full_name, member.kpj, member.nik, member.email):
        assert secret not in body


def test_a_tampered_or_made_up_token_is_not_valid_and_shows_nothing(tmp_path):
    member, _client = _logged_in(tmp_path)
    token = card_token(participant=member)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    other_purpose = signing.Signer(salt="another.purpose").sign(str(member.pk))
    for bad in (tampered, "1:abc", "nope", other_purpose):
        response = Client().get(f"/card/verify/{bad}/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "Tidak sah" in body and "P*******" not in body
        assert member.kpj[-4:] not in body


def test_the_check_reads_the_membership_as_it_is_today():
    participant = ParticipantFactory()
    EmploymentFactory(participant=participant, end=None)
    check = card_check(token=card_token(participant=participant))
    assert check.active is True and check.kpj.endswith(participant.kpj[-4:])
    assert participant.full_name not in check.name
    participant.delete()
    assert card_check(token=card_token(participant=participant)) is None
