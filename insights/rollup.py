"""The rollup: turn a range of days of raw events into DailyFigure/DailyDuration rows.

`insights_rollup` rebuilds whole days (delete + insert in one transaction), so
running it twice, or for days already built, gives the same rows. The nightly
task calls `insights_rollup_pending` for the days not yet built.
"""

import datetime as dt
import time
import zoneinfo
from collections import Counter
from itertools import pairwise

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from biometrics.models import SelfieAttempt
from claims.models import Claim
from frontoffice.models import WalkInTicket
from jmo_portal.dispatch import Budget
from participants.models import Block, Participant

from .groups import STEPS, age_group, bucket_of, cohort, selfie_cause
from .journeys import Member, members_get, step_events, step_times
from .models import (
    DailyDuration,
    DailyFigure,
    MonthlyDuration,
    MonthlyFigure,
    RollupDay,
    SlaBreach,
)

FIGURE_DIMS = ("path", "claim_type", "cause", "age_group", "gender", "cohort", "branch")
DURATION_DIMS = ("path", "claim_type", "cause")
# Running totals as of a day: read for one day, never summed over days or months.
SNAPSHOTS = ("members_total", "blocked_total")
# First day the nightly task builds when nothing is built yet.
DEFAULT_HISTORY_DAYS = 400
# Days rolled up in one pass when catching up: a pass reads the events of its
# days at once (a year in one pass took 132 s on the bench's data, one day 1.4-2 s),
# and each pass commits, so an interrupted catch-up keeps what it built.
CATCH_UP_DAYS = 31
# Rows per INSERT: SQLite allows 32,766 parameters, 10 columns x 2,000 fit.
INSERT_BATCH = 2000
_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_day(at: dt.datetime) -> dt.date:
    """timezone.localdate without its per-call lookups (called once per event)."""
    return at.astimezone(_ZONE).date()


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class _Sums:
    """Counters keyed by (day, metric, *dims) for both tables."""

    def __init__(self) -> None:
        self.figures: Counter = Counter()
        self.durations: Counter = Counter()

    def count(self, at, metric: str, n: int = 1, **dims: str) -> None:
        day = _local_day(at) if isinstance(at, dt.datetime) else at
        key = (day, metric, *(dims.get(d, "") for d in FIGURE_DIMS))
        self.figures[key] += n

    def duration(self, at: dt.datetime, metric: str, seconds: float, **dims) -> None:
        key = (_local_day(at), metric, *(dims.get(d, "") for d in DURATION_DIMS))
        self.durations[(*key, bucket_of(seconds))] += 1

    def save(self) -> tuple[int, int]:
        _insert(DailyFigure, ("day", "metric", *FIGURE_DIMS, "count"),
                [(*k, n) for k, n in self.figures.items()])  # fmt: skip
        _insert(DailyDuration, ("day", "metric", *DURATION_DIMS, "bucket", "count"),
                [(*k, n) for k, n in self.durations.items()])  # fmt: skip
        return len(self.figures), len(self.durations)


