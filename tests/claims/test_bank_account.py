import pytest

from claims import services
from claims.bank.banks import names_match
from claims.bank.simulator import CLOSED_ACCOUNT, NAME_MISMATCH_ACCOUNT
from claims.models import Claim
from jmo_portal.exceptions import ApplicationError
from tests.claims.helpers import make_participant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Budi Santoso", "BUDI SANTOSO", True),
        ("Budi Santoso", "SANTOSO BUDI", True),
        ("Ir. Budi Santoso, S.T.", "BUDI SANTOSO", True),
        ("Budi Santosa", "BUDI SANTOSO", True),
        ("Siti Rahayu", "BUDI SANTOSO", False),
        ("Budi", "BUDI SANTOSO", False),
        ("", "BUDI", False),
    ],
)
def test_names_match_closely_enough(a, b, same):
    assert names_match(a, b) is same


@pytest.fixture
def claim(bank):
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    return claim


def _set(claim, **overrides):
    values = dict(
        claim=claim,
        bank_code="BCA",
        account_number="1234567890",
        account_holder=claim.participant.full_name,
    )
    values.update(overrides)
    return services.claim_bank_account_set(**values)


def test_an_account_in_the_participants_name_is_accepted(claim):
    _set(claim, account_number="12 3456 7890")
    claim.refresh_from_db()
    assert claim.account_number == "1234567890"
    assert claim.bank_verified_name == claim.participant.full_name.upper()
    assert (
        claim.account_masked.endswith("7890") and "123456" not in claim.account_masked
    )


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"bank_code": "FAKEBANK"}, "bank_code"),
        ({"account_number": "12ab"}, "account_number"),
        ({"account_holder": "Siti Rahayu"}, "holder_name"),
        ({"account_number": NAME_MISMATCH_ACCOUNT}, "name_mismatch"),
        ({"account_number": CLOSED_ACCOUNT}, "account_not_found"),
        ({"npwp": "123"}, "npwp"),
    ],
)
def test_bad_accounts_get_a_clear_message_and_nothing_is_saved(claim, overrides, code):
    with pytest.raises(ApplicationError) as exc:
        _set(claim, **overrides)
    assert exc.value.code == code
    assert exc.value.message
    assert Claim.objects.get(pk=claim.pk).bank_verified_at is None


def test_npwp_is_asked_when_the_balance_is_above_50_million(bank):
    participant = make_participant(balance=60_000_000)
    claim = services.claim_start(participant=participant, claim_type="resign")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    with pytest.raises(ApplicationError) as exc:
        _set(claim)
    assert exc.value.code == "npwp_required"
    _set(claim, npwp="12.345.678.9-012.345")
    claim.refresh_from_db()
    assert claim.npwp == "123456789012345"


def test_npwp_is_asked_after_a_partial_claim_even_below_50_million(
    bank, django_capture_on_commit_callbacks
):
    from tests.claims.helpers import ready_claim

    participant = make_participant(balance=12_000_000)
    partial = ready_claim(participant, claim_type="partial_10")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_submit(claim=partial)
    partial.refresh_from_db()
    assert partial.status == "paid"
    claim = services.claim_start(participant=participant, claim_type="resign")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    with pytest.raises(ApplicationError) as exc:
        _set(claim)
    assert exc.value.code == "npwp_required"
    assert Claim.objects.get(pk=claim.pk).bank_verified_at is None
    _set(claim, npwp="123456789012345")
    assert Claim.objects.get(pk=claim.pk).bank_verified_at is not None


def test_the_bank_step_needs_the_kpj_step_first(bank):
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    with pytest.raises(ApplicationError) as exc:
        _set(claim)
    assert exc.value.code == "step_order"


def test_a_bank_that_does_not_answer_is_a_clear_message(claim, settings):
    settings.BANK_API_URL = "http://127.0.0.1:9"
    with pytest.raises(ApplicationError) as exc:
        _set(claim)
    assert exc.value.code == "bank_unavailable" and exc.value.status == 503


def test_the_holder_name_reaches_the_bank_as_plain_letters(claim):
    """Full-width letters or a zero-width space pasted along went to the bank's
    inquiry and, at payout, to the transfer's account_holder_name as typed."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(claim.participant.user)
    name = claim.participant.full_name
    typed = chr(ord(name[0]) + 0xFEE0) + name[1:] + "\u200b"  # full-width first
    response = api.put(
        f"/api/v1/claims/{claim.reference}/bank-account/",
        {"bank_code": "BCA", "account_number": "1234567890", "account_holder": typed},
        format="json",
    )
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.account_holder == name
    assert claim.bank_verified_name == name.upper()
