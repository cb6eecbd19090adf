import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from biometrics.models import CalibrationRun, FaceReference, LivenessRun
from claims import eligibility
from claims.selectors import eligibility_facts, policy_rules
from demo.world import DEMO_PASSWORD
from frontoffice.roles import has_role
from frontoffice.selectors import staff_post_branch
from participants.models import (
    Contribution,
    Employment,
    Participant,
    YearlyBalance,
    YieldPosting,
)
from participants.validators import validate_nik_matches
from tutorials.models import QuizSession

User = get_user_model()
AG_LOGINS = [f"{n}@demo.jmo" for n in ("obama", "biden", "kit", "rose", "alex")]
CAP = 15_000_000
MODELS = (
    Participant,
    Employment,
    Contribution,
    YieldPosting,
    YearlyBalance,
    FaceReference,
    User,
    CalibrationRun,
    QuizSession,
)


# Every test reads the one seeded world: all marked alike, so that pytest-django's
# ordering (database tests first) keeps them together and the world is seeded
# once (an unmarked test ran after the others and seeded it again: 40 s).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def _verdict(participant: Participant, claim_type: str) -> eligibility.Verdict:
    return eligibility.evaluate(
        claim_type, eligibility_facts(participant), policy_rules()
    )


def test_it_seeds_over_200_participants_with_valid_niks_and_unique_logins(demo_world):
    assert "participants" in demo_world
    members = list(Participant.objects.all())
    assert len(members) >= 200
    for member in members:
        validate_nik_matches(member.nik, member.birth_date, member.gender)
    assert len({m.email for m in members}) == len(members)
    assert {m.gender for m in members} == {"M", "F"}
    assert len({m.full_name.split()[0] for m in members}) > 30
    assert len({m.full_name.split()[-1] for m in members}) > 30


def test_balances_come_from_the_ledger_with_yearly_yield(demo_world):
    today = dt.date.today()
    sample = Participant.objects.order_by("pk")[10:40]
    for member in sample:
        assert member.balance == member.contributions_total + member.yield_total
        assert member.balance > 0
        start = member.membership_start
        assert start >= today.replace(year=today.year - 31)
        wages = member.contributions.values_list("wage", flat=True)
        assert all(2_500_000 <= wage <= 15_000_000 for wage in wages)
        years = set(member.yield_postings.values_list("year", flat=True))
        assert years == set(range(start.year, today.year))


def test_the_mix_has_active_claimable_waiting_and_both_sides_of_the_cap(demo_world):
    rules = policy_rules()
    kinds = {"active": 0, "claimable": 0, "waiting": 0}
    # The members with an employment record (the insights history adds registry
    # rows without one; their eligibility is not what this checks).
    members = Participant.objects.filter(employments__isnull=False).distinct()
    for member in members.prefetch_related("employments"):
        facts = eligibility_facts(member)
        checks = {
            c.code: c.ok for c in eligibility.evaluate("resign", facts, rules).checks
        }
        if not checks["membership_inactive"]:
            kinds["active"] += 1
        elif checks["waiting_period"]:
            kinds["claimable"] += 1
        else:
            kinds["waiting"] += 1
    assert min(kinds.values()) >= 10, kinds
    assert Participant.objects.filter(balance__gt=CAP).count() >= 20
    assert Participant.objects.filter(balance__lte=CAP).count() >= 20


def test_the_five_demo_people_log_in_and_have_a_demo_face_reference(demo_world):
    for email in AG_LOGINS:
        assert Client().login(username=email, password=DEMO_PASSWORD), email
        member = Participant.objects.get(user__username=email)
        assert member.face_references.get().source == "demo"
        assert member.profile_confirmed_at is not None
    above = Participant.objects.filter(user__username__in=AG_LOGINS, balance__gt=CAP)
    assert above.exists()


def test_obama_can_make_a_full_online_claim_today(demo_world):
    obama = Participant.objects.get(user__username="obama@demo.jmo")
    verdict = _verdict(obama, "resign")
    assert verdict.eligible, verdict.failures
    assert verdict.online
    assert 0 < obama.balance <= CAP


def test_staff_logins_have_their_roles(demo_world):
    for username, role in [
        ("desk", "front_office"),
        ("officer", "claims_officer"),
        ("manager", "management"),
        ("admin", "admin"),
    ]:
        user = User.objects.get(username=username)
        assert user.is_staff and user.check_password(DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert has_role(user, role)
    assert User.objects.get(username="admin").is_superuser
    assert not has_role(User.objects.get(username="desk"), "claims_officer")
    # The desk officer works at a demo branch: the menu's queue opens there.
    assert staff_post_branch(user=User.objects.get(username="desk")) == "bekasi"


def test_it_loads_the_quiz_and_the_dev_set_calibration(demo_world):
    assert QuizSession.objects.filter(title_id__startswith="Kuis JMO").count() == 1
    assert CalibrationRun.objects.filter(dataset__endswith="faces/dev").count() == 1
    # The liveness counts of the same set: the policy preview's liveness lines.
    assert LivenessRun.objects.filter(dataset__endswith="faces/dev").count() == 1


def test_a_second_run_changes_no_counts(demo_world):
    before = _counts()
    balances = dict(Participant.objects.values_list("kpj", "balance"))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (
        "added 0 participants, 0 logins, 0 staff, 0 calibration runs" in out.getvalue()
    )
    assert _counts() == before
    assert dict(Participant.objects.values_list("kpj", "balance")) == balances


def test_demo_logins_prints_the_urls_and_every_login(demo_world):
    out = StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert "http://127.0.0.1:8000/desk/login/" in text
    assert DEMO_PASSWORD in text
    for login in [*AG_LOGINS, "desk", "officer", "admin"]:
        assert f"  {login} " in text
    assert "missing" not in text
    assert "claims online" in text
    assert not any(m.nik in text for m in Participant.objects.all())


def test_the_demo_claims_waiting_for_an_officer_can_be_paid(demo_world):
    """Every submitted history claim went through the bank step: an officer who
    approves one from the demo queue pays into that account (they had none, so
    every payout failed)."""
    from claims.models import Claim

    waiting = Claim.objects.filter(status="under_review")
    assert waiting.exists()
    assert not waiting.filter(account_number="").exists()
    assert not waiting.filter(bank_verified_at=None).exists()
