import datetime as dt

import pytest
import time_machine

from jmo_portal.celery import app
from participants import tasks
from participants.models import YieldPosting
from participants.tasks import yield_post_previous_year
from tests.participants.test_commands import _member_with_2024_contributions

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2025, 1, 1, 1, 0, tzinfo=dt.UTC))
def test_the_new_year_task_credits_last_years_yield_once():
    member = _member_with_2024_contributions()

    assert yield_post_previous_year.delay().get() == 1
    assert yield_post_previous_year.delay().get() == 0  # a second run is harmless

    posting = YieldPosting.objects.get(participant=member)
    assert (posting.year, posting.rate_bp) == (2024, 600)
    member.refresh_from_db()
    assert member.yield_total == 12 * 285_000 * 600 // 10000


@time_machine.travel(dt.datetime(2025, 1, 1, 1, 0, tzinfo=dt.UTC))
def test_a_registry_beyond_one_runs_budget_is_credited_by_the_runs_it_queues(
    monkeypatch,
):
    """The budget spent after each member: every run credits one and queues the
    next (run at once here: eager) until every member is credited, once."""
    members = [_member_with_2024_contributions() for _ in range(3)]
    monkeypatch.setattr(tasks, "BATCH_BUDGET_SECONDS", 0)

    assert yield_post_previous_year.delay().get() == 1

    postings = YieldPosting.objects.filter(year=2024)
    assert sorted(postings.values_list("participant", flat=True)) == sorted(
        m.pk for m in members
    )
    # Every day of January: a run that a lost message or a late import needs.
    schedule = app.conf.beat_schedule["participants-yearly-yield"]["schedule"]
    assert schedule.month_of_year == {1} and len(schedule.day_of_month) == 31
