import datetime as dt

import pytest

from participants.models import Contribution, Participant, YearlyBalance
from participants.services.ledger import (
    ContributionLine,
    contribution_shares,
    contributions_record,
    ledger_debit,
    yield_post,
)
from tests.factories import EmployerFactory, ParticipantFactory


def test_contribution_is_5_7_percent_of_the_wage_in_whole_rupiah():
    assert contribution_shares(5_000_000) == (100_000, 185_000)
    assert contribution_shares(4_999_999) == (99_999, 184_999)


@pytest.mark.django_db
def test_it_keeps_the_balance_and_yearly_rows_in_step_with_the_ledger():
    participant = ParticipantFactory()
    employer = EmployerFactory()
    lines = [
        ContributionLine(employer, dt.date(2023, 12, 1), 5_000_000),
        ContributionLine(employer, dt.date(2024, 1, 15), 5_000_000),
    ]
    created = contributions_record(participant=participant, lines=lines)
    assert [c.period for c in created] == [dt.date(2023, 12, 1), dt.date(2024, 1, 1)]

    again = contributions_record(participant=participant, lines=lines)
    assert again == []
    assert Contribution.objects.filter(participant=participant).count() == 2

    posting = yield_post(participant=participant, year=2023, rate_bp=600)
    assert posting.base == 285_000
    assert posting.amount == 17_100
    assert yield_post(participant=participant, year=2023, rate_bp=600) is None

    ledger_debit(participant=participant, amount=100_000, on=dt.date(2024, 6, 1))
    participant.refresh_from_db()
    assert participant.contributions_total == 570_000
    assert participant.yield_total == 17_100
    assert participant.paid_out_total == 100_000
    assert participant.balance == 570_000 + 17_100 - 100_000
    closing = dict(
        YearlyBalance.objects.filter(participant=participant).values_list(
            "year", "closing_balance"
        )
    )
    assert closing == {2023: 285_000 + 17_100, 2024: participant.balance}


@pytest.mark.django_db
def test_a_payout_larger_than_the_balance_is_refused_and_changes_nothing():
    from jmo_portal.exceptions import ApplicationError

    participant = ParticipantFactory()
    with pytest.raises(ApplicationError):
        ledger_debit(participant=participant, amount=1, on=dt.date(2024, 1, 1))
    assert Participant.objects.get(pk=participant.pk).balance == 0


@pytest.mark.django_db
def test_yearly_rows_stay_the_running_ledger_when_entries_arrive_out_of_order():
    """A registry loaded late (earlier years after later ones), with gap years and a
    payout in a year of its own: every year's closing balance is still the sum of
    the ledger up to that year, read back from the ledger's own rows."""
    participant = ParticipantFactory()
    employer = EmployerFactory()

    def record(*years):
        contributions_record(
            participant=participant,
            lines=[
                ContributionLine(employer, dt.date(y, 3, 1), 4_000_000) for y in years
            ],
        )

    record(2024)
    record(2020, 2022)
    ledger_debit(participant=participant, amount=50_000, on=dt.date(2023, 5, 1))
    record(2019, 2021)
    ledger_debit(participant=participant, amount=20_000, on=dt.date(2025, 1, 1))

    paid = {2023: 50_000, 2025: 20_000}
    credited = {
        c.period.year: c.worker_share + c.employer_share
        for c in Contribution.objects.filter(participant=participant)
    }
    rows = YearlyBalance.objects.filter(participant=participant)
    assert sorted(r.year for r in rows) == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    for row in rows:
        expected = sum(a for y, a in credited.items() if y <= row.year) - sum(
            a for y, a in paid.items() if y <= row.year
        )
        assert (row.year, row.closing_balance) == (row.year, expected)
        assert row.contributions == credited.get(row.year, 0)
        assert row.paid_out == paid.get(row.year, 0)
    participant.refresh_from_db()
    assert participant.balance == rows.get(year=2025).closing_balance
