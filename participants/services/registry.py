"""The membership registry: saving the CSV imports' rows, and the yearly yield run.

The files and their rows are read by `registry_csv`.

Every imported row is its own transaction: a bad row saves nothing (no employer,
employment, contribution or face reference) and the other rows still load.
Messages never carry a NIK: it is the row's line number that points at the row.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jmo_portal.dispatch import Budget
from jmo_portal.exceptions import ApplicationError
from participants.models import (
    AccountPolicy,
    Contribution,
    Employer,
    Employment,
    Participant,
    YieldPosting,
    YieldRate,
)
from participants.validators import (
    name_key,
    validate_kpj,
)

from .ledger import ContributionLine, contributions_record, yield_post
from .registry_csv import (
    CONTRIBUTION_COLUMNS,
    MemberIdentity,
    MemberRow,
    card_number,
    member_row_parse,
    row_amount,
    row_cells,
    row_check,
    row_messages,
    row_month,
)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first` to `last`, both included."""
    period, stop, out = first.replace(day=1), last.replace(day=1), []
    while period <= stop:
        out.append(period)
        period = (period + dt.timedelta(days=32)).replace(day=1)
    return out


def employer_get_or_create(*, name: str) -> Employer:
    """The employer with this code or name; a new one gets a code from its name."""
    name = " ".join(name.split())
    employer = Employer.objects.filter(code=name).first()
    employer = employer or Employer.objects.filter(name__iexact=name).first()
    if employer is None:
        digest = hashlib.sha1(name.casefold().encode()).hexdigest()[:12]
        employer = Employer(code=f"REG-{digest.upper()}", name=name)
        employer.full_clean()
        employer.save()
    return employer


def participant_register(
    *, member: MemberIdentity, membership_start: dt.date | None = None
) -> Participant:
    """Add a member to the registry (no login yet: that is activation)."""
    participant = Participant(
        **{f.name: getattr(member, f.name) for f in fields(MemberIdentity)},
        membership_start=membership_start,
    )
    participant.full_clean()
    participant.save()
    return participant


def employment_record(
    *, participant: Participant, employer: Employer, start: dt.date, end: dt.date | None
) -> bool:
    """Record a job (one per employer and start date); True when anything changed."""
    employment = Employment.objects.filter(
        participant=participant, employer=employer, start=start
    ).first()
    if employment is not None and (employment.end == end or end is None):
        return False
    employment = employment or Employment(
        participant=participant, employer=employer, start=start
    )
    employment.end = end
    employment.full_clean()
    employment.save()
    if participant.membership_start is None or start < participant.membership_start:
        participant.membership_start = start
        participant.save(update_fields=["membership_start"])
    return True


def _same_member(participant: Participant, row: MemberRow) -> None:
    if participant.nik != row.nik or participant.kpj != row.kpj:
        raise ApplicationError(
            "nik/kpj: this NIK or KPJ is registered to another member",
            code="conflict",
        )
    differs = []
    if name_key(participant.full_name) != name_key(row.full_name):
        differs.append("full_name")
    if participant.birth_date != row.birth_date:
        differs.append("birth_date")
    if participant.gender != row.gender:
        differs.append("gender")
    if differs:
        raise ApplicationError(
            f"{', '.join(differs)}: differs from the registered member with this NIK",
            code="conflict",
        )


def _member_save(
    row: MemberRow, today: dt.date, after_save: "AfterSave | None"
) -> Outcome:
    matches = list(
        Participant.objects.select_for_update().filter(Q(nik=row.nik) | Q(kpj=row.kpj))
    )
    if len(matches) > 1:
        raise ApplicationError(
            "nik/kpj: the NIK and the KPJ belong to two different members",
            code="conflict",
        )
    created = not matches
    if created:
        participant = participant_register(
            member=row, membership_start=row.membership_start
        )
    else:
        participant = matches[0]
        _same_member(participant, row)
    employer = employer_get_or_create(name=row.employer)
    changed = employment_record(
        participant=participant,
        employer=employer,
        start=row.membership_start,
        end=row.membership_end,
    )
    lines = [
        ContributionLine(employer, period, row.monthly_wage)
        for period in months(row.membership_start, row.membership_end or today)
    ]
    changed |= bool(contributions_record(participant=participant, lines=lines))
    if after_save is not None:
        # Last, so a failure before it never leaves a stored photo behind.
        changed |= after_save(participant, row)
    if created:
        return Outcome.CREATED
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