def _insert(model, columns: tuple[str, ...], values: list[tuple]) -> None:
    """Plain multi-row INSERTs: tens of thousands of rows without per-field ORM work."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        for i in range(0, len(values), INSERT_BATCH):
            batch = values[i : i + INSERT_BATCH]
            rows = ", ".join(
                ["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(batch)
            )
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {rows}",
                [v for row in batch for v in row],
            )


def _months_rebuild(start: dt.date, end: dt.date) -> None:
    """Re-sum the monthly rows of every month that has a day in start..end."""
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        days = (month, following - dt.timedelta(days=1))
        for daily, monthly, dims in (
            (DailyFigure, MonthlyFigure, ("metric", *FIGURE_DIMS)),
            (DailyDuration, MonthlyDuration, ("metric", *DURATION_DIMS, "bucket")),
        ):
            monthly.objects.filter(day=month).delete()
            rows = daily.objects.filter(day__range=days).exclude(metric__in=SNAPSHOTS)
            rows = rows.values(*dims).order_by()
            rows = rows.annotate(n=Sum("count")).values_list(*dims, "n")
            _insert(monthly, ("day", *dims, "count"), [(month, *r) for r in rows])
        month = following


def _funnel(sums: _Sums, lo, hi, members: dict[int, Member]) -> None:
    """Members reaching each step first in the range, with the time since the step before."""
    for before, step in pairwise((None, *STEPS)):
        events = step_events(step, lo, hi)
        members.update(
            members_get(
                e.participant_id for e in events if e.participant_id not in members
            )
        )
        previous = (
            step_times(before, [e.participant_id for e in events]) if before else {}
        )
        for e in events:
            path = members[e.participant_id].path(e.at)
            sums.count(e.at, step, path=path, claim_type=e.claim_type)
            since = previous.get(e.participant_id)
            if since is not None and since <= e.at:
                seconds = (e.at - since).total_seconds()
                sums.duration(e.at, step, seconds, path=path, claim_type=e.claim_type)


def _selfies(sums: _Sums, lo, hi, members: dict[int, Member]) -> None:
    """Outcomes by cause, age group and gender; sessions (member-days) by cohort."""
    attempts = SelfieAttempt.objects.filter(
        created_at__gte=lo, created_at__lt=hi, status__in=SelfieAttempt.FINAL
    ).values_list("participant_id", "created_at", "status", "quality_findings")
    sessions: dict[tuple, dt.datetime] = {}
    rows = list(attempts.iterator(chunk_size=5000))
    members.update(members_get({r[0] for r in rows} - members.keys()))
    for pid, at, status, findings in rows:
        member = members[pid]
        day = _local_day(at)
        sums.count(day, "selfie", cause=selfie_cause(status, findings),
                   age_group=age_group(member.birth_date, day), gender=member.gender)  # fmt: skip
        sessions[(pid, day)] = min(at, sessions.get((pid, day), at))
    for (pid, day), at in sessions.items():
        tutorial, quiz = members[pid].learned(at)
        sums.count(day, "selfie_session", cohort=cohort(tutorial=tutorial, quiz=quiz))


def _blocks(sums: _Sums, lo, hi, members: dict[int, Member]) -> None:
    """Blocks by kind (and group), members' first block, and how long blocks lasted."""
    created = list(
        Block.objects.filter(created_at__gte=lo, created_at__lt=hi).values_list(
            "participant_id", "created_at", "kind"
        )
    )
    members.update(members_get({r[0] for r in created} - members.keys()))
    for pid, at, kind in created:
        member = members[pid]
        tutorial, quiz = member.learned(at)
        sums.count(at, "block", cause=kind, cohort=cohort(tutorial=tutorial, quiz=quiz),
                   age_group=age_group(member.birth_date, _local_day(at)),
                   gender=member.gender)  # fmt: skip
    first = Block.objects.filter(participant_id__in={r[0] for r in created})
    earliest: dict[int, dt.datetime] = {}
    for pid, at in first.values_list("participant_id", "created_at"):
        earliest[pid] = min(at, earliest.get(pid, at))
    for pid, at in earliest.items():
        if lo <= at < hi:
            sums.count(at, "first_block", gender=members[pid].gender)
    lifted = Block.objects.filter(lifted_at__gte=lo, lifted_at__lt=hi)
    for at, lifted_at, kind in lifted.values_list("created_at", "lifted_at", "kind"):
        sums.duration(
            lifted_at, "block_lifted", (lifted_at - at).total_seconds(), cause=kind
        )


def _cash(sums: _Sums, lo, hi) -> None:
    """Submit → paid per channel and claim type, keyed by the day of payment."""
    paid = Claim.objects.filter(
        paid_at__gte=lo, paid_at__lt=hi, submitted_at__isnull=False
    )
    for submitted, paid_at, channel, claim_type in paid.values_list(
        "submitted_at", "paid_at", "channel", "claim_type"
    ):
        seconds = (paid_at - submitted).total_seconds()
        sums.duration(paid_at, "cash", seconds, path=channel, claim_type=claim_type)


def _desk_visits(sums: _Sums, start: dt.date, end: dt.date) -> None:
    tickets = WalkInTicket.objects.filter(day__range=(start, end))
    for row in tickets.values("day", "branch", "reason").annotate(n=Count("pk")):
        sums.count(
            row["day"],
            "desk_visit",
            row["n"],
            cause=row["reason"],
            branch=row["branch"],
        )


def _snapshots(sums: _Sums, start: dt.date, end: dt.date, lo) -> None:
    """Members registered and members ever blocked as of each day's end (running totals)."""
    members = Participant.objects.filter(created_at__lt=lo).count()
    blocked = Block.objects.filter(created_at__lt=lo).values("participant_id")
    blocked = blocked.distinct().count()
    daily = Counter()
    for key, n in sums.figures.items():
        if key[1] in ("registered", "first_block"):
            daily[(key[0], key[1])] += n
    day = start
    while day <= end:
        members += daily[(day, "registered")]
        blocked += daily[(day, "first_block")]
        sums.count(day, "members_total", members)
        sums.count(day, "blocked_total", blocked)
        day += dt.timedelta(days=1)


