"""No full NIK, KPJ or account number in the logs, whatever carries it: the
message, Django's request field (its repr holds the query string) or a traceback.
Checked through the portal's own handler: its filter and its JSON formatter, as
gunicorn writes them. An officer's 403 on a desk search by NIK wrote the NIK in
full (found by a staff-side walk of the portal)."""

import io
import logging

import pytest
from django.test import Client

from jmo_portal.logging import RedactPersonalData, json_formatter
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db
NIK = "3171010408859001"


@pytest.fixture
def portal_log():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(json_formatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield out
    logger.removeHandler(handler)


def test_a_refused_search_by_nik_is_logged_without_the_nik(
    portal_log, claims_officer_user
):
    client = Client(raise_request_exception=False)
    staff_login(claims_officer_user, client)
    assert client.get("/desk/audit/", {"q": NIK}).status_code == 403
    line = portal_log.getvalue()
    assert "/desk/audit/" in line and "9001" in line
    assert NIK not in line


def test_a_traceback_is_logged_without_the_nik(portal_log):
    try:
        raise ValueError(f"no member with NIK {NIK}")
    except ValueError:
        logging.getLogger("django.request").exception("lookup failed")
    line = portal_log.getvalue()
    assert "ValueError" in line and "************9001" in line
    assert NIK not in line
