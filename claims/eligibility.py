"""Who may claim what, and from which date: pure functions over plain facts.

Rules: claim types, waiting periods, the partial-claim rules and the "three
green ticks" (JHT_RULES.md, "Claim types" and "The online channel"). What each
type needs comes from its entry in the table of claim types (claims/types.py);
no claim type code is named here.

The caller (claims.selectors.eligibility_facts) loads the facts and the policy
numbers; nothing here touches the database, so every rule is tested directly.
"""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from claims.types import rule_for, waiting_defaults


@dataclass(frozen=True)
class Job:
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Rules:
    online_cap: int = 15_000_000
    # {claim type: months after the employment end}, for the types with a
    # waiting period (policy; the table's defaults).
    waiting_months: dict = field(default_factory=waiting_defaults)
    retirement_age: int = 56
    partial_min_years: int = 10


@dataclass(frozen=True)
class Facts:
    today: dt.date
    birth_date: dt.date
    jobs: tuple[Job, ...]
    balance: int
    profile_confirmed: bool
    has_face_reference: bool
    has_active_claim: bool
    partial_claimed: bool
    membership_start: dt.date | None = None


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    reason: str


@dataclass(frozen=True)
class Verdict:
    claim_type: str
    checks: tuple[Check, ...]
    allowed_from: dt.date | None
    amount: int
    online: bool

    @property
    def eligible(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the last day of the month when it has fewer days."""
    return day + relativedelta(months=months)


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def _fmt(day: dt.date) -> str:
    return date_format(day, "j M Y")


def membership_active(jobs: tuple[Job, ...]) -> bool:
    """Active while an employer still reports the participant (no end date)."""
    return any(job.end is None for job in jobs)


def last_end(jobs: tuple[Job, ...]) -> dt.date | None:
    ends = [job.end for job in jobs if job.end is not None]
    return max(ends) if ends else None


def claim_amount(claim_type: str, balance: int) -> int:
    return rule_for(claim_type).amount(balance)


def _inactive_check(facts: Facts) -> Check:
    if membership_active(facts.jobs):
        return Check(
            "membership_inactive",
            False,
            _(
                "You are still reported by an employer, so you cannot claim the "
                "full balance while you work there."
            ),
        )
    return Check("membership_inactive", True, _("Your membership is inactive."))


def _waiting_check(
    claim_type: str, facts: Facts, rules: Rules
) -> tuple[Check, dt.date | None]:
    end = last_end(facts.jobs)
    if end is None:
        return (
            Check(
                "waiting_period", False, _("There is no employment end date on file.")
            ),
            None,
        )
    months = rules.waiting_months.get(claim_type, rule_for(claim_type).waiting_default)
    allowed = add_months(end, months)
    if facts.today < allowed:
        return (
            Check(
                "waiting_period",
                False,
                _("The waiting period ends on %(date)s: you can claim from that day.")
                % {"date": _fmt(allowed)},
            ),
            allowed,
        )
    return Check("waiting_period", True, _("The waiting period has passed.")), allowed


def _age_check(facts: Facts, rules: Rules) -> tuple[Check, dt.date]:
    allowed = add_years(facts.birth_date, rules.retirement_age)
    if facts.today < allowed:
        return (
            Check(
                "retirement_age",
                False,
                _("You reach age %(age)s on %(date)s: you can claim from that day.")
                % {"age": rules.retirement_age, "date": _fmt(allowed)},
            ),
            allowed,
        )
    return Check(
        "retirement_age",
        True,
        _("You have reached age %(age)s.") % {"age": rules.retirement_age},
    ), allowed


def _partial_checks(facts: Facts, rules: Rules) -> tuple[list[Check], dt.date | None]:
    starts = [job.start for job in facts.jobs]
    if facts.membership_start:
        starts.append(facts.membership_start)
    checks = []
    allowed = None
    if not starts:
        checks.append(
            Check("ten_years", False, _("There is no membership start date on file."))
        )
    else:
        allowed = add_years(min(starts), rules.partial_min_years)
        if facts.today < allowed:
            checks.append(
                Check(
                    "ten_years",
                    False,
                    _(
                        "You need %(years)s years of membership; you reach them on "
                        "%(date)s."
                    )
                    % {"years": rules.partial_min_years, "date": _fmt(allowed)},
                )
            )
        else:
            checks.append(
                Check(
                    "ten_years",
                    True,
                    _("You have at least %(years)s years of membership.")
                    % {"years": rules.partial_min_years},
                )
            )
    if facts.partial_claimed:
        checks.append(
            Check(
                "once_only",
                False,
                _(
                    "A partial claim (10 or 30 percent) can be made only once per membership."
                ),
            )
        )
    else:
        checks.append(
            Check("once_only", True, _("You have not made a partial claim before."))
        )
    return checks, allowed


def _common_checks(facts: Facts, rules: Rules, amount: int) -> list[Check]:
    checks = []
    if facts.has_active_claim:
        checks.append(
            Check(
                "one_active_claim",
                False,
                _("You already have a claim in progress; finish or cancel it first."),
            )
        )
    if facts.profile_confirmed and facts.has_face_reference:
        checks.append(Check("data_updated", True, _("Your data is up to date.")))
    else:
        checks.append(
            Check(
                "data_updated",
                False,
                _(
                    "Your data is not up to date: complete the data update "
                    "(Pengkinian Data) from your dashboard first. If we have no "
                    "face photo of you, a front-office desk takes one."
                ),
            )
        )
    if amount <= 0:
        checks.append(Check("balance", False, _("There is no balance to claim.")))
    return checks


def cap_check(claim_type: str, facts: Facts, rules: Rules) -> Check:
    """Informational tick: above the cap the claim needs documents and a review."""
    if rule_for(claim_type).needs_proof:
        return Check(
            "online_cap",
            True,
            _(
                "This claim needs proof: you will upload documents and an officer "
                "reviews the claim, whatever your balance."
            ),
        )
    if facts.balance <= rules.online_cap:
        return Check("online_cap", True, _("Your balance is within the online limit."))
    return Check(
        "online_cap",
        True,
        _(
            "Your balance is above the online limit: you will upload documents and "
            "an officer reviews the claim."
        ),
    )


def evaluate(claim_type: str, facts: Facts, rules: Rules) -> Verdict:
    """Every condition of `claim_type` with a plain reason, and the allowed date."""
    rule = rule_for(claim_type)
    if not rule.online:
        return Verdict(
            claim_type,
            (Check("not_online", False, str(rule.branch_reason)),),
            None,
            0,
            False,
        )
    amount = rule.amount(facts.balance)
    checks: list[Check] = []
    allowed = None
    if rule.partial:
        partial, allowed = _partial_checks(facts, rules)
        checks.extend(partial)
    else:
        checks.append(_inactive_check(facts))
        if rule.waiting_policy_field:
            check, allowed = _waiting_check(claim_type, facts, rules)
            checks.append(check)
        elif rule.from_retirement_age:
            check, allowed = _age_check(facts, rules)
            checks.append(check)
    checks.extend(_common_checks(facts, rules, amount))
    checks.append(cap_check(claim_type, facts, rules))
    return Verdict(
        claim_type,
        tuple(checks),
        allowed,
        amount,
        online=facts.balance <= rules.online_cap and not rule.needs_proof,
    )
