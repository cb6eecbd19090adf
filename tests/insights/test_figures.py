"""The figures of a small fixed history (tests/insights/history.py) against hand-made sums."""

import datetime as dt

import pytest
from django.db.models import Sum

from insights.groups import age_group, bucket_of, bucket_seconds, selfie_cause
from insights.models import DailyDuration, DailyFigure, MonthlyFigure, RollupDay
from insights.rollup import SNAPSHOTS, insights_rollup, insights_rollup_pending
from insights.selectors import Period, insights_get

from .history import history_build

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
JANUARY = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))


@pytest.fixture
def figures(db):
    history_build()
    insights_rollup(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    return insights_get(MARCH)


def _approx(hours: float):
    # Durations are read from 5% log buckets: within 2.6% of the exact value.
    return pytest.approx(hours, rel=0.03)


def _by(rows: list[dict], key: str) -> dict:
    return {row[key]: row for row in rows}


def test_the_funnel_counts_members_per_step_and_hides_the_single_desk_member(figures):
    funnel = _by(figures["funnel"], "step")
    assert [r["count"] for r in figures["funnel"]] == [7, 7, 6, 6, 6, 6, 6]
    assert funnel["registered"]["desk"] == 0
    # Member 6 was activated at the desk: a group of one, never shown; nor the 6
    # online, which the 7 activated would turn back into that one.
    assert funnel["activated"]["online"] is None
    assert funnel["activated"]["desk"] is None
    assert "desk" in funnel["activated"]["suppressed"]
    assert funnel["activated"]["desk_median_hours"] is None
    assert funnel["data_updated"]["drop"] == pytest.approx(1 - 6 / 7, abs=0.001)
    assert funnel["claim_started"]["drop"] == 0
    assert funnel["registered"]["median_hours"] is None


def test_the_funnel_gives_the_median_time_between_steps(figures):
    funnel = _by(figures["funnel"], "step")
    for step in ("activated", "data_updated", "claim_started"):
        assert funnel[step]["median_hours"] == _approx(24), step
    assert funnel["selfie_passed"]["median_hours"] == _approx(10 / 60)
    assert funnel["submitted"]["median_hours"] == _approx(110 / 60)
    # Submit → paid: 2, 3, 4, 5, 6 and 190 hours; the nearest-rank median is 4.
    assert funnel["paid"]["median_hours"] == _approx(4)


def test_selfie_outcomes_by_cause_age_group_and_gender(figures):
    outcomes = _by(figures["selfie_outcomes"], "cause")
    assert outcomes["matched"]["count"] == 11
    assert outcomes["matched"]["share"] == pytest.approx(11 / 21, abs=0.001)
    assert outcomes["too_dark"]["count"] == 6
    assert outcomes["too_dark"]["age_groups"]["30-44"] == 6
    assert outcomes["too_dark"]["genders"] == {"M": 6, "F": 0}
    # The woman's three non-matches and one missing face: groups under five.
    for cause in ("not_matched", "no_face"):
        assert outcomes[cause]["count"] is None
        assert outcomes[cause]["age_groups"][">55"] is None
        assert {"count", ">55", "F"} <= set(outcomes[cause]["suppressed"])
    assert outcomes["blurred"]["count"] == 0


def test_locks_block_durations_and_the_share_ever_blocked(figures):
    kinds = _by(figures["locks"]["kinds"], "kind")
    assert kinds["kpj"]["blocks"] == 5
    assert kinds["kpj"]["median_hours"] == _approx(10)
    assert kinds["kpj"]["p90_hours"] == _approx(10)
    assert kinds["biometric"]["blocks"] is None  # one block: suppressed
    assert kinds["activation"]["blocks"] == 0
    ever = figures["locks"]["ever_blocked"]
    assert (ever["members"], ever["ever_blocked"]) == (7, 6)
    assert ever["share"] == pytest.approx(6 / 7, abs=0.001)


def test_time_to_cash_per_channel_and_the_sla_breach(figures):
    channels = _by(figures["time_to_cash"]["channels"], "channel")
    online = channels["online"]
    # One claim went to review; the funnel's 6 paid would give it back from the 5
    # paid online, so both counts are hidden (the times of the five are not).
    assert online["count"] is None
    assert online["median_hours"] == _approx(4)
    assert online["p90_hours"] == _approx(6)
    assert online["p99_hours"] == _approx(6)
    assert channels["review"]["count"] is None  # one claim
    # Member 6's claim (SLA day 10 March, paid 13 March) is the one breach: a group
    # of one, counted and aged but never named.
    late = figures["time_to_cash"]["sla_breaches"]
    assert (late["count"], late["not_paid"]) == (None, 0)
    by_channel = _by(late["channels"], "channel")
    assert by_channel["review"]["count"] is None
    assert by_channel["review"]["median_days_late"] is None  # 3 days, of one claim
    assert by_channel["online"]["count"] == 0
    assert "JHT-T0006" not in str(figures)


def test_a_policy_change_inside_the_period_splits_blocks_per_1000_sessions(figures):
    (change,) = figures["policy_changes"]
    before, after = change["before"], change["after"]
    assert change["changed_on"] == "2026-03-15"
    assert (before["from"], before["to"]) == ("2026-03-01", "2026-03-14")
    assert (after["from"], after["to"]) == ("2026-03-15", "2026-03-31")
    assert (before["max_attempts"], after["max_attempts"]) == (3, 5)
    # Sessions are member-days: six men on 5 March, the woman on 10 March.
    # Her block is a group of one: neither the count nor the rate (1000 / 7,
    # which gives it back) is shown.
    assert (before["sessions"], before["blocks"]) == (7, None)
    assert before["blocks_per_1000"] is None
    assert {"blocks", "blocks_per_1000"} <= set(before["suppressed"])
    assert (after["sessions"], after["blocks"], after["blocks_per_1000"]) == (5, 0, 0)
    # Calibration: one impostor pair in four under 0.47.
    assert before["impostor_accepted"] == pytest.approx(1 - 0.75**3)
    assert after["impostor_accepted"] == pytest.approx(1 - 0.75**5)


def test_block_rates_of_tutorial_watchers_and_the_others(figures):
    learning = _by(figures["learning"], "group")
    # 11 sessions of tutorial watchers, withheld with the woman's one: the policy
    # windows' 7 + 5 sessions less 11 would give hers back.
    assert learning["tutorial"]["sessions"] is None
    assert learning["tutorial"]["blocks"] == 0
    assert learning["tutorial"]["blocks_per_1000"] == 0
    assert learning["neither"]["sessions"] is None  # the woman alone
    assert learning["neither"]["blocks"] is None  # and her one block
    assert learning["neither"]["blocks_per_1000"] is None
    assert learning["quiz"]["sessions"] == 0
    assert learning["quiz"]["blocks_per_1000"] is None


def test_desk_visits_per_week_and_branch(figures, db):
    weeks = _by(figures["desk_visits"], "week")
    assert list(weeks) == [
        "2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23",
        "2026-03-30",
    ]  # fmt: skip
    visits = weeks["2026-03-09"]
    assert visits["total"] == 8
    # 2 KPJ visits hidden, and the 6 biometric ones with them (8 - 6 = 2).
    assert visits["reasons"]["biometric"] is None
    assert visits["reasons"]["kpj"] is None
    # Pusat's 6 are withheld too: the 8 of all branches less 6 would give back
    # Bekasi's 2.
    pusat = insights_get(Period(MARCH.start, MARCH.end, branch="pusat"))
    week = _by(pusat["desk_visits"], "week")["2026-03-09"]
    assert (week["total"], week["reasons"]["biometric"]) == (None, None)
    assert week["reasons"]["kpj"] == 0


def test_an_empty_period_has_zeros_and_no_medians(figures):
    empty = insights_get(JANUARY)
    assert [r["count"] for r in empty["funnel"]] == [0] * 7
    assert all(r["median_hours"] is None for r in empty["funnel"])
    assert all(r["count"] == 0 for r in empty["selfie_outcomes"])
    assert empty["policy_changes"] == []
    assert empty["time_to_cash"]["sla_breaches"]["count"] == 0
    assert {r["total"] for r in empty["desk_visits"]} == {0}
    assert all(not r["suppressed"] for r in empty["funnel"])


def test_the_claim_type_narrows_the_claim_steps_only(figures):
    other = insights_get(Period(MARCH.start, MARCH.end, claim_type="retirement"))
    counts = {r["step"]: r["count"] for r in other["funnel"]}
    assert counts["registered"] == 7
    assert counts["claim_started"] == counts["paid"] == 0
    assert other["time_to_cash"]["sla_breaches"]["count"] == 0


def test_a_rebuild_gives_the_same_rows_and_the_nightly_run_continues(figures):
    def rows():
        march = DailyFigure.objects.filter(day__lte=dt.date(2026, 3, 31))
        return sorted(
            march.values_list("day", "metric", "cause", "count")
        ), DailyDuration.objects.count()

    before = rows()
    insights_rollup(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert rows() == before
    built = insights_rollup_pending(today=dt.date(2026, 4, 3))
    assert built == [dt.date(2026, 4, 1), dt.date(2026, 4, 2)]
    assert insights_rollup_pending(today=dt.date(2026, 4, 3)) == []
    assert RollupDay.objects.filter(day__gte=dt.date(2026, 1, 1)).count() == 92
    assert rows() == before


def test_groups_for_members_without_a_birth_date_and_findings():
    assert age_group(None, dt.date(2026, 3, 1)) == "unknown"
    assert age_group(dt.date(1996, 3, 2), dt.date(2026, 3, 1)) == "<30"
    assert age_group(dt.date(1996, 3, 1), dt.date(2026, 3, 1)) == "30-44"
    assert age_group(dt.date(1970, 3, 1), dt.date(2026, 3, 1)) == ">55"
    assert age_group(dt.date(1970, 3, 2), dt.date(2026, 3, 1)) == "45-55"
    assert selfie_cause("rejected_quality", [{"code": "glasses_warning"}]) == "glasses"
    assert selfie_cause("rejected_quality", [{"code": "metrics"}]) == "other"
    assert selfie_cause("not_matched", []) == "not_matched"
    for hours in (0.1, 4, 190, 8000):
        assert bucket_seconds(bucket_of(hours * 3600)) / 3600 == _approx(hours)


def test_months_and_the_days_around_them_add_up_to_the_same_figures(figures):
    # February 20 – April 5: days, all of March from the monthly rows, days again.
    around = insights_get(Period(dt.date(2026, 2, 20), dt.date(2026, 4, 5)))
    for key in ("funnel", "selfie_outcomes", "locks", "time_to_cash", "learning"):
        assert around[key] == figures[key], key
    one_day = insights_get(Period(dt.date(2026, 3, 5), dt.date(2026, 3, 5)))
    assert [r["count"] for r in one_day["funnel"]][3:] == [6, 6, 6, 5]
    daily = DailyFigure.objects.filter(day__month=3).exclude(metric__in=SNAPSHOTS)
    daily = daily.aggregate(n=Sum("count"))["n"]
    monthly = MonthlyFigure.objects.filter(day=dt.date(2026, 3, 1))
    assert monthly.aggregate(n=Sum("count"))["n"] == daily


def test_the_share_ever_blocked_counts_members_from_before_the_built_days(figures):
    DailyFigure.objects.all().delete()
    insights_rollup(start=dt.date(2026, 3, 20), end=dt.date(2026, 3, 31))
    ever = insights_get(MARCH)["locks"]["ever_blocked"]
    assert (ever["members"], ever["ever_blocked"]) == (7, 6)
