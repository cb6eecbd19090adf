"""The data update pages tie each error to its input (aria-describedby)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _described_and_present(html: str, name: str) -> list[str]:
    """The ids the input `name` is described by that are missing from the page."""
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
    ids = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    return [i for i in ids if f'id="{i}"' not in html]


def test_a_wrong_phone_code_is_described_by_its_error(client, participant_user):
    client.force_login(participant_user)
    client.post("/profile/update/")
    client.post("/profile/update/phone/", {"action": "send"})
    html = client.post("/profile/update/phone/", {"code": "12"}).content.decode()
    assert re.search(r'<input[^>]*name="code"[^>]*aria-invalid="true"', html)
    assert _described_and_present(html, "code") == []
    assert 'role="alert" id="id_code_error"' in html


def test_a_section_error_and_help_text_are_on_the_page(client, participant_user):
    client.force_login(participant_user)
    client.post("/profile/update/")
    html = client.post(
        "/profile/update/contact/", {"phone": "12", "address": "", "postal_code": ""}
    ).content.decode()
    # The phone has a help text and an error, the others an error.
    for name in ("phone", "address", "postal_code"):
        assert _described_and_present(html, name) == [], name
    assert 'id="id_phone_helptext"' in html
