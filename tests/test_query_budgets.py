"""Query budgets of the participant's everyday reads (the API a mobile app polls,
and the pages), and the policy rows read once per process (issue 15).

The member comes from a registry CSV (`import_members`), activated at the desk
(`activate_member`), data confirmed at the desk, logged in through the API's token
door and the login page. Budgets are counted warm: the first read of a policy in
a process loads it, later requests take it from memory until an admin saves one.
"""

import pytest
import requests
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from biometrics.models import BiometricPolicy
from claims.models import Claim, ClaimEvent, ClaimStatus
from jmo_portal.processes import WebServer
from tests.conftest import require_services, staff_api, staff_login, worker_env
from tests.data_update import confirm_data_at_desk
from tests.journey import PASSWORD, activate, registry_member

# The most queries each read may make (auth included).
API_BUDGETS = {
    "/api/v1/me/": 2,  # token+user+participant, employment
    "/api/v1/balance/": 1,  # token+user+participant: the balance is on the row
    "/api/v1/contributions/": 3,  # + count, one page with its employers
    "/api/v1/claims/": 4,  # + claims, their events, their documents
    "/api/v1/claims/{ref}/": 4,  # the same for one claim
    "/api/v1/biometrics/status/": 2,  # + the counter and the block, one row
    "/api/v1/profile/": 5,  # + the changed fields, open update, profile, jobs
}
PAGE_BUDGETS = {
    # session, user+participant, jobs, contribution count and page, chart,
    # recent claims and their events, notifications, tutorials
    "/dashboard/": 10,
    # session, user+participant, jobs, the eligibility facts (3), claims, events,
    # the face verification's counter and block (one row)
    "/claims/": 9,
    "/claims/{ref}/": 4,  # session, user+participant, the claim, its events
}


def _member(tmp_path):
    member = registry_member(tmp_path)
    activate(member)
    return confirm_data_at_desk(member)


