"""The nightly rollup task through a real Celery worker on Redis."""

import datetime as dt

from django.utils import timezone

from insights import tasks
from insights.models import (
    DailyDuration,
    DailyFigure,
    MonthlyDuration,
    MonthlyFigure,
    RollupDay,
)
from insights.rollup import CATCH_UP_DAYS, DEFAULT_HISTORY_DAYS, insights_rollup
from insights.tasks import insights_rollup_pending as insights_rollup_pending_task
from jmo_portal.celery import app
from tests.conftest import wait_for

from .history import history_build


def test_the_beat_schedule_runs_the_rollup_after_midnight():
    entry = app.conf.beat_schedule["insights-nightly-rollup"]
    assert entry["task"] == "insights.tasks.insights_rollup_pending"
    assert entry["schedule"].hour == {3}


def test_the_worker_builds_the_missing_days_and_a_second_run_adds_none(celery_worker):
    history_build()
    insights_rollup_pending_task.delay()
    wait_for(lambda: RollupDay.objects.count() == DEFAULT_HISTORY_DAYS, timeout=120)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert RollupDay.objects.order_by("-day").first().day == yesterday
    march = DailyFigure.objects.filter(
        metric="registered", day__range=(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    )
    assert wait_for(lambda: sum(march.values_list("count", flat=True))) == 7
    rows = DailyFigure.objects.count()
    # Run again (in this process, to see its result): nothing left to build.
    assert insights_rollup_pending_task.apply().result == 0
    assert DailyFigure.objects.count() == rows


def _rows() -> list:
    """Every figure row the rollups hold, without their ids."""
    return [
        sorted(
            tuple(v for k, v in row.items() if k != "id")
            for row in model.objects.values()
        )
        for model in (DailyFigure, MonthlyFigure, DailyDuration, MonthlyDuration)
    ]


def test_a_catch_up_goes_on_in_passes_and_gives_the_rows_of_one_pass(db, monkeypatch):
    """Nothing built yet: the first run builds one pass of CATCH_UP_DAYS when its
    budget is spent and queues itself for the rest (run at once here: eager)."""
    history_build()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    insights_rollup(
        start=yesterday - dt.timedelta(days=DEFAULT_HISTORY_DAYS - 1), end=yesterday
    )
    one_pass = _rows()
    assert one_pass[0], "no figures to compare"
    RollupDay.objects.all().delete()
    monkeypatch.setattr(tasks, "BATCH_BUDGET_SECONDS", 0)
    assert insights_rollup_pending_task.apply().result == CATCH_UP_DAYS
    assert RollupDay.objects.count() == DEFAULT_HISTORY_DAYS
    assert RollupDay.objects.order_by("-day").first().day == yesterday
    assert _rows() == one_pass