# What the caller adds to a saved row in the same transaction (the registry photo
# becomes a face reference: frontoffice.registry); True when it changed something.
AfterSave = Callable[[Participant, MemberRow], bool]


def member_import_row(
    *,
    values: Mapping,
    photos_dir: Path | None = None,
    after_save: AfterSave | None = None,
) -> Outcome:
    """Validate and load one registry row in one transaction (ApplicationError if bad)."""
    today = timezone.localdate()
    row = member_row_parse(values, photos_dir=photos_dir, today=today)
    try:
        # The face reference is analysed inside the row's transaction: the
        # registry photo is part of the row, and an import is a batch job.
        with transaction.atomic():
            return _member_save(row, today, after_save)
    except ValidationError as exc:
        raise ApplicationError(row_messages(exc), code="invalid_row") from exc
    except IntegrityError as exc:
        raise ApplicationError(
            "conflicts with a record saved at the same time; run the import again",
            code="conflict",
        ) from exc


@transaction.atomic
def contribution_import_row(*, values: Mapping) -> Outcome:
    """Load one monthly contribution; a month already recorded is left as it is."""
    errors: list[str] = []
    values = row_cells(values, CONTRIBUTION_COLUMNS, errors)
    values["kpj"] = card_number(values["kpj"])
    row_check(validate_kpj, values["kpj"], "kpj", errors)
    period = row_month(values["period"], errors)
    if period and period.replace(day=1) > timezone.localdate().replace(day=1):
        errors.append("period: cannot be in the future")
    if not values["employer"] or len(values["employer"]) > 200:
        # The employer's name, not the model's field, in the line's message.
        errors.append("employer: required, at most 200 characters")
    wage = row_amount(values, "wage", errors)
    participant = Participant.objects.filter(kpj=values["kpj"]).first()
    if not errors and participant is None:
        errors.append("kpj: no registered member has this KPJ number")
    elif period and participant and period < participant.birth_date.replace(day=1):
        errors.append("period: before the member's birth")
    if errors:
        raise ApplicationError("; ".join(errors), code="invalid_row")
    period = period.replace(day=1)
    name = " ".join(values["employer"].split())
    existing = (
        Contribution.objects.filter(participant=participant, period=period)
        .select_related("employer")
        .first()
    )
    if existing is not None:
        same_employer = name in (existing.employer.code, existing.employer.name) or (
            existing.employer.name.casefold() == name.casefold()
        )
        if existing.wage == wage and same_employer:
            return Outcome.UNCHANGED
        raise ApplicationError(
            f"period: {period:%Y-%m} is already recorded with another employer or "
            "wage (corrections are not imported)",
            code="conflict",
        )
    employer = employer_get_or_create(name=name)
    contributions_record(
        participant=participant, lines=[ContributionLine(employer, period, wage)]
    )
    return Outcome.CREATED


def yield_rate_for(*, year: int) -> int:
    """The year's rate in basis points: its YieldRate row, else the policy default."""
    rate = YieldRate.objects.filter(year=year).values_list("rate_bp", flat=True)
    return rate.first() or AccountPolicy.current().default_yield_rate_bp


@dataclass(frozen=True)
class YieldRun:
    year: int
    rate_bp: int
    credited: int
    already: int
    finished: bool = True  # False: the budget ran out with members left


def yield_post_year(*, year: int, budget_seconds: float | None = None) -> YieldRun:
    """Credit `year`'s yield to every member with a balance by then (once each,
    each in its own transaction). With a budget, stop once it is spent (after one
    member at least): a second call goes on with the members not credited yet."""
    if year >= timezone.localdate().year:
        raise ApplicationError(
            f"{year} has not ended yet: the yield is credited after the year ends",
            code="year",
        )
    rate_bp = yield_rate_for(year=year)
    members = Participant.objects.filter(
        pk__in=Participant.objects.filter(yearly_balances__year__lte=year).values("pk")
    )
    posted = YieldPosting.objects.filter(year=year).values("participant_id")
    already = members.filter(pk__in=posted).count()
    credited = 0
    budget = Budget(budget_seconds)
    due = members.exclude(pk__in=posted).order_by("pk").iterator()
    for n, participant in enumerate(due):
        if n and budget.spent():
            return YieldRun(year, rate_bp, credited, already, finished=False)
        if yield_post(participant=participant, year=year, rate_bp=rate_bp) is None:
            already += 1  # credited meanwhile by another run
        else:
            credited += 1
    return YieldRun(year=year, rate_bp=rate_bp, credited=credited, already=already)
