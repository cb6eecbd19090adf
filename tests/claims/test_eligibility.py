import datetime as dt

import pytest

from claims.eligibility import Facts, Job, Rules, add_months, evaluate

TODAY = dt.date(2026, 11, 28)
RULES = Rules()


def facts(**overrides) -> Facts:
    values = dict(
        today=TODAY,
        birth_date=dt.date(1985, 5, 17),
        jobs=(Job(dt.date(2012, 1, 1), dt.date(2026, 9, 30)),),
        balance=12_000_000,
        profile_confirmed=True,
        has_face_reference=True,
        has_active_claim=False,
        partial_claimed=False,
    )
    values.update(overrides)
    return Facts(**values)


def codes(verdict):
    return {c.code for c in verdict.failures}


@pytest.mark.parametrize("claim_type", ["resign", "termination", "contract_end"])
def test_a_full_claim_after_the_waiting_period_is_allowed(claim_type):
    verdict = evaluate(claim_type, facts(), RULES)
    assert verdict.eligible
    assert verdict.amount == 12_000_000
    assert verdict.online
    assert verdict.allowed_from == dt.date(2026, 10, 30)


def test_it_rejects_a_claim_before_the_waiting_period_ends_and_says_the_date():
    jobs = (Job(dt.date(2012, 1, 1), dt.date(2026, 11, 1)),)
    verdict = evaluate("resign", facts(jobs=jobs), RULES)
    assert codes(verdict) == {"waiting_period"}
    assert verdict.allowed_from == dt.date(2026, 12, 1)
    assert "1 Dec 2026" in verdict.failures[0].reason or "1 Des 2026" in (
        verdict.failures[0].reason
    )


def test_the_waiting_period_ends_exactly_one_month_after_the_end_date():
    jobs = (Job(dt.date(2012, 1, 1), dt.date(2026, 10, 28)),)
    assert evaluate("resign", facts(jobs=jobs), RULES).eligible
    jobs = (Job(dt.date(2012, 1, 1), dt.date(2026, 10, 29)),)
    assert not evaluate("resign", facts(jobs=jobs), RULES).eligible


def test_the_waiting_period_is_policy():
    rules = Rules(waiting_months={"resign": 3, "termination": 1, "contract_end": 1})
    verdict = evaluate("resign", facts(), rules)
    assert verdict.allowed_from == dt.date(2026, 12, 30)
    assert not verdict.eligible


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_an_active_member_cannot_claim_the_full_balance():
    jobs = (
        Job(dt.date(2012, 1, 1), dt.date(2025, 1, 31)),
        Job(dt.date(2025, 3, 1), None),
    )
    for claim_type in ("resign", "retirement", "disability", "leave_country"):
        assert "membership_inactive" in codes(
            evaluate(claim_type, facts(jobs=jobs), RULES)
        )


def test_retirement_from_the_56th_birthday():
    born = dt.date(1970, 11, 28)
    assert evaluate("retirement", facts(birth_date=born), RULES).eligible
    born = dt.date(1970, 11, 29)
    verdict = evaluate("retirement", facts(birth_date=born), RULES)
    assert codes(verdict) == {"retirement_age"}
    assert verdict.allowed_from == dt.date(2026, 11, 29)


def test_partial_claims_need_ten_years_and_may_be_active():
    jobs = (Job(dt.date(2016, 11, 28), None),)
    verdict = evaluate("partial_10", facts(jobs=jobs), RULES)
    assert verdict.eligible
    assert verdict.amount == 1_200_000
    assert evaluate("partial_30", facts(jobs=jobs), RULES).amount == 3_600_000
    jobs = (Job(dt.date(2016, 11, 29), None),)
    verdict = evaluate("partial_30", facts(jobs=jobs), RULES)
    assert codes(verdict) == {"ten_years"}
    assert verdict.allowed_from == dt.date(2026, 11, 29)


def test_ten_years_count_from_the_first_employer():
    jobs = (
        Job(dt.date(2014, 1, 1), dt.date(2020, 1, 1)),
        Job(dt.date(2021, 1, 1), None),
    )
    assert evaluate("partial_10", facts(jobs=jobs), RULES).eligible


def test_only_one_partial_claim_ever():
    verdict = evaluate("partial_30", facts(partial_claimed=True), RULES)
    assert codes(verdict) == {"once_only"}


def test_one_active_claim_at_a_time():
    verdict = evaluate("resign", facts(has_active_claim=True), RULES)
    assert codes(verdict) == {"one_active_claim"}


def test_data_must_be_updated():
    assert "data_updated" in codes(
        evaluate("resign", facts(has_face_reference=False), RULES)
    )
    assert "data_updated" in codes(
        evaluate("resign", facts(profile_confirmed=False), RULES)
    )


def test_above_the_cap_the_claim_goes_to_review_but_is_allowed():
    verdict = evaluate("resign", facts(balance=15_000_001), RULES)
    assert verdict.eligible and not verdict.online
    assert evaluate("resign", facts(balance=15_000_000), RULES).online


def test_death_is_not_online():
    verdict = evaluate("death", facts(), RULES)
    assert not verdict.eligible
    assert codes(verdict) == {"not_online"}
    assert "branch" in verdict.failures[0].reason or "kantor" in (
        verdict.failures[0].reason
    )


def test_an_unknown_type_is_refused():
    with pytest.raises(ValueError):
        evaluate("lottery", facts(), RULES)
