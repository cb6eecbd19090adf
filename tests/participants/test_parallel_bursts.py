"""Identical data-update requests sent at once (a double tap, a retrying app):
one change is recorded, the others get a clear answer, and nothing is doubled."""

import pytest
from django.test import Client
from django.utils import timezone

from jmo_portal.sms import ConsoleSmsBackend
from participants.models import (
    CredentialCounter,
    DataUpdate,
    Participant,
    ProfileChange,
)
from participants.services import data_update as services
from tests.bursts import api_clients, burst, outcomes, refusals_are_clear
from tests.claims.helpers import make_participant
from tests.conftest import require_services
from tests.journey import CONTACT, EMERGENCY, POPULATION

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
N = 6


@pytest.fixture(autouse=True)
def _postgres():
    require_services(postgres=True)


def _changes(member, field: str) -> int:
    return ProfileChange.objects.filter(participant=member, field=field).count()


def _open_updates(member) -> int:
    return DataUpdate.objects.filter(participant=member, confirmed_at=None).count()


@pytest.mark.parametrize(
    ("section", "body", "field"),
    [
        ("contact", CONTACT, "address"),
        ("population", POPULATION, "kk_number"),
        ("emergency", EMERGENCY, "emergency_name"),
        ("membership", {"correct": True}, None),
    ],
)
def test_parallel_section_saves_record_one_change(section, body, field):
    member = make_participant()
    clients = api_clients(member.user, N)
    url = f"/api/v1/profile/{section}/"
    before = _changes(member, field) if field else 0
    responses = burst([lambda c=c: c.put(url, body) for c in clients])
    assert outcomes(responses) == {(200, None): N}
    assert _open_updates(member) == 1  # one update started, not one per request
    if field:
        assert _changes(member, field) == before + 1


def _phone_code(member) -> str:
    phone = services.data_update_open_get(participant=member).code_phone
    _to, text = [m for m in ConsoleSmsBackend.sent if m[0] == phone][-1]
    return next(word for word in text.replace(".", " ").split() if word.isdigit())


def test_parallel_phone_verifies_take_the_new_number_once():
    member = make_participant()
    services.data_update_contact_save(participant=member, **CONTACT)
    services.data_update_phone_code_send(participant=member)
    code = _phone_code(member)
    clients = api_clients(member.user, N)
    responses = burst(
        [
            lambda c=c: c.post("/api/v1/profile/phone/verify/", {"code": code})
            for c in clients
        ]
    )
    # The first uses the code; the others find the number verified: no "request a
    # code first" for a double tap, and no wrong try counted against the member.
    assert outcomes(responses) == {(200, None): N}
    counted = CredentialCounter.objects.filter(kind="phone_otp", failures__gt=0)
    assert not counted.exists()
    member.refresh_from_db()
    assert member.phone == "081322223333"
    assert _changes(member, "phone") == 1


def _all_sections_done(member: Participant) -> None:
    services.data_update_membership_check(participant=member, correct=True)
    services.data_update_selfie_matched(participant=member, at=timezone.now())
    services.data_update_contact_save(participant=member, **CONTACT)
    services.data_update_phone_code_send(participant=member)
    services.data_update_phone_verify(participant=member, code=_phone_code(member))
    services.data_update_population_save(participant=member, **POPULATION)
    services.data_update_emergency_save(participant=member, **EMERGENCY)
    member.refresh_from_db()  # the verified phone is on file now
    assert services.missing_sections(
        participant=member, update=services.data_update_open_get(participant=member)
    ) == []  # fmt: skip


def test_parallel_confirms_confirm_once_and_say_so():
    member = make_participant()
    _all_sections_done(member)
    clients = api_clients(member.user, N)
    responses = burst([lambda c=c: c.post("/api/v1/profile/confirm/") for c in clients])
    assert outcomes(responses) == {(200, None): 1, (409, "already_confirmed"): N - 1}
    refusals_are_clear(responses)
    [confirmed_at] = [
        r.json()["confirmed_at"] for r in responses if r.status_code == 200
    ]
    member.refresh_from_db()
    assert member.profile_confirmed_at.isoformat().startswith(confirmed_at[:19])
    assert _open_updates(member) == 0
    assert DataUpdate.objects.filter(participant=member, channel="online").count() == 1


def test_a_double_tap_on_the_confirm_page_shows_the_confirmation():
    member = make_participant()
    _all_sections_done(member)
    clients = [Client(HTTP_ACCEPT_LANGUAGE="en") for _ in range(2)]
    for client in clients:
        client.force_login(member.user)
    url = "/profile/update/review/"
    responses = burst([lambda c=c: c.post(url) for c in clients])
    # Both taps land on the dashboard with the thank-you, none on an empty update.
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.url for r in responses} == {"/dashboard/"}
    for client in clients:
        page = client.get("/dashboard/")
        assert "your data is up to date" in page.content.decode()
    assert _open_updates(member) == 0