def _sla_breaches(start: dt.date, end: dt.date, lo, hi) -> None:
    """Claims whose SLA day is in the range and that were not settled by its end."""
    due = Claim.objects.filter(sla_due__range=(start, end), submitted_at__isnull=False)
    breaches = []
    for claim in due.only("reference", "claim_type", "channel", "submitted_at",
                          "sla_due", "paid_at", "decided_at", "status", "updated_at"):  # fmt: skip
        settled = (
            claim.paid_at
            or (claim.decided_at if claim.status == "rejected" else None)
            or (claim.updated_at if claim.status == "cancelled" else None)
        )
        if settled is None or timezone.localdate(settled) > claim.sla_due:
            breaches.append(SlaBreach(
                reference=claim.reference, claim_type=claim.claim_type,
                channel=claim.channel, submitted_at=claim.submitted_at,
                sla_due=claim.sla_due, paid_at=claim.paid_at))  # fmt: skip
    SlaBreach.objects.filter(sla_due__range=(start, end)).delete()
    SlaBreach.objects.bulk_create(breaches, batch_size=2000)
    # A claim that breached earlier and was paid in the range: note the payment.
    paid = Claim.objects.filter(paid_at__gte=lo, paid_at__lt=hi, sla_due__lt=start)
    late = SlaBreach.objects.filter(reference__in=paid.values("reference"))
    for reference, paid_at in paid.filter(
        reference__in=late.values("reference")
    ).values_list("reference", "paid_at"):
        SlaBreach.objects.filter(reference=reference).update(paid_at=paid_at)


def insights_rollup(*, start: dt.date, end: dt.date) -> dict:
    """Rebuild the rollups of the days start..end (inclusive); returns the row counts."""
    if end < start:
        raise ValueError("end before start")
    began = time.perf_counter()
    lo, hi = _start_of(start), _start_of(end + dt.timedelta(days=1))
    sums, members = _Sums(), {}
    _funnel(sums, lo, hi, members)
    _selfies(sums, lo, hi, members)
    _blocks(sums, lo, hi, members)
    _cash(sums, lo, hi)
    _desk_visits(sums, start, end)
    _snapshots(sums, start, end, lo)
    with transaction.atomic():
        # One rebuild at a time: two in one month (a `rebuild_insights` beside the
        # nightly run) each summed the month's daily rows without seeing the
        # other's, and the monthly figures were stored twice. SQLite has one
        # writer at a time anyway.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('insights'))")
        DailyFigure.objects.filter(day__range=(start, end)).delete()
        DailyDuration.objects.filter(day__range=(start, end)).delete()
        figures, durations = sums.save()
        _months_rebuild(start, end)
        _sla_breaches(start, end, lo, hi)
        seconds = time.perf_counter() - began
        days = (end - start).days + 1
        RollupDay.objects.filter(day__range=(start, end)).delete()
        RollupDay.objects.bulk_create(
            RollupDay(day=start + dt.timedelta(days=i), seconds=seconds / days)
            for i in range(days)
        )
    return {"figures": figures, "durations": durations, "seconds": seconds}


def insights_rollup_pending(
    *, today: dt.date | None = None, budget_seconds: float | None = None
) -> list[dt.date]:
    """Build every day after the last built one up to yesterday (the last
    DEFAULT_HISTORY_DAYS when nothing is built yet), oldest first, up to
    CATCH_UP_DAYS in a pass, each pass committed on its own. With a budget, no pass
    after the first starts once it is spent: the days left wait for the next
    call. Returns the days built."""
    today = today or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    last = RollupDay.objects.order_by("-day").values_list("day", flat=True).first()
    day = (
        last + dt.timedelta(days=1)
        if last is not None
        else yesterday - dt.timedelta(days=DEFAULT_HISTORY_DAYS - 1)
    )
    budget = Budget(budget_seconds)
    built: list[dt.date] = []
    while day <= yesterday:
        if built and budget.spent():
            break
        end = min(yesterday, day + dt.timedelta(days=CATCH_UP_DAYS - 1))
        insights_rollup(start=day, end=end)
        built += [day + dt.timedelta(days=i) for i in range((end - day).days + 1)]
        day = end + dt.timedelta(days=1)
    return built
