"""How the figures read the rollup tables: sums and duration histograms for a
period, whole months from the monthly rows and the days around them from the
daily ones."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum

from .groups import percentile
from .models import DailyDuration, DailyFigure, MonthlyDuration, MonthlyFigure

HOUR = 3600.0


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    branch: str = ""
    claim_type: str = ""


def spans(period: Period, by: tuple[str, ...]) -> list[tuple[str, Q]]:
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
    out = [("monthly", Q(day__gte=first, day__lt=last))]
    edges = [
        Q(day__gte=a, day__lt=b) for a, b in ((start, first), (last, after)) if a < b
    ]
    if edges:
        out.append(("daily", edges[0] | edges[-1]))
    return out


def sums(period: Period, by: tuple[str, ...], q: Q) -> dict[tuple, int]:
    """The counts of the rows matching `q` in the period, summed per `by`."""
    out: dict[tuple, int] = defaultdict(int)
    for grain, span in spans(period, by):
        model = MonthlyFigure if grain == "monthly" else DailyFigure
        rows = model.objects.filter(q, span).values(*by).annotate(n=Sum("count"))
        for *key, n in rows.order_by().values_list(*by, "n"):
            out[tuple(key)] += n
    return out


def duration_sums(period: Period, by: tuple[str, ...], q: Q) -> dict[tuple, dict]:
    """The duration histograms ({bucket: count}) in the period, summed per `by`."""
    out: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for grain, span in spans(period, by):
        model = MonthlyDuration if grain == "monthly" else DailyDuration
        rows = model.objects.filter(q, span).values(*by, "bucket")
        rows = rows.annotate(n=Sum("count")).order_by()
        for *key, bucket, n in rows.values_list(*by, "bucket", "n"):
            out[tuple(key)][bucket] += n
    return out


def hours(histogram: dict, share: float) -> float | None:
    seconds = percentile(histogram, share)
    return None if seconds is None else round(seconds / HOUR, 2)


def merged(*histograms: dict) -> dict:
    out: dict = defaultdict(int)
    for histogram in histograms:
        for bucket, n in histogram.items():
            out[bucket] += n
    return out


def claim_type_q(period: Period, claim_metrics: tuple[str, ...]) -> Q:
    if not period.claim_type:
        return Q()
    return Q(claim_type=period.claim_type) | ~Q(metric__in=claim_metrics)