def _api(member) -> APIClient:
    api = APIClient()
    response = api.post(
        "/api/v1/auth/token/", {"username": member.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def _past_claims(member, count: int) -> None:
    """Closed claims from earlier years: the lists must not query per claim."""
    for n in range(count):
        claim = Claim.objects.create(
            reference=f"JHTOLD{n:04d}",
            participant=member,
            claim_type="partial_10",
            status=ClaimStatus.REJECTED,
            channel="online",
            balance_at_start=member.balance,
        )
        ClaimEvent.objects.create(claim=claim, to_status=ClaimStatus.DRAFT)
        ClaimEvent.objects.create(
            claim=claim, from_status=ClaimStatus.DRAFT, to_status=ClaimStatus.REJECTED
        )


@pytest.fixture
def member_with_claim(tmp_path, db):
    member = _member(tmp_path)
    api = _api(member)
    started = api.post("/api/v1/claims/", {"claim_type": "resign"})
    assert started.status_code == 201, started.json()
    reference = started.json()["reference"]
    checked = api.post(
        f"/api/v1/claims/{reference}/kpj-check/", {"kpj_number": member.kpj}
    )
    assert checked.status_code == 200, checked.json()
    _past_claims(member, 3)
    return member, api, reference


@pytest.mark.parametrize("url", list(API_BUDGETS))
def test_each_api_read_stays_within_its_query_budget(
    member_with_claim, url, django_assert_max_num_queries
):
    _member, api, reference = member_with_claim
    path = url.format(ref=reference)
    assert api.get(path).status_code == 200  # warm: policies read once
    with django_assert_max_num_queries(API_BUDGETS[url]):
        response = api.get(path)
    assert response.status_code == 200
    if url == "/api/v1/claims/":
        assert len(response.json()) == 4


@pytest.mark.parametrize("url", list(PAGE_BUDGETS))
def test_each_participant_page_stays_within_its_query_budget(
    member_with_claim, url, django_assert_max_num_queries
):
    member, _api, reference = member_with_claim
    page = Client()
    login = page.post("/login/", {"username": member.email, "password": PASSWORD})
    assert login.status_code == 302
    path = url.format(ref=reference)
    assert page.get(path).status_code == 200
    with django_assert_max_num_queries(PAGE_BUDGETS[url]):
        response = page.get(path)
    assert response.status_code == 200
    if url == "/claims/":
        assert all(f"JHTOLD{n:04d}" in response.content.decode() for n in range(3))


def test_the_policy_is_read_once_and_an_admin_save_is_seen_by_the_next_request(
    tmp_path, admin_user, django_assert_num_queries
):
    member = _member(tmp_path)
    api = _api(member)
    assert api.get("/api/v1/biometrics/status/").json()["max_attempts"] == 3
    with django_assert_num_queries(2):  # no policy query: token, status row
        assert api.get("/api/v1/biometrics/status/").json()["max_attempts"] == 3

    admin = staff_api(admin_user)
    changed = admin.patch(
        "/api/v1/policy/", {"max_attempts": 5, "reason": "pilot"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    body = api.get("/api/v1/biometrics/status/").json()
    assert body["max_attempts"] == 5 and body["attempts_left"] == 5

    # The desk's policy page (the form) is a door too.
    desk = staff_login(admin_user)
    page = desk.get("/desk/policy/")
    assert page.status_code == 200
    assert BiometricPolicy.current().max_attempts == 5


def test_a_policy_save_rolled_back_leaves_nothing_behind(db, admin_user):
    from django.db import transaction

    from biometrics.services import biometric_policy_update

    assert BiometricPolicy.current().max_attempts == 3

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        biometric_policy_update(
            values={"max_attempts": 7}, actor=admin_user, reason="tried"
        )
        assert BiometricPolicy.current().max_attempts == 7  # inside: the new row
        raise Undo
    assert BiometricPolicy.current().max_attempts == 3


def test_a_copy_changed_by_a_caller_does_not_change_the_next_read(db):
    policy = BiometricPolicy.current()
    policy.max_attempts = 9  # not saved
    assert BiometricPolicy.current().max_attempts == 3


@pytest.mark.django_db(transaction=True)
def test_a_save_in_one_process_is_seen_by_another_that_read_the_policy(
    tmp_path, admin_user
):
    """A gunicorn process reads the policy once and keeps it; an admin saves
    through the API in this process; gunicorn's next request has the new value
    (the version in the shared Redis cache)."""
    require_services(postgres=True, redis=True)
    assert settings.CACHES["default"]["BACKEND"] != (
        "django.core.cache.backends.locmem.LocMemCache"
    )
    member = _member(tmp_path)
    key = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": member.email, "password": PASSWORD})
        .json()["token"]
    )
    server = WebServer(worker_env(), tmp_path / "gunicorn.log", workers=1)
    server.start()
    try:
        url = f"{server.url}/api/v1/biometrics/status/"
        headers = {"Authorization": f"Token {key}"}
        for _ in range(3):  # read, then kept in the process
            body = requests.get(url, headers=headers, timeout=10).json()
            assert body["max_attempts"] == 3
        admin = staff_api(admin_user)
        changed = admin.patch("/api/v1/policy/", {"max_attempts": 4}, format="json")
        assert changed.status_code == 200, changed.json()
        body = requests.get(url, headers=headers, timeout=10).json()
        assert body["max_attempts"] == 4 and body["attempts_left"] == 4
    finally:
        server.stop()


def test_the_biometric_status_reads_a_block_in_the_same_row(
    member_with_claim, django_assert_max_num_queries
):
    """Blocked after failed faces: the block and its reason come in the one row."""
    from participants.models import BlockKind
    from participants.services.guards import attempt_register_failure

    member, api, _reference = member_with_claim
    for _ in range(3):
        attempt_register_failure(
            participant=member, kind=BlockKind.BIOMETRIC, max_attempts=3,
            reason="Three failed face comparisons",
        )  # fmt: skip
    api.get("/api/v1/biometrics/status/")
    with django_assert_max_num_queries(API_BUDGETS["/api/v1/biometrics/status/"]):
        body = api.get("/api/v1/biometrics/status/").json()
    assert body == {
        "attempts_used": 3,
        "max_attempts": 3,
        "attempts_left": 0,
        "blocked": True,
        "block_reason": "Three failed face comparisons",
    }
