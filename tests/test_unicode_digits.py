"""Digits other than 0-9 and NUL characters: a clear refusal, never a server error,
never stored. Python's str.isdigit() takes "²", "１２" (fullwidth) and "٢"
(Arabic-Indic): an adversarial API run had a payout sent to the account number
"１２３４５６７８９０", and a KPJ typed that way answered 500."""

import pytest
from rest_framework.test import APIClient

from claims import services
from claims.models import Claim
from tests.claims.helpers import make_participant
from tests.conftest import staff_api

pytestmark = pytest.mark.django_db

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture
def member_api():
    participant = make_participant()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    api.force_authenticate(participant.user)
    claim = services.claim_start(participant=participant, claim_type="resign")
    return participant, claim, api


@pytest.mark.parametrize("digits", [FULLWIDTH, ARABIC])
def test_a_kpj_in_other_digits_is_a_format_error_not_counted(member_api, digits):
    participant, claim, api = member_api
    answer = api.post(
        f"/api/v1/claims/{claim.reference}/kpj-check/",
        {"kpj_number": participant.kpj.translate(digits)},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "kpj_format"
    assert answer.json()["attempts_left"] == 3  # not counted
    claim.refresh_from_db()
    assert claim.kpj_verified_at is None


def test_a_kpj_typed_with_dashes_as_on_the_card_is_accepted(member_api):
    participant, claim, api = member_api
    kpj = participant.kpj
    typed = f"{kpj[:4]}-{kpj[4:8]}-{kpj[8:]}"
    answer = api.post(
        f"/api/v1/claims/{claim.reference}/kpj-check/", {"kpj_number": typed}
    )
    assert answer.status_code == 200, answer.json()


@pytest.mark.parametrize(
    "field, value",
    [
        ("account_number", "1234567890".translate(FULLWIDTH)),
        ("account_number", "12345²7890"),
        ("npwp", "123456789012345".translate(ARABIC)),
    ],
)
def test_bank_details_in_other_digits_are_refused_and_nothing_saved(
    bank, member_api, field, value
):
    participant, claim, api = member_api
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    body = {
        "bank_code": "BCA",
        "account_number": "1234567890",
        "account_holder": participant.full_name,
        field: value,
    }
    answer = api.put(
        f"/api/v1/claims/{claim.reference}/bank-account/", body, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == field
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.account_number, stored.npwp, stored.bank_verified_at) == (
        "",
        "",
        None,
    )


def test_contact_details_in_other_digits_are_field_errors(member_api):
    participant, _claim, api = member_api
    answer = api.put(
        "/api/v1/profile/contact/",
        {
            "phone": "081234567890".translate(FULLWIDTH),
            "address": "Jl. Merdeka 1",
            "postal_code": "53114".translate(FULLWIDTH),
        },
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) >= {"phone", "postal_code"}
    participant.refresh_from_db()
    assert participant.phone.isascii()


def test_invisible_characters_alone_do_not_fill_a_required_field(member_api):
    """A zero-width space (pasted, or typed by some keyboards) is no address."""
    _participant, _claim, api = member_api
    answer = api.put(
        "/api/v1/profile/emergency/",
        {"name": "\u200b\u2060", "relation": "spouse", "phone": "081399998888"},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"emergency_name"}
    answer = api.put(
        "/api/v1/profile/contact/",
        {"phone": "081234567890", "address": "\ufeff\u200b", "postal_code": "53114"},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"address"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/%00/",
        "/api/v1/claims/JHT%00/kpj-check/",
        "/api/v1/claims/%00/receipt.pdf",
        "/api/v1/desk/claims/%00/approve/",
    ],
)
def test_a_nul_in_an_api_address_is_not_found(member_api, admin_user, path):
    _participant, _claim, api = member_api
    client = staff_api(admin_user) if "/desk/" in path else api
    answer = client.post(path) if path.endswith("/approve/") else client.get(path)
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    "path", ["/verify/%00-R1/", "/verify/JHT-H001930-R%EF%BC%91%EF%BC%92/"]
)
def test_the_public_paper_check_answers_odd_codes_without_a_server_error(client, path):
    assert client.get(path).status_code == 404
