"""The server-drawn charts tell a hidden small group from a value that does not exist."""

import datetime as dt

import pytest
from django.utils import translation

from insights.models import DailyFigure
from insights.selectors import Period, insights_get
from insights.tables import figure_build

PERIOD = Period(dt.date(2026, 3, 2), dt.date(2026, 3, 20))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_an_empty_period_draws_no_fewer_than_5_bars(db):
    data = insights_get(PERIOD)
    for key in ("funnel", "failures", "locks", "cash", "policy", "learning"):
        chart = figure_build(data, key).chart
        assert "hidden" not in chart, key
        assert 'class="hidden"' not in chart, key
        assert "No data in this period" in chart, key


def test_a_hidden_group_is_still_drawn_as_hidden(db):
    DailyFigure.objects.create(
        day=dt.date(2026, 3, 10), metric="selfie_session", count=3, cohort="none"
    )
    chart = figure_build(insights_get(PERIOD), "learning").chart
    assert chart.count('class="hidden"') == 1  # "neither": 3 sessions
    assert "hidden" in chart
