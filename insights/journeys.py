"""Reads of the lower apps the rollup needs: first times per step, member facts.

Everything here is read-only. A step's time is a member's *first* time: first
registration, activation, confirmed data, claim started, selfie matched, claim
submitted, claim paid.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min

from biometrics.models import SelfieAttempt
from claims.models import Claim
from participants.models import AuditRecord, Block, DataUpdate, Participant
from tutorials.models import QuizEntry, TutorialView

SELFIE_TUTORIAL = "good-selfie"
CHUNK = 20_000


@dataclass(frozen=True)
class StepEvent:
    participant_id: int
    at: dt.datetime
    claim_type: str = ""


@dataclass
class Member:
    birth_date: dt.date | None
    gender: str
    desk_since: dt.datetime | None = None
    tutorial_since: dt.datetime | None = None
    quiz_since: dt.datetime | None = None

    def path(self, at: dt.datetime) -> str:
        """'desk' once the desk has helped (assisted activation, unblock, data update)."""
        return "desk" if self.desk_since and self.desk_since <= at else "online"

    def learned(self, at: dt.datetime) -> tuple[bool, bool]:
        return (
            bool(self.tutorial_since and self.tutorial_since <= at),
            bool(self.quiz_since and self.quiz_since <= at),
        )


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _participant_field(field: str, lo, hi, ids=None) -> list[StepEvent]:
    rows = Participant.objects.filter(**{f"{field}__isnull": False})
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    else:
        rows = rows.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})
    return [StepEvent(pk, at) for pk, at in rows.values_list("pk", field)]


def _first_of(queryset, field: str, lo, hi, ids=None, typed=False) -> list[StepEvent]:
    """Each member's earliest `field` among the rows; kept when it falls in [lo, hi)."""
    rows = queryset.filter(**{f"{field}__isnull": False})
    if ids is None:
        in_range = rows.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})
        rows = rows.filter(participant_id__in=in_range.values("participant_id"))
    else:
        rows = rows.filter(participant_id__in=ids)
    names = (
        ["participant_id", field, "claim_type"] if typed else ["participant_id", field]
    )
    first: dict[int, tuple] = {}
    for row in rows.values_list(*names):
        if row[0] not in first or row[1] < first[row[0]][1]:
            first[row[0]] = row
    events = [StepEvent(r[0], r[1], r[2] if typed else "") for r in first.values()]
    if ids is None:
        events = [e for e in events if lo <= e.at < hi]
    return events


def step_events(step: str, lo=None, hi=None, ids=None) -> list[StepEvent]:
    """First times of `step` in [lo, hi), or of the members `ids` whenever they were."""
    if step == "registered":
        return _participant_field("created_at", lo, hi, ids)
    if step == "activated":
        return _participant_field("user__date_joined", lo, hi, ids)
    if step == "data_updated":
        return _participant_field("profile_confirmed_at", lo, hi, ids)
    if step == "selfie_passed":
        return _claim_selfies(lo, hi, ids)
    field = {"claim_started": "created_at", "submitted": "submitted_at"}.get(
        step, "paid_at"
    )
    return _first_of(Claim.objects.all(), field, lo, hi, ids, typed=True)


def _claim_selfies(lo, hi, ids) -> list[StepEvent]:
    """The first matched selfie at or after the member's first claim started.

    The data update also passes a selfie; the funnel's step is the claim's one.
    """
    matched = SelfieAttempt.objects.filter(status="matched")
    if ids is None:
        in_range = matched.filter(created_at__gte=lo, created_at__lt=hi)
        ids = set(in_range.values_list("participant_id", flat=True))
    started = step_times("claim_started", ids)
    first: dict[int, dt.datetime] = {}
    for chunk in _chunks(started):
        rows = matched.filter(participant_id__in=chunk)
        for pid, at in rows.values_list("participant_id", "created_at"):
            if at >= started[pid] and (pid not in first or at < first[pid]):
                first[pid] = at
    events = [StepEvent(pid, at) for pid, at in first.items()]
    return [e for e in events if lo is None or lo <= e.at < hi]


def step_times(step: str, ids: Iterable[int]) -> dict[int, dt.datetime]:
    """Each member's first time of `step`, ever (for the time between steps)."""
    out: dict[int, dt.datetime] = {}
    for chunk in _chunks(ids):
        out.update((e.participant_id, e.at) for e in step_events(step, ids=chunk))
    return out


def _earliest(queryset, field: str, ids: list[int]) -> dict[int, dt.datetime]:
    rows = queryset.filter(participant_id__in=ids).values("participant_id")
    return dict(rows.annotate(t=Min(field)).values_list("participant_id", "t"))


def members_get(ids: Iterable[int]) -> dict[int, Member]:
    """Birth date, gender and when the desk, the selfie tutorial and a quiz came in."""
    out: dict[int, Member] = {}
    for chunk in _chunks(ids):
        for pk, birth, gender in Participant.objects.filter(pk__in=chunk).values_list(
            "pk", "birth_date", "gender"
        ):
            out[pk] = Member(birth, gender)
        assisted = _earliest(
            AuditRecord.objects.filter(action="activate_member"), "created_at", chunk
        )
        lifted = _earliest(
            Block.objects.filter(lifted_at__isnull=False), "lifted_at", chunk
        )
        desk_update = _earliest(
            DataUpdate.objects.filter(channel="desk", confirmed_at__isnull=False),
            "confirmed_at",
            chunk,
        )
        for pk in chunk:
            helped = (assisted.get(pk), lifted.get(pk), desk_update.get(pk))
            times = [t for t in helped if t]
            if pk in out and times:
                out[pk].desk_since = min(times)
        tutorial = TutorialView.objects.filter(tutorial__slug=SELFIE_TUTORIAL)
        for pk, t in _earliest(tutorial, "first_viewed_at", chunk).items():
            out[pk].tutorial_since = t
        for pk, t in _earliest(QuizEntry.objects, "submitted_at", chunk).items():
            out[pk].quiz_since = t
    return out
