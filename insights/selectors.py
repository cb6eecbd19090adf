"""The effectiveness figures for a period, read from the rollup tables only.

Small groups are suppressed: a value describing a group of 1–4 members (or
sessions, attempts, claims) becomes None and its field name is listed in the
row's `suppressed`, so no figure points at one person; so does a second part of a
shown total when the total would give a hidden part back, the total being shown
on the same figure, on another one or under another filter (`insights.suppression`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from django.db.models import (
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
)
from django.db.models.functions import Cast, ExtractIsoWeekDay, TruncDate
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
    nearest_rank,
    percentile,
)
from .models import (
    DailyDuration,
    DailyFigure,
    MonthlyDuration,
    MonthlyFigure,
    SlaBreach,
)
from .suppression import (
    hide,
    least,
    small,
    suppress,
    table_hidden,
    table_view,
    withheld,
)

HOUR = 3600.0
REASONS = ("biometric", "kpj", "activation", "other")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    branch: str = ""
    claim_type: str = ""


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
    """Members reaching each step first in the period, by path, with median waits.

    A claim step is read for every claim type: a type's row and the all-types
    row are one table, so neither gives back what the other hides.
    """
    counts = _sums(period, ("metric", "claim_type", "path"), Q(metric__in=STEPS))
    q = Q(metric__in=STEPS) & _claim_type_q(period, CLAIM_STEPS)
    waits = _histograms(period, ("metric", "path"), q)
    rows, previous, previous_hidden = [], None, False
    for step in STEPS:
        cells = {(t, p): n for (m, t, p), n in counts.items() if m == step}
        values, hidden = table_hidden(cells, sorted({t for t, _p in cells}), PATHS)
        kind = period.claim_type if step in CLAIM_STEPS else ""
        by_path, total, names = table_view(values, hidden, kind, PATHS, "count")
        histograms = {p: waits.get((step, p), {}) for p in PATHS}
        both = _merged(*histograms.values())
        row = {"step": step, "count": total, **by_path,
               "drop": None if not previous else round(1 - total / previous, 3),
               "median_hours": _hours(both, 0.5) if step != "registered" else None,
               "online_median_hours": _hours(histograms["online"], 0.5),
               "desk_median_hours": _hours(histograms["desk"], 0.5)}  # fmt: skip
        suppress(
            row,
            median_hours=sum(both.values()),
            online_median_hours=sum(histograms["online"].values()),
            desk_median_hours=sum(histograms["desk"].values()),
        )
        hide(row, row, sorted(names))
        # The drop gives a hidden count back from the other one.
        if "count" in names or previous_hidden:
            hide(row, row, ["drop"])
        rows.append(row)
        previous, previous_hidden = total, "count" in names
    return rows


def selfie_outcomes(period: Period) -> list[dict]:
    """Final selfie attempts by cause, with the split by age group and gender."""
    counts = _sums(period, ("cause", "age_group", "gender"), Q(metric="selfie"))
    all_attempts = sum(counts.values())
    rows, totals = [], {}
    for cause in CAUSES:
        mine = {k: n for k, n in counts.items() if k[0] == cause}
        totals[cause] = total = sum(mine.values())
        ages = {a: sum(n for k, n in mine.items() if k[1] == a) for a in AGE_GROUPS}
        genders = {g: sum(n for k, n in mine.items() if k[2] == g) for g in GENDERS}
        row = {"cause": cause, "count": total,
               "share": round(total / all_attempts, 3) if all_attempts else None,
               "age_groups": ages, "genders": genders}  # fmt: skip
        suppress(row, count=total, share=total)
        hide(row, ages, sorted(withheld(ages, small(ages)), key=AGE_GROUPS.index))
        hide(row, genders, sorted(withheld(genders, small(genders))))
        rows.append(row)
    # The shares give every cause's count back from the total of all attempts; a
    # count withheld for that reason takes its age groups and genders along (they
    # add up to it).
    withheld_causes = withheld(totals, small(totals)) - small(totals)
    for row in rows:
        if row["cause"] in withheld_causes:
            hide(row, row, ["count", "share"])
            for groups in (row["age_groups"], row["genders"]):
                hide(row, groups, [group for group, n in groups.items() if n])
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
            suppress(
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
        "ever_blocked": suppress(
            share, ever_blocked=blocked, share=least(blocked, registered)
        ),
    }


def _claim_type_view(
    cells: dict[tuple[str, str], int], period: Period, name: str, totals: bool = True
) -> tuple[dict, int, set]:
    """Per channel for the period's claim type (or all): what `_table_view` gives."""
    kinds = sorted({t for t, _c in cells})
    values, hidden = table_hidden(cells, kinds, CHANNELS, row_totals=totals)
    return table_view(values, hidden, period.claim_type, CHANNELS, name)


