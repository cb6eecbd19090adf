import datetime as dt

import pytest
from rest_framework.test import APIClient

from participants.services.ledger import (
    ContributionLine,
    contributions_record,
    yield_post,
)
from tests.conftest import staff_api
from tests.factories import EmployerFactory, EmploymentFactory, UserFactory

pytestmark = pytest.mark.django_db

URLS = ["/api/v1/me/", "/api/v1/balance/", "/api/v1/contributions/"]


def _history(participant, months: int, wage: int = 4_000_000):
    employer = EmployerFactory(name="PT Karya Nusantara", code="KRY01")
    EmploymentFactory(
        participant=participant, employer=employer, start=dt.date(2021, 1, 1)
    )
    periods = [dt.date(2021 + i // 12, i % 12 + 1, 1) for i in range(months)]
    contributions_record(
        participant=participant,
        lines=[ContributionLine(employer, p, wage + i) for i, p in enumerate(periods)],
    )
    participant.refresh_from_db()


def test_me_returns_the_profile_with_the_nik_masked(participant_api, participant_user):
    participant = participant_user.participant
    EmploymentFactory(participant=participant, employer=EmployerFactory(name="PT A"))
    response = participant_api.get("/api/v1/me/")
    assert response.status_code == 200
    data = response.json()
    assert data["nik"] == "*" * 12 + participant.nik[-4:]
    assert participant.nik not in response.content.decode()
    assert data["kpj"] == participant.kpj and data["full_name"] == participant.full_name
    assert data["birth_date"] == participant.birth_date.isoformat()
    assert data["membership_active"] is True and data["employer"] == "PT A"
    assert set(data) >= {"email", "phone", "gender", "membership_start"}


def test_balance_is_the_ledger_in_whole_rupiah(participant_api, participant_user):
    participant = participant_user.participant
    _history(participant, 12, wage=5_000_000)
    yield_post(participant=participant, year=2021, rate_bp=600)
    # force_authenticate reuses this user object, and its cached participant row.
    participant.refresh_from_db()
    data = participant_api.get("/api/v1/balance/").json()
    assert data["contributions_total"] == 12 * 285_000
    assert data["yield_total"] == 3_420_000 * 6 // 100
    assert data["balance"] == data["contributions_total"] + data["yield_total"]
    assert all(isinstance(data[k], int) for k in ("balance", "yield_total"))
    assert data["as_of"] == participant.balance_as_of.isoformat()


def test_contributions_are_paginated_newest_first(participant_api, participant_user):
    _history(participant_user.participant, 30)
    page = participant_api.get("/api/v1/contributions/").json()
    assert page["count"] == 30 and page["next"] and page["previous"] is None
    first = page["results"][0]
    assert first == {
        "period": "2023-06-01",
        "employer": "PT Karya Nusantara",
        "employer_code": "KRY01",
        "wage": 4_000_029,
        "worker_share": 80_000,
        "employer_share": 148_001,
        "amount": 228_001,
    }
    periods = [r["period"] for r in page["results"]]
    assert periods == sorted(periods, reverse=True)
    last = participant_api.get("/api/v1/contributions/?page=2").json()
    assert last["results"][-1]["period"] == "2021-01-01"
    small = participant_api.get("/api/v1/contributions/?page_size=5").json()
    assert len(small["results"]) == 5


def test_a_participant_sees_only_their_own_rows(
    participant_api, participant_user, other_participant_user
):
    _history(other_participant_user.participant, 3, wage=9_999_000)
    assert participant_api.get("/api/v1/contributions/").json()["count"] == 0
    assert participant_api.get("/api/v1/balance/").json()["balance"] == 0
    me = participant_api.get("/api/v1/me/").json()
    assert me["kpj"] == participant_user.participant.kpj


@pytest.mark.parametrize("url", URLS)
def test_anonymous_callers_get_401_json(api_client, url):
    response = api_client.get(url)
    assert response.status_code in (401, 403)
    assert set(response.json()) >= {"detail", "code"}


@pytest.mark.parametrize("url", URLS)
def test_staff_without_a_participant_get_403_json(front_office_user, url):
    client = staff_api(front_office_user)
    response = client.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_participant"
    assert response.json()["detail"]


def test_a_token_works_like_a_session(participant_user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=participant_user)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/balance/").status_code == 200
    bad = APIClient(HTTP_AUTHORIZATION="Token nope").get("/api/v1/balance/")
    assert bad.status_code == 401


def test_the_endpoints_are_in_the_openapi_schema(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json()
    for url in URLS:
        assert "get" in schema["paths"][url]
    listing = schema["paths"]["/api/v1/contributions/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"page", "page_size"}
    ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"count", "results"} <= set(page["properties"])
    balance = schema["components"]["schemas"]["Balance"]["properties"]
    assert {"balance", "contributions_total", "yield_total", "as_of"} <= set(balance)


def test_a_plain_login_without_membership_gets_403(db):
    client = APIClient()
    client.force_authenticate(UserFactory(username="someone@example.id"))
    assert client.get("/api/v1/me/").status_code == 403


def test_a_participant_gets_a_token_with_email_and_password(
    api_client, participant_user
):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": participant_user.username, "password": "Rahasia-123"},
        format="json",
    )
    assert response.status_code == 200
    client = APIClient(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/me/").json()["full_name"] == (
        participant_user.participant.full_name
    )
    wrong = api_client.post(
        "/api/v1/auth/token/",
        {"username": participant_user.username, "password": "salah"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid" and wrong.json()["detail"]
