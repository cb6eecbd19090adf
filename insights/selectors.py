"""The effectiveness figures for a period, read from the rollup tables only.

Small groups are suppressed: a value describing a group of 1–4 members (or
sessions, attempts, claims) becomes None and its field name is listed in the
row's `suppressed`, so no figure points at one person; so does a second part of a
shown total when the total would give a hidden part back, the total being shown
on the same figure, on another one or under another filter (`insights.suppression`).
"""

import datetime as dt
from collections import defaultdict

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

from .effects import learning, policy_effects
from .groups import (
    AGE_GROUPS,
    CAUSES,
    CHANNELS,
    CLAIM_STEPS,
    GENDERS,
    PATHS,
    STEPS,
    nearest_rank,
)
from .models import DailyFigure, SlaBreach
from .reads import Period, claim_type_q, duration_sums, hours, merged, sums
from .suppression import (
    hide,
    least,
    small,
    suppress,
    table_hidden,
    table_view,
    withheld,
)

REASONS = ("biometric", "kpj", "activation", "other")


def funnel(period: Period) -> list[dict]:
    """Members reaching each step first in the period, by path, with median waits.

    A claim step is read for every claim type: a type's row and the all-types
    row are one table, so neither gives back what the other hides.
    """
    counts = sums(period, ("metric", "claim_type", "path"), Q(metric__in=STEPS))
    q = Q(metric__in=STEPS) & claim_type_q(period, CLAIM_STEPS)
    waits = duration_sums(period, ("metric", "path"), q)
    rows, previous, previous_hidden = [], None, False
    for step in STEPS:
        cells = {(t, p): n for (m, t, p), n in counts.items() if m == step}
        values, hidden = table_hidden(cells, sorted({t for t, _p in cells}), PATHS)
        kind = period.claim_type if step in CLAIM_STEPS else ""
        by_path, total, names = table_view(values, hidden, kind, PATHS, "count")
        histograms = {p: waits.get((step, p), {}) for p in PATHS}
        both = merged(*histograms.values())
        row = {"step": step, "count": total, **by_path,
               "drop": None if not previous else round(1 - total / previous, 3),
               "median_hours": hours(both, 0.5) if step != "registered" else None,
               "online_median_hours": hours(histograms["online"], 0.5),
               "desk_median_hours": hours(histograms["desk"], 0.5)}  # fmt: skip
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
    counts = sums(period, ("cause", "age_group", "gender"), Q(metric="selfie"))
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
    counts = sums(period, ("cause",), Q(metric="block"))
    durations = duration_sums(period, ("cause",), Q(metric="block_lifted"))
    registered = _snapshot("members_total", period.end)
    blocked = _snapshot("blocked_total", period.end)
    rows = []
    for kind in kinds:
        histogram = durations.get((kind,), {})
        lifted = sum(histogram.values())
        row = {"kind": kind, "blocks": counts.get((kind,), 0), "lifted": lifted,
               "median_hours": hours(histogram, 0.5),
               "p90_hours": hours(histogram, 0.9)}  # fmt: skip
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
    cells: dict[tuple[str, str], int], period: Period, name: str
) -> tuple[dict, int, set]:
    """Per channel for the period's claim type (or all): what `_table_view` gives."""
    kinds = sorted({t for t, _c in cells})
    values, hidden = table_hidden(cells, kinds, CHANNELS)
    return table_view(values, hidden, period.claim_type, CHANNELS, name)


def time_to_cash(period: Period) -> dict:
    """Submit → paid per channel (median, p90, p99 in hours) and the SLA breaches."""
    histograms = duration_sums(period, ("claim_type", "path"), Q(metric="cash"))
    cells = {key: sum(h.values()) for key, h in histograms.items()}
    # No total of the channels is shown here, but the funnel's paid members are
    # that total whenever nobody was paid twice in the period: it counts as shown.
    counts, _total, names = _claim_type_view(cells, period, "total")
    rows = []
    for channel in CHANNELS:
        histogram = merged(*(h for (t, c), h in histograms.items() if c == channel
                              and t == (period.claim_type or t)))  # fmt: skip
        n = counts[channel]
        row = {"channel": channel, "count": n, "median_hours": hours(histogram, 0.5),
               "p90_hours": hours(histogram, 0.9), "p99_hours": hours(histogram, 0.99)}  # fmt: skip
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