def time_to_cash(period: Period) -> dict:
    """Submit → paid per channel (median, p90, p99 in hours) and the SLA breaches."""
    histograms = _histograms(period, ("claim_type", "path"), Q(metric="cash"))
    cells = {key: sum(h.values()) for key, h in histograms.items()}
    # No total of the channels is shown here (see the README on the funnel's paid).
    counts, _total, names = _claim_type_view(cells, period, "total", totals=False)
    rows = []
    for channel in CHANNELS:
        histogram = _merged(*(h for (t, c), h in histograms.items() if c == channel
                              and t == (period.claim_type or t)))  # fmt: skip
        n = counts[channel]
        row = {"channel": channel, "count": n, "median_hours": _hours(histogram, 0.5),
               "p90_hours": _hours(histogram, 0.9), "p99_hours": _hours(histogram, 0.99)}  # fmt: skip
        suppress(row, median_hours=n, p90_hours=n, p99_hours=n)
        hide(row, row, ["count"] if channel in names else [])
        rows.append(row)
    return {"channels": rows, "sla_breaches": sla_breaches(period)}


def sla_breaches(period: Period) -> dict:
    """Claims whose SLA day is in the period and that were late: how many per
    channel, how many are not paid yet, and how many days late (to today when not
    paid). Counts and ages only: a claim's reference would say whose claim it is to
    anyone who can look it up, and the claims officers' own pages list the claims."""
    breaches = SlaBreach.objects.filter(sla_due__range=(period.start, period.end))
    breaches = breaches.annotate(paid_on=TruncDate("paid_at"))
    breaches = breaches.values("claim_type", "channel", "sla_due", "paid_on")
    cells: dict[tuple, int] = defaultdict(int)
    unpaid: dict[tuple, int] = defaultdict(int)
    late: dict[str, dict[int, int]] = {c: defaultdict(int) for c in CHANNELS}
    today = timezone.localdate()
    for claim_type, channel, due, paid_on, n in (
        breaches.annotate(n=Count("pk"))
        .order_by()
        .values_list("claim_type", "channel", "sla_due", "paid_on", "n")
    ):
        cells[(claim_type, channel)] += n
        unpaid[(claim_type, channel)] += n if paid_on is None else 0
        if channel in late and claim_type == (period.claim_type or claim_type):
            late[channel][((paid_on or today) - due).days] += n
    counts, total, names = _claim_type_view(cells, period, "count")
    not_paid, not_paid_total, not_paid_names = _claim_type_view(
        unpaid, period, "not_paid"
    )
    rows = []
    for channel in CHANNELS:
        n = sum(late[channel].values())
        row = {"channel": channel, "count": counts[channel],
               "not_paid": not_paid[channel],
               "median_days_late": nearest_rank(late[channel], 0.5),
               "p90_days_late": nearest_rank(late[channel], 0.9)}  # fmt: skip
        suppress(row, median_days_late=n, p90_days_late=n)
        hide(row, row, [f for f, gone in (("count", channel in names),
                                          ("not_paid", channel in not_paid_names)) if gone])  # fmt: skip
        rows.append(row)
    overall = {"count": total, "not_paid": not_paid_total, "suppressed": []}
    hide(overall, overall, sorted((names | not_paid_names) & {"count", "not_paid"}))
    return {**overall, "channels": rows}


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


def _hide_rate(row: dict, blocks: int) -> None:
    """Blocks per 1,000 sessions gives a hidden count back from the other one (a
    rate of 0 says nothing about the sessions)."""
    if "blocks" in row["suppressed"] or ("sessions" in row["suppressed"] and blocks):
        hide(row, row, ["blocks_per_1000"])


def _rate_row(row: dict, sessions: int, blocks: int, hidden: set) -> dict:
    """Sessions, biometric blocks and their rate, with the counts in `hidden` hidden."""
    row.update(sessions=sessions, blocks=blocks,
               blocks_per_1000=round(1000 * blocks / sessions, 1) if sessions else None)  # fmt: skip
    suppress(row, blocks_per_1000=least(sessions, blocks))
    hide(row, row, sorted(hidden))
    _hide_rate(row, blocks)
    return row


