import json

import pytest
from django.template.loader import render_to_string
from django.test import Client
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


def test_api_errors_outside_a_view_are_json_in_the_requests_language():
    """Errors Django or DRF raise before a view of ours runs keep API.md's shape
    {detail, code} and the member's language: an unknown address, a body that is
    not JSON, a method the address does not take, a token that does not exist."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    answers = {
        "unknown address": client.get("/api/v1/tidak-ada/"),
        "not JSON": client.post(
            "/api/v1/auth/token/", "{bad", content_type="application/json"
        ),
        "method": client.delete("/api/v1/tutorials/"),
        "token": client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token tidak-ada"),
    }
    assert {name: (r.status_code, r.json()) for name, r in answers.items()} == {
        "unknown address": (
            404,
            {"detail": "Tidak ada apa pun di alamat ini.", "code": "not_found"},
        ),
        "not JSON": (
            400,
            {
                "detail": "Permintaan tidak dapat dibaca. Periksa lalu kirim lagi.",
                "code": "parse_error",
            },
        ),
        "method": (
            405,
            {
                "detail": 'Metode "DELETE" tidak diizinkan.',
                "code": "method_not_allowed",
            },
        ),
        "token": (
            401,
            {
                "detail": "Token tidak valid. Masuk lagi.",
                "code": "authentication_failed",
            },
        ),
    }
    # The unknown address answers in English for an English client.
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/tidak-ada/")
    assert english.json()["detail"] == "There is nothing at this address."


CSRF_MESSAGE = (
    "Halaman ini terbuka terlalu lama, atau Anda masuk atau keluar di tab lain. "
    "Tidak ada yang tersimpan: buka halaman ini lagi dan ulangi langkah terakhir."
)


def test_a_form_sent_from_a_stale_page_says_how_to_go_on(participant_user):
    """A page left open across a log-in in another tab sends an old CSRF token:
    the member gets the reason and a way back, not a bare "Forbidden"."""
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="id")
    browser.get("/login/")
    browser.cookies["csrftoken"] = "x" * 32  # the token another tab replaced
    response = browser.post(
        "/login/", {"username": participant_user.username, "password": "Rahasia-123"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert CSRF_MESSAGE in html
    assert 'href="/login/"' in html  # open the page again
    assert "_auth_user_id" not in browser.session  # nothing happened


def test_an_api_call_from_a_stale_page_gets_the_same_message(participant_user):
    browser = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="id")
    browser.force_login(participant_user)
    response = browser.post("/api/v1/auth/logout-everywhere/")
    assert response.status_code == 403
    assert response.json() == {"detail": CSRF_MESSAGE, "code": "csrf_failed"}


def test_a_body_over_the_size_limit_is_refused_as_json(settings):
    """Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before DRF parses it
    (a SuspiciousOperation: handler400)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = APIClient(HTTP_ACCEPT_LANGUAGE="id").post(
        "/api/v1/auth/token/",
        json.dumps({"username": "a" * 2048, "password": "x"}),
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "Permintaan tidak dapat dibaca. Periksa lalu kirim lagi.",
            "code": "bad_request",
        },
    )


def test_json_nested_past_the_recursion_limit_is_unreadable_not_a_server_error():
    """Python's JSON decoder raises RecursionError, which DRF does not catch."""
    response = APIClient(HTTP_ACCEPT_LANGUAGE="id").post(
        "/api/v1/auth/token/",
        "[" * 100_000 + "]" * 100_000,
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_an_api_error_is_json_for_a_browser_too():
    """A browser asks for text/html first: the API still answers API.md's JSON."""
    response = APIClient(HTTP_ACCEPT_LANGUAGE="id").get(
        "/api/v1/me/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_authenticated"
