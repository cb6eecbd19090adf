"""The effectiveness figures for a period, read from the rollup tables only.

Small groups are suppressed: a value describing a group of 1–4 members (or
sessions, attempts, claims) becomes None and its field name is listed in the
row's `suppressed`, so no figure points at one person; so does a second part of a
shown total when the total would give a single hidden part back (`_withhold`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from django.db.models import Q, Sum
from django.utils import timezone

from biometrics.models import BiometricPolicy, CalibrationRun
from biometrics.selectors import tradeoff

from .groups import (
    AGE_GROUPS,
    CAUSES,
    CHANNELS,
    CLAIM_STEPS,
    GENDERS,
    PATHS,
    STEPS,
    percentile,
)
from .models import (
    DailyDuration,
    DailyFigure,
    MonthlyDuration,
    MonthlyFigure,
    SlaBreach,
)

MIN_GROUP = 5
BREACHES_LISTED = 50
HOUR = 3600.0
REASONS = ("biometric", "kpj", "activation", "other")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    branch: str = ""
    claim_type: str = ""


def _suppress(row: dict, **sizes: int) -> dict:
    """Blank each named field whose group has 1–4 members; list it in `suppressed`."""
    row.setdefault("suppressed", [])
    for field, size in sizes.items():
        if 0 < size < MIN_GROUP:
            row[field] = None
            row["suppressed"].append(field)
    return row


def _withhold(row: dict, values: dict, names) -> None:
    """Parts of a shown total with exactly one of them hidden: the total minus the
    shown parts would give the hidden one back, so the smallest other non-zero part
    is hidden too (listed in `suppressed`, as a small group is)."""
    hidden = [n for n in names if values[n] is None]
    shown = [n for n in names if values[n]]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=values.__getitem__)
        values[smallest] = None
        row.setdefault("suppressed", []).append(smallest)


def _least(*sizes: int) -> int:
    """The smallest non-empty group behind a value derived from several counts."""
    return min((n for n in sizes if n > 0), default=0)


def _spans(period: Period, by: tuple[str, ...]) -> list[tuple[str, Q]]:
    """Whole months from the monthly rows, the days around them from the daily rows.

    A figure grouped by day reads the daily rows only.
    """
    start, after = period.start, period.end + dt.timedelta(days=1)
    first = (
        start
        if start.day == 1
        else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    )
    last = after.replace(day=1)
    if "day" in by or first >= last:
        return [("daily", Q(day__gte=start, day__lt=after))]
    spans = [("monthly", Q(day__gte=first, day__lt=last))]
    edges = [
        Q(day__gte=a, day__lt=b) for a, b in ((start, first), (last, after)) if a < b
    ]
    if edges:
        spans.append(("daily", edges[0] | edges[-1]))
    return spans


def _sums(period: Period, by: tuple[str, ...], q: Q) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for grain, span in _spans(period, by):
        model = MonthlyFigure if grain == "monthly" else DailyFigure
        rows = model.objects.filter(q, span).values(*by).annotate(n=Sum("count"))
        for *key, n in rows.order_by().values_list(*by, "n"):
            out[tuple(key)] += n
    return out


def _histograms(period: Period, by: tuple[str, ...], q: Q) -> dict[tuple, dict]:
    out: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for grain, span in _spans(period, by):
        model = MonthlyDuration if grain == "monthly" else DailyDuration
        rows = model.objects.filter(q, span).values(*by, "bucket")
        rows = rows.annotate(n=Sum("count")).order_by()
        for *key, bucket, n in rows.values_list(*by, "bucket", "n"):
            out[tuple(key)][bucket] += n
    return out


def _hours(histogram: dict, share: float) -> float | None:
    seconds = percentile(histogram, share)
    return None if seconds is None else round(seconds / HOUR, 2)


def _merged(*histograms: dict) -> dict:
    out: dict = defaultdict(int)
    for histogram in histograms:
        for bucket, n in histogram.items():
            out[bucket] += n
    return out


def _claim_type_q(period: Period, claim_metrics: tuple[str, ...]) -> Q:
    if not period.claim_type:
        return Q()
    return Q(claim_type=period.claim_type) | ~Q(metric__in=claim_metrics)


def funnel(period: Period) -> list[dict]:
    """Members reaching each step first in the period, by path, with median waits."""
    q = Q(metric__in=STEPS) & _claim_type_q(period, CLAIM_STEPS)
    counts = _sums(period, ("metric", "path"), q)
    waits = _histograms(period, ("metric", "path"), q)
    rows, previous = [], None
    for step in STEPS:
        by_path = {p: counts.get((step, p), 0) for p in PATHS}
        total = sum(by_path.values())
        histograms = {p: waits.get((step, p), {}) for p in PATHS}
        both = _merged(*histograms.values())
        row = {"step": step, "count": total, **by_path,
               "drop": None if not previous else round(1 - total / previous, 3),
               "median_hours": _hours(both, 0.5) if step != "registered" else None,
               "online_median_hours": _hours(histograms["online"], 0.5),
               "desk_median_hours": _hours(histograms["desk"], 0.5)}  # fmt: skip
        rows.append(
            _suppress(
                row,
                count=total,
                drop=_least(total, previous or 0),
                online=by_path["online"],
                desk=by_path["desk"],
                median_hours=sum(both.values()),
                online_median_hours=sum(histograms["online"].values()),
                desk_median_hours=sum(histograms["desk"].values()),
            )  # fmt: skip
        )
        _withhold(rows[-1], rows[-1], PATHS)
        previous = total
    return rows


def selfie_outcomes(period: Period) -> list[dict]:
    """Final selfie attempts by cause, with the split by age group and gender."""
    counts = _sums(period, ("cause", "age_group", "gender"), Q(metric="selfie"))
    all_attempts = sum(counts.values())
    rows = []
    for cause in CAUSES:
        mine = {k: n for k, n in counts.items() if k[0] == cause}
        total = sum(mine.values())
        ages = {a: sum(n for k, n in mine.items() if k[1] == a) for a in AGE_GROUPS}
        genders = {g: sum(n for k, n in mine.items() if k[2] == g) for g in GENDERS}
        row = {"cause": cause, "count": total,
               "share": round(total / all_attempts, 3) if all_attempts else None,
               "age_groups": ages, "genders": genders}  # fmt: skip
        _suppress(row, count=total, share=total)
        for group, n in [*ages.items(), *genders.items()]:
            if 0 < n < MIN_GROUP:
                (ages if group in ages else genders)[group] = None
                row["suppressed"].append(group)
        _withhold(row, ages, AGE_GROUPS)
        _withhold(row, genders, GENDERS)
        rows.append(row)
    # The shares give every cause's count back from the total of all attempts; a
    # count withheld for that reason takes its age groups and genders along (they
    # add up to it).
    counts = {r["cause"]: r["count"] for r in rows}
    _withhold({}, counts, CAUSES)
    for row in rows:
        if counts[row["cause"]] is None and row["count"] is not None:
            row.update(count=None, share=None)
            row["suppressed"] += ["count", "share"]
            for groups in (row["age_groups"], row["genders"]):
                for group, n in groups.items():
                    if n:
                        groups[group] = None
                        row["suppressed"].append(group)
    return rows


def _snapshot(metric: str, day: dt.date) -> int:
    """A running total as of the last built day on or before `day`."""
    rows = DailyFigure.objects.filter(metric=metric, day__lte=day).order_by("-day")
    return rows.values_list("count", flat=True).first() or 0


def locks(period: Period) -> dict:
    """Blocks by kind, the share of members ever blocked, how long blocks last."""
    kinds = ("biometric", "kpj", "activation")
    counts = _sums(period, ("cause",), Q(metric="block"))
    durations = _histograms(period, ("cause",), Q(metric="block_lifted"))
    registered = _snapshot("members_total", period.end)
    blocked = _snapshot("blocked_total", period.end)
    rows = []
    for kind in kinds:
        histogram = durations.get((kind,), {})
        lifted = sum(histogram.values())
        row = {"kind": kind, "blocks": counts.get((kind,), 0), "lifted": lifted,
               "median_hours": _hours(histogram, 0.5),
               "p90_hours": _hours(histogram, 0.9)}  # fmt: skip
        rows.append(
            _suppress(
                row,
                blocks=row["blocks"],
                lifted=lifted,
                median_hours=lifted,
                p90_hours=lifted,
            )  # fmt: skip
        )
    share = {"members": registered, "ever_blocked": blocked,
             "share": round(blocked / registered, 3) if registered else None}  # fmt: skip
    return {
        "kinds": rows,
        "ever_blocked": _suppress(
            share, ever_blocked=blocked, share=_least(blocked, registered)
        ),
    }


def time_to_cash(period: Period) -> dict:
    """Submit → paid per channel (median, p90, p99 in hours) and the SLA breaches."""
    q = Q(metric="cash") & _claim_type_q(period, ("cash",))
    histograms = _histograms(period, ("path",), q)
    rows = []
    for channel in CHANNELS:
        histogram = histograms.get((channel,), {})
        n = sum(histogram.values())
        row = {"channel": channel, "count": n, "median_hours": _hours(histogram, 0.5),
               "p90_hours": _hours(histogram, 0.9), "p99_hours": _hours(histogram, 0.99)}  # fmt: skip
        rows.append(_suppress(row, count=n, median_hours=n, p90_hours=n, p99_hours=n))
    breaches = SlaBreach.objects.filter(sla_due__range=(period.start, period.end))
    if period.claim_type:
        breaches = breaches.filter(claim_type=period.claim_type)
    today = timezone.localdate()
    listed = [
        {"reference": b.reference, "claim_type": b.claim_type, "channel": b.channel,
         "sla_due": b.sla_due.isoformat(),
         "paid_on": timezone.localdate(b.paid_at).isoformat() if b.paid_at else None,
         "days_late": ((timezone.localdate(b.paid_at) if b.paid_at else today) - b.sla_due).days}
        for b in breaches[:BREACHES_LISTED]
    ]  # fmt: skip
    return {
        "channels": rows,
        "sla_breach_count": breaches.count(),
        "sla_breaches": listed,
    }


def _policy_changes(period: Period) -> list[tuple[dt.date, object, object]]:
    """(day, old row, new row) for each change of the attempt limit or threshold."""
    history = list(BiometricPolicy.history.order_by("history_date", "history_id"))
    changes = []
    for old, new in pairwise(history):
        if (old.max_attempts, old.match_threshold) == (
            new.max_attempts,
            new.match_threshold,
        ):
            continue
        day = timezone.localdate(new.history_date)
        if period.start <= day <= period.end:
            changes.append((day, old, new))
    return changes


def _window(per_day: dict, metric: str, first: dt.date, last: dt.date) -> int:
    return sum(
        n for (m, day), n in per_day.items() if m == metric and first <= day <= last
    )


def policy_effects(period: Period) -> list[dict]:
    """Blocks per 1,000 selfie sessions and impostor exposure before/after each change."""
    changes = _policy_changes(period)
    if not changes:
        return []
    q = Q(metric="selfie_session") | Q(metric="block", cause="biometric")
    per_day = _sums(period, ("metric", "day"), q)
    days = [period.start, *(c[0] for c in changes), period.end + dt.timedelta(days=1)]
    run = CalibrationRun.objects.first()  # read once: it holds thousands of distances
    rows = []
    for i, (day, old, new) in enumerate(changes):
        sides = {}
        for side, policy, (first, last) in (
            ("before", old, (days[i], day - dt.timedelta(days=1))),
            ("after", new, (day, days[i + 2] - dt.timedelta(days=1))),
        ):
            sessions = _window(per_day, "selfie_session", first, last)
            blocks = _window(per_day, "block", first, last)
            exposure = tradeoff(
                threshold=float(policy.match_threshold),
                max_attempts=policy.max_attempts,
                run=run,
            )
            sides[side] = _suppress(
                {"from": first.isoformat(), "to": last.isoformat(), "sessions": sessions,
                 "blocks": blocks, "max_attempts": policy.max_attempts,
                 "threshold": float(policy.match_threshold),
                 "blocks_per_1000": round(1000 * blocks / sessions, 1) if sessions else None,
                 "impostor_accepted": exposure["impostor_accepted"],
                 "lookalike_accepted": exposure["lookalike_accepted"]},
                sessions=sessions, blocks=blocks,
                blocks_per_1000=_least(sessions, blocks),
            )  # fmt: skip
        rows.append({"changed_on": day.isoformat(), **sides})
    return rows


def learning(period: Period) -> list[dict]:
    """Biometric blocks per 1,000 selfie sessions: tutorial watchers, quiz takers, neither."""
    q = Q(metric="selfie_session") | Q(metric="block", cause="biometric")
    counts = _sums(period, ("metric", "cohort"), q)
    groups = {
        "tutorial": ("tutorial", "both"),
        "quiz": ("quiz", "both"),
        "neither": ("none",),
    }
    rows = []
    for group, cohorts in groups.items():
        sessions = sum(counts.get(("selfie_session", c), 0) for c in cohorts)
        blocks = sum(counts.get(("block", c), 0) for c in cohorts)
        row = {"group": group, "sessions": sessions, "blocks": blocks,
               "blocks_per_1000": round(1000 * blocks / sessions, 1) if sessions else None}  # fmt: skip
        rows.append(
            _suppress(
                row,
                sessions=sessions,
                blocks=blocks,
                blocks_per_1000=_least(sessions, blocks),
            )
        )
    return rows


def desk_visits(period: Period) -> list[dict]:
    """Walk-in tickets per week (Monday) by reason, for one branch or all."""
    q = Q(metric="desk_visit") & (Q(branch=period.branch) if period.branch else Q())
    counts = _sums(period, ("day", "cause"), q)
    weeks: dict[dt.date, dict] = {}
    monday = period.start - dt.timedelta(days=period.start.weekday())
    while monday <= period.end:
        weeks[monday] = defaultdict(int)
        monday += dt.timedelta(days=7)
    for (day, reason), n in counts.items():
        weeks[day - dt.timedelta(days=day.weekday())][reason] += n
    rows = []
    for week, reasons in weeks.items():
        row = {"week": week.isoformat(), "reasons": {r: reasons.get(r, 0) for r in REASONS},
               "total": sum(reasons.values())}  # fmt: skip
        _suppress(row, total=row["total"])
        for reason, n in row["reasons"].items():
            if 0 < n < MIN_GROUP:
                row["reasons"][reason] = None
                row["suppressed"].append(reason)
        _withhold(row, row["reasons"], REASONS)
        rows.append(row)
    return rows


def insights_get(period: Period) -> dict:
    """Every figure of the page and of GET /api/v1/insights/."""
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(),
                   "branch": period.branch, "claim_type": period.claim_type},
        "funnel": funnel(period),
        "selfie_outcomes": selfie_outcomes(period),
        "locks": locks(period),
        "time_to_cash": time_to_cash(period),
        "policy_changes": policy_effects(period),
        "learning": learning(period),
        "desk_visits": desk_visits(period),
    }  # fmt: skip
