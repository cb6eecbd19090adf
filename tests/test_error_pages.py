import json

import pytest
from django.template.loader import render_to_string
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_a_404_in_indonesian_with_help(client):
    response = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert 'href="/#tutorials"' in html  # the help link of every page


def test_a_server_error_page_needs_no_request_context():
    html = render_to_string("500.html")
    assert "Terjadi kesalahan" in html and 'href="/#tutorials"' in html


def test_api_field_errors_speak_the_requests_language():
    client = APIClient()
    indonesian = client.post("/api/v1/auth/token/", {}, HTTP_ACCEPT_LANGUAGE="id")
    english = client.post("/api/v1/auth/token/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert indonesian.status_code == english.status_code == 400
    assert indonesian.json()["detail"] == "Beberapa isian tidak valid."
    assert english.json()["detail"] == "Some fields are not valid."
    assert "password" in indonesian.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/me/", "/klaim/"])
def test_an_unhandled_error_is_a_500_in_the_requests_language(rf, path):
    """What Django's handler500 answers for a bug (not the database): JSON {detail,
    code} under /api/, the error page elsewhere, and no Retry-After."""
    from django.utils import translation

    from jmo_portal.errors import server_error

    with translation.override("id"):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            response = server_error(rf.get(path))
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    if path.startswith("/api/"):
        assert json.loads(response.content) == {
            "code": "server_error",
            "detail": "Terjadi kesalahan di pihak kami. Tidak ada yang hilang: "
            "silakan coba lagi dalam beberapa menit.",
        }
    else:
        assert "Terjadi kesalahan" in response.content.decode()
