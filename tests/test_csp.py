"""Content-Security-Policy: no inline script anywhere, the header on every page."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import staff_login

ROOT = Path(__file__).resolve().parent.parent
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)", re.I
)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def _templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" not in folder.parts:
            yield from folder.rglob("*.html")


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _templates()
        if INLINE_SCRIPT.search(path.read_text()) or HANDLER.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/login/", "/desk/login/", "/admin/login/", "/activate/"]
)
def test_pages_send_a_policy_that_forbids_inline_script(path):
    response = Client().get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.django_db
def test_the_logged_in_pages_have_no_inline_script(participant_user, admin_user):
    participant = Client()
    participant.force_login(participant_user)
    admin = staff_login(admin_user)
    for client, path in [
        (participant, "/dashboard/"),
        (participant, "/profile/"),
        (admin, "/desk/"),
        (admin, "/desk/policy/"),
        (admin, "/admin/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not INLINE_SCRIPT.search(response.content.decode()), path
