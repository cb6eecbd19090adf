"""Reads for the participant's own pages and API: balance, membership, history.

Every read here is bounded by the participant, never by the length of their
history: the balance is the maintained row, the chart reads at most one row per
year, and the history is read a page at a time through the (participant, -period)
index.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from jmo_portal.compiled import CompiledQuery, row_instances

from .models import (
    Contribution,
    DataUpdate,
    Employer,
    Employment,
    Participant,
    ParticipantProfile,
    YearlyBalance,
)
from .services.data_update import (
    SECTIONS,
    data_update_is_valid,
    data_update_open_get,
    data_update_valid_until,
    missing_sections,
    phone_to_verify,
    profile_get,
)

CONTRIBUTIONS_PER_PAGE = 12
# Thirty years of contributions plus the current year.
CHART_MAX_YEARS = 31


@dataclass(frozen=True)
class Balance:
    balance: int
    contributions_total: int
    yield_total: int
    paid_out_total: int
    as_of: dt.date | None


@dataclass(frozen=True)
class Membership:
    active: bool
    employer: Employer | None
    start: dt.date | None
    end: dt.date | None


def participant_for_user(user) -> Participant | None:
    """The registry member behind a login, or None (staff, anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    # The reverse one-to-one accessor caches the row on the user, so the page
    # header's `user.participant` does not query again.
    return getattr(user, "participant", None)


def balance_get(*, participant: Participant) -> Balance:
    """The maintained ledger balance: read from the participant row, never summed."""
    return Balance(
        balance=participant.balance,
        contributions_total=participant.contributions_total,
        yield_total=participant.yield_total,
        paid_out_total=participant.paid_out_total,
        as_of=participant.balance_as_of,
    )


# GET /api/v1/me/ and the dashboard: compiled to SQL once per process.
_JOBS_QUERY = CompiledQuery(
    lambda participant_id: (
        Employment.objects.filter(participant_id=participant_id)
        .select_related("employer")
        .order_by("-start", "-pk")
    ),
    participant_id=-424244,
)


def membership_get(*, participant: Participant) -> Membership:
    """Active while an employer still reports the participant (JHT_RULES.md): any
    employment without an end date, as claims eligibility decides it too."""
    jobs = []
    for row in _JOBS_QUERY.rows(participant_id=participant.pk):
        job, employer = row_instances(_JOBS_QUERY, row, [Employment, Employer])
        Employment.employer.field.set_cached_value(job, employer)
        jobs.append(job)
    if not jobs:
        return Membership(active=False, employer=None, start=None, end=None)
    current = next((job for job in jobs if job.end is None), jobs[0])
    return Membership(
        active=current.end is None,
        employer=current.employer,
        start=current.start,
        end=current.end,
    )


def contribution_list(*, participant: Participant) -> QuerySet[Contribution]:
    """Monthly contributions, newest first, with the employer in the same query."""
    return (
        Contribution.objects.filter(participant=participant)
        .select_related("employer")
        .order_by("-period")
    )


def contribution_page(*, participant: Participant, page: str | int | None) -> Page:
    """One page of the history; a bad or out-of-range page number gives a real page.

    The paginator's COUNT stays on the participant's index entries (at most one
    per month of membership), so it does not grow with the table.
    """
    paginator = Paginator(
        contribution_list(participant=participant), CONTRIBUTIONS_PER_PAGE
    )
    return paginator.get_page(page)


def yearly_balance_points(*, participant: Participant) -> list[tuple[int, int]]:
    """(year, closing balance) for the chart, oldest first, at most 31 years."""
    rows = (
        YearlyBalance.objects.filter(participant=participant)
        .order_by("-year")
        .values_list("year", "closing_balance")[:CHART_MAX_YEARS]
    )
    return sorted(rows)


@dataclass(frozen=True)
class DataUpdateStatus:
    """The data update as the pages and the API show it to its owner."""

    participant: Participant
    profile: ParticipantProfile
    update: DataUpdate | None
    confirmed_at: dt.datetime | None
    valid_until: dt.datetime | None
    valid: bool
    missing: list
    employments: list

    @property
    def done(self) -> dict:
        return {name: name not in self.missing for name in SECTIONS}

    @property
    def next_section(self) -> str | None:
        return self.missing[0] if self.missing else None

    @property
    def phone(self) -> str:
        """The member's number as they last gave it (see phone_to_verify)."""
        return phone_to_verify(update=self.update, on_file=self.participant.phone)


def data_update_status(*, participant: Participant) -> DataUpdateStatus:
    """Sections still to do in the open update; nothing when the data is valid."""
    # Re-read: a section saved in this request may have changed the row.
    participant.refresh_from_db(fields=["phone", "npwp", "profile_confirmed_at"])
    update = data_update_open_get(participant=participant)
    valid = data_update_is_valid(participant=participant)
    missing = (
        []
        if update is None and valid
        else missing_sections(participant=participant, update=update)
    )
    return DataUpdateStatus(
        participant=participant,
        profile=profile_get(participant=participant),
        update=update,
        confirmed_at=participant.profile_confirmed_at,
        valid_until=data_update_valid_until(participant=participant),
        valid=valid,
        missing=missing,
        employments=list(
            Employment.objects.filter(participant=participant)
            .select_related("employer")
            .order_by("-start")
        ),
    )
