"""manage.py rebuild_insights [--from DAY] [--to DAY]: rebuild the daily rollups."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insights.rollup import DEFAULT_HISTORY_DAYS, insights_rollup

CHUNK_DAYS = 31


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Rebuild the insights rollups for a range of days (default: the last "
        f"{DEFAULT_HISTORY_DAYS} days up to yesterday). Safe to re-run: each day "
        "is replaced whole."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="start", type=_day)
        parser.add_argument("--to", dest="end", type=_day)

    def handle(self, *args, start=None, end=None, **options) -> None:
        end = end or timezone.localdate() - dt.timedelta(days=1)
        start = start or end - dt.timedelta(days=DEFAULT_HISTORY_DAYS - 1)
        if start > end:
            raise CommandError("--from must be on or before --to")
        day, totals = start, {"figures": 0, "durations": 0, "seconds": 0.0}
        # A month per transaction bounds the memory of a long rebuild.
        while day <= end:
            last = min(day + dt.timedelta(days=CHUNK_DAYS - 1), end)
            result = insights_rollup(start=day, end=last)
            for key in totals:
                totals[key] += result[key]
            day = last + dt.timedelta(days=1)
        self.stdout.write(
            f"rebuilt {start}..{end}: {totals['figures']} figure rows, "
            f"{totals['durations']} duration rows in {totals['seconds']:.1f} s"
        )