def policy_effects(period: Period) -> list[dict]:
    """Blocks per 1,000 selfie sessions and impostor exposure before/after each change.

    The windows between changes split the period's sessions and biometric blocks
    (the locks figure shows those blocks): a hidden window takes another along.
    """
    changes = _policy_changes(period)
    if not changes:
        return []
    q = Q(metric="selfie_session") | Q(metric="block", cause="biometric")
    per_day = _sums(period, ("metric", "day"), q)
    days = [period.start, *(c[0] for c in changes), period.end + dt.timedelta(days=1)]
    windows = [(a, b - dt.timedelta(days=1)) for a, b in pairwise(days)]
    sessions = {
        i: _window(per_day, "selfie_session", *w) for i, w in enumerate(windows)
    }
    blocks = {i: _window(per_day, "block", *w) for i, w in enumerate(windows)}
    hidden_sessions = withheld(sessions, small(sessions))
    hidden_blocks = withheld(blocks, small(blocks))
    run = CalibrationRun.objects.first()  # read once: it holds thousands of distances
    rows = []
    for i, (day, old, new) in enumerate(changes):
        sides = {}
        for side, policy, w in (("before", old, i), ("after", new, i + 1)):
            exposure = tradeoff(
                threshold=float(policy.match_threshold),
                max_attempts=policy.max_attempts,
                run=run,
            )
            hidden = {"sessions"} if w in hidden_sessions else set()
            hidden |= {"blocks"} if w in hidden_blocks else set()
            sides[side] = _rate_row(
                {"from": windows[w][0].isoformat(), "to": windows[w][1].isoformat(),
                 "max_attempts": policy.max_attempts,
                 "threshold": float(policy.match_threshold),
                 "impostor_accepted": exposure["impostor_accepted"],
                 "lookalike_accepted": exposure["lookalike_accepted"]},
                sessions[w], blocks[w], hidden,
            )  # fmt: skip
        rows.append({"changed_on": day.isoformat(), **sides})
    return rows


def learning(period: Period) -> list[dict]:
    """Biometric blocks per 1,000 selfie sessions: tutorial watchers, quiz takers, neither.

    The groups add up to all sessions and blocks (less those who did both, often
    nobody), which the policy windows and the locks figure show: a hidden group
    takes another along.
    """
    q = Q(metric="selfie_session") | Q(metric="block", cause="biometric")
    counts = _sums(period, ("metric", "cohort"), q)
    groups = {
        "tutorial": ("tutorial", "both"),
        "quiz": ("quiz", "both"),
        "neither": ("none",),
    }
    sessions = {
        g: sum(counts.get(("selfie_session", c), 0) for c in cohorts)
        for g, cohorts in groups.items()
    }
    blocks = {
        g: sum(counts.get(("block", c), 0) for c in cohorts)
        for g, cohorts in groups.items()
    }
    hidden_sessions = withheld(sessions, small(sessions))
    hidden_blocks = withheld(blocks, small(blocks))
    return [
        _rate_row(
            {"group": g},
            sessions[g],
            blocks[g],
            ({"sessions"} if g in hidden_sessions else set())
            | ({"blocks"} if g in hidden_blocks else set()),
        )
        for g in groups
    ]


def desk_visits(period: Period) -> list[dict]:
    """Walk-in tickets per week (Monday) by reason, for one branch or all.

    Every branch is read whichever is chosen: a branch's weeks and the
    all-branches weeks are one table, so neither gives back what the other hides.
    """
    # Summed per week by the database: a year of 30 branches is 44,000 daily rows.
    counts = DailyFigure.objects.filter(
        metric="desk_visit", day__gte=period.start, day__lte=period.end
    )
    monday = ExpressionWrapper(
        F("day") - Cast(ExtractIsoWeekDay("day"), IntegerField()) + 1,
        output_field=DateField(),
    )
    counts = counts.annotate(week=monday).values("week", "branch", "cause")
    counts = counts.annotate(n=Sum("count")).order_by()
    counts = counts.values_list("week", "branch", "cause", "n")
    weeks: dict[dt.date, dict] = {}
    monday = period.start - dt.timedelta(days=period.start.weekday())
    while monday <= period.end:
        weeks[monday] = {}
        monday += dt.timedelta(days=7)
    branches = set()
    for week, branch, reason, n in counts:
        weeks[week][(branch, reason)] = n
        branches.add(branch)
    branches = sorted(branches)
    rows = []
    for week, cells in weeks.items():
        values, hidden = table_hidden(cells, branches, REASONS)
        reasons, total, names = table_view(
            values, hidden, period.branch, REASONS, "total"
        )
        row = {"week": week.isoformat(), "reasons": reasons, "total": total,
               "suppressed": []}  # fmt: skip
        hide(row, row["reasons"], [r for r in REASONS if r in names])
        hide(row, row, ["total"] if "total" in names else [])
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
