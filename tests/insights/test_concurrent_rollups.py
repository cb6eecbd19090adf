"""Two rollups at once in the same month (a rebuild beside the nightly run)."""

import datetime as dt
import threading
import time

from django.db import connection

from insights import rollup
from insights.models import MonthlyFigure
from insights.rollup import insights_rollup
from tests.conftest import require_services

from .history import history_build


def _march_registered() -> int:
    rows = MonthlyFigure.objects.filter(metric="registered", day=dt.date(2026, 3, 1))
    return sum(rows.values_list("count", flat=True))


def test_two_rollups_in_one_month_store_its_figures_once(transactional_db, monkeypatch):
    require_services(postgres=True)
    history_build()
    insights_rollup(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    before = _march_registered()
    assert before > 0
    real, first_inside = rollup._sla_breaches, threading.Event()

    def slow(*args):
        real(*args)
        if threading.current_thread().name == "first":
            first_inside.set()
            time.sleep(1.5)  # its transaction open, the month rebuilt

    monkeypatch.setattr(rollup, "_sla_breaches", slow)
    errors = []

    def run(start: dt.date, end: dt.date) -> None:
        try:
            insights_rollup(start=start, end=end)
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(repr(exc))
        finally:
            connection.close()

    first = threading.Thread(
        target=run, name="first", args=(dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    )
    second = threading.Thread(
        target=run, name="second", args=(dt.date(2026, 3, 20), dt.date(2026, 3, 20))
    )
    first.start()
    assert first_inside.wait(30)
    second.start()
    first.join()
    second.join()
    assert errors == []
    assert _march_registered() == before  # was twice as many
