"""No hidden value comes back from another figure, or from the same figure under
another filter, for the same period.

The totals the figures share, and what each could be subtracted from:
- locks: biometric blocks in the period = the policy windows' blocks added up =
  the learning groups' blocks (tutorial + quiz + neither, less those who did both);
- policy windows' sessions added up = the learning groups' sessions (same proviso);
- a branch's desk visits per week and reason, added over the branches = the
  all-branches week; a claim type's claim steps, time to cash and SLA breaches,
  added over the types = the all-types figures;
- the funnel's paid members = the time to cash's claims paid per channel added up,
  whenever nobody was paid twice in the period.
Each test loads members, blocks, claims and tickets, rolls the days up and does
the subtraction a reader could do with the figures shown.
"""

import datetime as dt

import pytest

from biometrics.models import CalibrationRun
from claims.models import Claim
from frontoffice.models import WalkInTicket
from insights.rollup import insights_rollup
from insights.selectors import Period, insights_get
from participants.models import Block
from tests.factories import ParticipantFactory
from tutorials.models import Tutorial, TutorialView

from .history import at, history_build, limit_changed_on_15_march

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _roll_up() -> None:
    insights_rollup(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def _blocked(*, day: int, tutorial: bool) -> None:
    member = ParticipantFactory()
    if tutorial:
        selfie, _new = Tutorial.objects.get_or_create(
            slug="good-selfie", defaults={"title_id": "Swafoto", "title_en": "Selfie"}
        )
        TutorialView.objects.create(
            tutorial=selfie, participant=member, first_viewed_at=at(1, 9)
        )
    block = Block.objects.create(participant=member, kind="biometric", reason="test")
    Block.objects.filter(pk=block.pk).update(created_at=at(day, 10))


def _limit_changed_on_15_march() -> None:
    limit_changed_on_15_march()
    CalibrationRun.objects.create(
        dataset="test", genuine_distances=[0.3], impostor_distances=[0.6],
        lookalike_distances=[0.6],
    )  # fmt: skip


def _claim(n: int, claim_type: str, *, paid_day: int, sla_day: int) -> None:
    member = ParticipantFactory()
    claim = Claim.objects.create(
        reference=f"JHT-X{n:04d}", participant=member, claim_type=claim_type,
        status="paid", channel="online", balance_at_start=10_000_000,
        gross=10_000_000, tax=0, net=10_000_000, submitted_at=at(2, 12),
        sla_due=dt.date(2026, 3, sla_day), paid_at=at(paid_day, 10),
        decided_at=at(paid_day, 10),
    )  # fmt: skip
    Claim.objects.filter(pk=claim.pk).update(created_at=at(2, 10))


@pytest.fixture
def blocks(db):
    """Eight biometric blocks: six tutorial watchers on 5 March, two others on 20
    March (after the attempt limit changed on the 15th)."""
    _limit_changed_on_15_march()
    for _ in range(6):
        _blocked(day=5, tutorial=True)
    for _ in range(2):
        _blocked(day=20, tutorial=False)
    _roll_up()
    return insights_get(MARCH)


def _shown(*values) -> bool:
    return all(v is not None for v in values)


def test_the_policy_windows_do_not_give_back_a_window_from_the_locks(blocks):
    biometric = next(k for k in blocks["locks"]["kinds"] if k["kind"] == "biometric")
    assert biometric["blocks"] == 8
    (change,) = blocks["policy_changes"]
    before, after = change["before"]["blocks"], change["after"]["blocks"]
    assert after is None  # the two blocks after the change
    # 8 - 6 would give them back: the 6 before are withheld too.
    assert not _shown(before)
    assert change["before"]["blocks_per_1000"] is None
    assert "blocks" in change["before"]["suppressed"]


def test_the_learning_groups_do_not_give_back_a_group_from_the_locks(blocks):
    groups = {r["group"]: r for r in blocks["learning"]}
    assert groups["neither"]["blocks"] is None  # the two others
    assert groups["quiz"]["blocks"] == 0  # nobody took a quiz: nobody did both
    # 8 blocks - 6 tutorial watchers - 0 quiz takers would give the 2 back.
    assert not _shown(groups["tutorial"]["blocks"])


def test_the_learning_groups_do_not_give_back_a_group_from_the_policy_sessions(db):
    history_build()
    insights_rollup(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    figures = insights_get(MARCH)
    (change,) = figures["policy_changes"]
    windows = [change["before"]["sessions"], change["after"]["sessions"]]
    groups = {r["group"]: r["sessions"] for r in figures["learning"]}
    assert groups["neither"] is None  # the woman's one session
    assert groups["quiz"] == 0
    # 7 + 5 sessions in the windows - 11 of tutorial watchers would give it back.
    assert not _shown(*windows, groups["tutorial"])


def _tickets(branch: str, reason: str, count: int) -> None:
    for i in range(count):
        WalkInTicket.objects.create(
            branch=branch, day=dt.date(2026, 3, 10), prefix=branch[0].upper(),
            number=i + 1, reason=reason, status="served",
        )  # fmt: skip


def _week(branch: str = "") -> dict:
    period = Period(MARCH.start, MARCH.end, branch=branch)
    return {r["week"]: r for r in insights_get(period)["desk_visits"]}["2026-03-09"]


def test_a_branch_is_not_given_back_by_all_branches_less_the_others(db):
    _tickets("pusat", "biometric", 9)
    _tickets("bekasi", "biometric", 7)
    _tickets("bogor", "kpj", 3)
    _roll_up()
    everyone, pusat, bekasi, bogor = map(_week, ("", "pusat", "bekasi", "bogor"))
    assert everyone["total"] == 19
    assert bogor["total"] is None and bogor["reasons"]["kpj"] is None
    # 19 - 9 - 7 would give Bogor's 3 back: one of the others is withheld.
    assert not _shown(pusat["total"], bekasi["total"])
    # So is a reason: all branches' biometric visits less the branches' ones.
    assert not _shown(
        everyone["reasons"]["biometric"],
        pusat["reasons"]["biometric"],
        bekasi["reasons"]["biometric"],
    )
    # Nor does the all-branches week give it back from its own reasons.
    assert everyone["reasons"]["kpj"] is None
    assert not _shown(everyone["reasons"]["biometric"])


def test_a_claim_type_is_not_given_back_by_all_types_less_the_others(db):
    for n in range(6):
        _claim(n, "resign", paid_day=3, sla_day=2)
    for n in range(6, 8):
        _claim(n, "termination", paid_day=3, sla_day=2)
    _roll_up()

    def figures(claim_type: str = "") -> dict:
        return insights_get(Period(MARCH.start, MARCH.end, claim_type=claim_type))

    every, resign, termination = map(figures, ("", "resign", "termination"))
    for step in (3, 5, 6):  # claim started, submitted, paid
        assert every["funnel"][step]["count"] == 8
        assert termination["funnel"][step]["count"] is None
        # 8 - 6 would give the 2 back.
        assert resign["funnel"][step]["count"] is None, step
        assert resign["funnel"][step]["drop"] is None
    online = [f["time_to_cash"]["channels"][0] for f in (every, resign, termination)]
    # 8 paid online in all; neither type's count, as 8 - 6 would give the 2 back.
    assert [c["count"] for c in online] == [8, None, None]
    # The 8 breaches (paid the day after their SLA day) are split the same way.
    late = [f["time_to_cash"]["sla_breaches"] for f in (every, resign, termination)]
    assert late[0]["count"] == 8 and late[2]["count"] is None
    assert late[1]["count"] is None


@pytest.mark.parametrize("ones", [2, 3])
def test_hidden_parts_that_can_only_be_ones_take_another_along(db, ones):
    """Two visits of one each, hidden, with 20 shown and 22 in all: 22 - 20 = 2 can
    only be 1 + 1."""
    _tickets("pusat", "biometric", 20)
    for reason in ("kpj", "activation", "other")[:ones]:
        _tickets(f"p{reason}", reason, 1)  # another branch, so the ticket is new
    _roll_up()
    week = _week()
    assert week["total"] == 20 + ones
    assert week["reasons"]["biometric"] is None


def test_the_time_to_cash_does_not_give_back_a_channel_from_the_funnels_paid(db):
    for n in range(6):
        _claim(n, "resign", paid_day=3, sla_day=20)
    Claim.objects.filter(reference="JHT-X0005").update(channel="review")
    _roll_up()
    figures = insights_get(MARCH)
    paid = next(r for r in figures["funnel"] if r["step"] == "paid")
    channels = {c["channel"]: c for c in figures["time_to_cash"]["channels"]}
    assert paid["count"] == 6 and channels["review"]["count"] is None
    # 6 paid members - 5 paid online would give the reviewed one back.
    assert channels["online"]["count"] is None
