import datetime as dt

import pytest
import time_machine

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
