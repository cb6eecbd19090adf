"""No figure lets a reader work out a group of 1–4 from the values it shows."""

import datetime as dt

from insights.models import DailyFigure
from insights.selectors import Period, funnel, insights_get, locks
from insights.tables import HIDDEN, figure_build

DAY = dt.date(2026, 3, 10)
# Not whole months: the period is read from the daily rows alone.
PERIOD = Period(dt.date(2026, 3, 2), dt.date(2026, 3, 20))


def _figure(metric: str, count: int, **groups: str) -> None:
    DailyFigure.objects.create(day=DAY, metric=metric, count=count, **groups)


def test_the_drop_to_a_hidden_step_is_hidden_too(db):
    _figure("registered", 40, path="online")
    _figure("activated", 3, path="online")  # 1 - 3/40 would give the 3 back
    _figure("data_updated", 3, path="online")
    steps = {row["step"]: row for row in funnel(PERIOD)}
    assert steps["activated"]["count"] is None
    assert steps["activated"]["drop"] is None
    assert "drop" in steps["activated"]["suppressed"]
    assert steps["data_updated"]["drop"] is None  # from a hidden step
    assert steps["registered"]["drop"] is None  # no step before
    assert "drop" not in steps["registered"]["suppressed"]


def test_the_share_ever_blocked_is_hidden_with_the_count_it_gives_back(db):
    _figure("members_total", 1000)
    _figure("blocked_total", 2)
    ever = locks(PERIOD)["ever_blocked"]
    assert ever["ever_blocked"] is None
    assert ever["share"] is None  # 0.002 of 1000 members


def test_the_learning_table_hides_two_blocks_and_their_rate(db):
    _figure("selfie_session", 50, cohort="none")
    _figure("block", 2, cause="biometric", cohort="none")
    rows = figure_build(insights_get(PERIOD), "learning").rows
    neither = rows[-1]
    assert neither[1:] == [50, HIDDEN, HIDDEN]  # 2 blocks, 40.0 per 1,000 of 50
