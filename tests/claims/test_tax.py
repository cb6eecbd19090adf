import datetime as dt

import pytest

from claims.tax import Bracket, PriorPayout, tax_compute

M = 1_000_000
LUMP = [Bracket(0, 50 * M, 0), Bracket(50 * M, None, 500)]
PROG = [
    Bracket(0, 60 * M, 500),
    Bracket(60 * M, 250 * M, 1500),
    Bracket(250 * M, 500 * M, 2500),
    Bracket(500 * M, 5000 * M, 3000),
    Bracket(5000 * M, None, 3500),
]
DAY = dt.date(2026, 6, 1)


def compute(gross, prior=(), on=DAY, npwp=True):
    return tax_compute(
        gross=gross, paid_on=on, lump_sum=LUMP, progressive=PROG, prior=prior,
        has_npwp=npwp,
    )  # fmt: skip


def test_the_worked_example_80_million():
    result = compute(80 * M)
    assert (result.gross, result.tax, result.net) == (80 * M, 1_500_000, 78_500_000)
    assert result.regime == "lump_sum"


@pytest.mark.parametrize(
    "gross, tax",
    [
        (0, 0),
        (50 * M - 1, 0),
        (50 * M, 0),
        (50 * M + 1, 0),  # 5% of Rp 1 is 0.05: rounded down
        (50 * M + 20, 1),
        (50 * M + 39, 1),
        (60 * M, 500_000),
    ],
)
def test_lump_sum_layers_at_the_edge(gross, tax):
    assert compute(gross).tax == tax


@pytest.mark.parametrize(
    "gross, tax",
    [
        (60 * M, 3 * M),
        (60 * M + 20, 3 * M + 3),
        (250 * M, 3 * M + 190 * M * 15 // 100),
        (250 * M + 4, 3 * M + 28_500_000 + 1),
        (500 * M, 3 * M + 28_500_000 + 62_500_000),
        (5000 * M, 3 * M + 28_500_000 + 62_500_000 + 1_350_000_000),
        (5000 * M + 100, 3 * M + 28_500_000 + 62_500_000 + 1_350_000_000 + 35),
    ],
)
def test_progressive_rates_in_the_third_calendar_year(gross, tax):
    prior = [PriorPayout(dt.date(2024, 3, 1), 5 * M)]
    result = compute(gross, prior=prior)
    assert result.regime == "progressive"
    assert result.tax == tax
    assert result.net == gross - tax


def test_a_partial_and_a_later_claim_within_two_calendar_years_share_the_zero_layer():
    prior = [PriorPayout(dt.date(2025, 2, 1), 30 * M)]
    result = compute(40 * M, prior=prior)
    assert result.regime == "lump_sum"
    # 30 jt already used the 0% layer: 20 jt more at 0%, 20 jt at 5%.
    assert result.tax == 1 * M


def test_the_third_calendar_year_after_the_first_payout_is_progressive():
    prior = [PriorPayout(dt.date(2024, 12, 31), 10 * M)]
    assert compute(10 * M, prior=prior, on=dt.date(2026, 1, 1)).regime == "progressive"
    assert compute(10 * M, prior=prior, on=dt.date(2025, 12, 31)).regime == "lump_sum"


def test_without_npwp_the_tax_is_20_percent_higher_and_rounded_down():
    assert compute(80 * M, npwp=False).tax == 1_800_000
    assert compute(50 * M + 20, npwp=False).tax == 1  # 1.2 rupiah
    prior = [PriorPayout(dt.date(2020, 1, 1), M)]
    assert compute(60 * M, prior=prior, npwp=False).tax == 3_600_000


def test_negative_gross_is_refused():
    with pytest.raises(ValueError):
        compute(-1)
