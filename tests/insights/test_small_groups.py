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


def test_a_total_does_not_give_back_its_one_hidden_part(db):
    # 7 activated: 6 online, 1 at the desk. Showing 6 would give the 1 back.
    _figure("registered", 40, path="online")
    _figure("activated", 6, path="online")
    _figure("activated", 1, path="desk")
    activated = {row["step"]: row for row in funnel(PERIOD)}["activated"]
    assert (activated["count"], activated["online"], activated["desk"]) == (
        7,
        None,
        None,
    )
    # A week's desk visits: 9 in all, 2 for a KPJ unblock; 3 reasons shown would give
    # back the 2, so the smallest other (5 activation) is hidden too.
    for reason, n in (("biometric", 20), ("kpj", 2), ("activation", 5)):
        _figure("desk_visit", n, cause=reason, branch="pusat")
    week = insights_get(PERIOD)["desk_visits"][1]
    assert week["total"] == 27
    assert week["reasons"] == {
        "biometric": 20, "kpj": None, "activation": None, "other": 0
    }  # fmt: skip
    row = figure_build(insights_get(PERIOD), "visits").rows[1]
    assert row[1:] == [20, HIDDEN, HIDDEN, 0, 27]


def test_selfie_causes_and_their_groups_do_not_give_back_a_hidden_one(db):
    _figure("selfie", 30, cause="matched", age_group="30-44", gender="F")
    _figure("selfie", 8, cause="matched", age_group="<30", gender="M")
    _figure("selfie", 2, cause="matched", age_group=">55", gender="F")
    _figure("selfie", 3, cause="not_matched", age_group="30-44", gender="F")
    _figure("selfie", 6, cause="no_face", age_group="30-44", gender="M")
    rows = {r["cause"]: r for r in insights_get(PERIOD)["selfie_outcomes"]}
    # 40 matched: 32 women and 8 men, shown; 2 over 55 hidden, and the 8 under 30
    # with them (the 30 aged 30-44 and the total would give the 2 back).
    assert rows["matched"]["genders"] == {"M": 8, "F": 32}
    ages = rows["matched"]["age_groups"]
    assert (ages["30-44"], ages["<30"], ages[">55"]) == (30, None, None)
    # 3 not matched is hidden; with the shares, the 49 attempts in all would give
    # it back from the causes shown, so the smallest other cause (6 no face) goes.
    assert rows["not_matched"]["count"] is None
    assert (rows["no_face"]["count"], rows["no_face"]["share"]) == (None, None)
    assert rows["matched"]["count"] == 40
    # Nor through its 6 men aged 30-44, which would add up to it.
    assert rows["no_face"]["genders"] == {"M": None, "F": 0}
    assert rows["no_face"]["age_groups"]["30-44"] is None
