"""A NUL character in a search box or query string (PostgreSQL cannot hold one)
is a clear 400 on the API and an empty search on the pages, never a 500.
Found by the API fuzz (tests/test_api_fuzz.py)."""

import pytest
from django.test import Client

from tests.conftest import staff_api, staff_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/desk/blocks/", "/api/v1/desk/participants/"])
def test_the_desk_search_api_refuses_a_nul_character(admin_user, path):
    api = staff_api(admin_user)
    response = api.get(path, {"q": "Bam\x00bang"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "q" in body["errors"]
    # In the member's language by default (Bahasa Indonesia).
    indonesian = api.get(path, {"q": "\x00"}).json()
    assert indonesian["errors"]["q"] == ["Karakter null tidak diizinkan."]
    assert api.get(path, {"q": "Bambang"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/help/faq/?q=a%00b", "/desk/audit/?q=%00&action=%00", "/desk/stats/?branch=%00"],
)
def test_pages_answer_a_nul_character_without_a_server_error(admin_user, path):
    client = Client(raise_request_exception=False)
    staff_login(admin_user, client)
    assert client.get(path).status_code == 200
