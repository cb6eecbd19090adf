"""The maintained JHT balance: every credit and debit updates it in one transaction.

Rules: 5.7% contributions and the yearly development yield (JHT_RULES.md,
"Membership and balance").
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jmo_portal.exceptions import ApplicationError
from participants.models import (
    Contribution,
    Employer,
    Participant,
    YearlyBalance,
    YieldPosting,
)

# JHT contribution: 5.7% of the monthly wage (JHT_RULES.md).
WORKER_SHARE_PER_MILLE = 20
EMPLOYER_SHARE_PER_MILLE = 37


@dataclass(frozen=True)
class ContributionLine:
    employer: Employer
    period: dt.date
    wage: int


def contribution_shares(wage: int) -> tuple[int, int]:
    """(worker, employer) shares in whole rupiah, rounded down."""
    return (
        wage * WORKER_SHARE_PER_MILLE // 1000,
        wage * EMPLOYER_SHARE_PER_MILLE // 1000,
    )


def _latest_closing(participant: Participant, **years) -> int:
    """The closing balance of the latest yearly row within `years` (0: none)."""
    return (
        YearlyBalance.objects.filter(participant=participant, **years)
        .order_by("-year")
        .values_list("closing_balance", flat=True)
        .first()
        or 0
    )


def _apply_yearly(
    participant: Participant, field: str, per_year: dict[int, int], sign: int = 1
) -> None:
    """Add amounts to a yearly column; move the closing balance of that year and
    every later year by `sign` times the amount (credits +1, payouts -1).

    The caller holds the participant's row lock (every ledger writer takes it
    first). The rows of the years the amounts fall in are read, summed here and
    written back; every later year moves by the same total, in one UPDATE. So a
    call makes a handful of queries whatever the number of years: an import of 16
    years of contributions made ~50 queries per member with one UPDATE per year,
    and a yield posted for an early year rewrote each later row one by one."""
    first, last = min(per_year), max(per_year)
    rows = {
        row.year: row
        for row in YearlyBalance.objects.filter(
            participant=participant, year__gte=first, year__lte=last
        )
    }
    # A new year starts from the closing balance of the latest earlier year.
    before = _latest_closing(participant, year__lt=first)
    new, changed, running = [], [], 0
    for year in sorted(rows.keys() | per_year.keys()):
        row = rows.get(year)
        if row is None:
            row = YearlyBalance(participant=participant, year=year)
            row.closing_balance = before
            new.append(row)
        else:
            before = row.closing_balance
            changed.append(row)
        amount = per_year.get(year, 0)
        setattr(row, field, getattr(row, field) + amount)
        running += amount
        row.closing_balance += sign * running
    YearlyBalance.objects.bulk_create(new)
    YearlyBalance.objects.bulk_update(changed, [field, "closing_balance"])
    YearlyBalance.objects.filter(participant=participant, year__gt=last).update(
        closing_balance=F("closing_balance") + sign * running
    )


@transaction.atomic
def contributions_record(
    *, participant: Participant, lines: Iterable[ContributionLine]
) -> list[Contribution]:
    """Record monthly contributions; a month already recorded is left as it is."""
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    lines = [
        ContributionLine(line.employer, line.period.replace(day=1), line.wage)
        for line in lines
    ]
    for line in lines:
        if line.wage <= 0:
            raise ApplicationError(
                "Wage must be a positive amount of rupiah.", code="wage"
            )
    known = set(
        Contribution.objects.filter(
            participant=participant, period__in=[line.period for line in lines]
        ).values_list("period", flat=True)
    )
    new = []
    for line in lines:
        if line.period in known:
            continue
        known.add(line.period)
        worker, employer = contribution_shares(line.wage)
        new.append(
            Contribution(
                participant=participant,
                employer=line.employer,
                period=line.period,
                wage=line.wage,
                worker_share=worker,
                employer_share=employer,
            )
        )
    if not new:
        return []
    Contribution.objects.bulk_create(new)
    per_year: dict[int, int] = defaultdict(int)
    for c in new:
        per_year[c.period.year] += c.worker_share + c.employer_share
    total = sum(per_year.values())
    _apply_yearly(participant, "contributions", per_year)
    Participant.objects.filter(pk=participant.pk).update(
        balance=F("balance") + total,
        contributions_total=F("contributions_total") + total,
        balance_as_of=timezone.localdate(),
    )
    return new


@transaction.atomic
def yield_post(
    *, participant: Participant, year: int, rate_bp: int
) -> YieldPosting | None:
    """Credit a year's development yield on that year's closing balance, once."""
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if YieldPosting.objects.filter(participant=participant, year=year).exists():
        return None
    base = _latest_closing(participant, year__lte=year)
    amount = base * rate_bp // 10000
    posting = YieldPosting.objects.create(
        participant=participant, year=year, rate_bp=rate_bp, base=base, amount=amount
    )
    if amount:
        _apply_yearly(participant, "yield_amount", {year: amount})
        Participant.objects.filter(pk=participant.pk).update(
            balance=F("balance") + amount,
            yield_total=F("yield_total") + amount,
            balance_as_of=timezone.localdate(),
        )
    return posting


def ledger_debit(*, participant: Participant, amount: int, on: dt.date) -> None:
    """Take a payout off the balance; the caller holds the transaction."""
    if amount <= 0:
        raise ApplicationError("Payout amount must be positive.", code="amount")
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if amount > locked.balance:
        raise ApplicationError("Payout exceeds the balance.", code="balance")
    _apply_yearly(participant, "paid_out", {on.year: amount}, sign=-1)
    Participant.objects.filter(pk=participant.pk).update(
        balance=F("balance") - amount,
        paid_out_total=F("paid_out_total") + amount,
        balance_as_of=on,
    )
