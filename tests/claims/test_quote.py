import datetime as dt

import pytest
from django.utils import timezone

from claims import services
from claims.models import Claim, ClaimStatus, TaxBracket
from claims.selectors import claim_quote
from tests.claims.helpers import make_participant

pytestmark = pytest.mark.django_db


def _paid_earlier(participant, *, gross: int, years_ago: int) -> None:
    Claim.objects.create(
        reference=f"OLD{participant.pk}", participant=participant,
        claim_type="partial_10", status=ClaimStatus.PAID, channel="online",
        balance_at_start=gross * 10, gross=gross, tax=0, net=gross,
        paid_at=timezone.now() - dt.timedelta(days=366 * years_ago),
    )  # fmt: skip


def test_the_quote_uses_the_policy_brackets_and_the_worked_example():
    participant = make_participant(balance=80_000_000, npwp="123456789012345")
    claim = services.claim_start(participant=participant, claim_type="resign")
    quote = claim_quote(claim=claim)
    assert (quote.gross, quote.tax, quote.net) == (80_000_000, 1_500_000, 78_500_000)
    TaxBracket.objects.filter(regime="lump_sum", lower=50_000_000).update(rate_bp=1000)
    assert claim_quote(claim=claim).tax == 3_000_000


def test_an_earlier_payout_in_the_window_shares_the_zero_layer():
    participant = make_participant(balance=40_000_000, npwp="123456789012345")
    _paid_earlier(participant, gross=30_000_000, years_ago=0)
    claim = services.claim_start(participant=participant, claim_type="resign")
    quote = claim_quote(claim=claim)
    assert quote.regime == "lump_sum" and quote.tax == 1_000_000


def test_three_years_after_the_first_payout_the_rates_are_progressive_and_no_npwp_costs_more():
    participant = make_participant(balance=10_000_000)
    _paid_earlier(participant, gross=1_000_000, years_ago=3)
    claim = services.claim_start(participant=participant, claim_type="resign")
    quote = claim_quote(claim=claim)
    assert quote.regime == "progressive"
    assert quote.tax == 600_000  # 5% x 10 jt, +20% without NPWP
