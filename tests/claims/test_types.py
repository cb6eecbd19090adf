"""The claim types are one table (claims/types.py): every reader derives from it.

Adding a type is one entry (plus its translations): these tests fail, naming
what is missing, when a reader keeps its own list of types or a template names
a type's code.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from claims import eligibility, proof, types
from claims.models import PARTIAL_TYPES, ClaimPolicy, ClaimType
from claims.selectors import policy_rules
from frontoffice.policy import BY_NAME
from tests.claims.helpers import make_participant
from tests.claims.test_eligibility import facts
from tests.conftest import staff_api

ROOT = Path(__file__).resolve().parents[2]
CODES = [t.code for t in types.TYPES]


def test_every_claim_type_choice_is_a_table_entry_and_back():
    assert ClaimType.values == CODES
    for rule in types.TYPES:
        assert ClaimType(rule.code).label == rule.label
        assert getattr(ClaimType, rule.code.upper()) == rule.code
    assert set(PARTIAL_TYPES) == {t.code for t in types.TYPES if t.partial}
    assert set(proof.PROOF_DOCUMENTS) == {t.code for t in types.TYPES if t.needs_proof}


@pytest.mark.parametrize("rule", types.TYPES, ids=CODES)
def test_eligibility_follows_each_entry(rule):
    verdict = eligibility.evaluate(rule.code, facts(), eligibility.Rules())
    checks = {c.code for c in verdict.checks}
    if not rule.online:
        assert checks == {"not_online"} and not verdict.eligible
        assert verdict.failures[0].reason == str(rule.branch_reason)
        return
    assert verdict.amount == rule.amount(facts().balance)
    assert ("ten_years" in checks) == rule.partial
    assert ("once_only" in checks) == rule.partial
    assert ("membership_inactive" in checks) == (not rule.partial)
    assert ("waiting_period" in checks) == bool(rule.waiting_policy_field)
    assert ("retirement_age" in checks) == rule.from_retirement_age
    if rule.needs_proof:
        assert not verdict.online  # an officer sees the proof, whatever the cap


@pytest.mark.parametrize(
    "rule", [t for t in types.TYPES if t.waiting_policy_field], ids=lambda r: r.code
)
def test_each_waiting_period_is_a_policy_number_on_the_policy_page(rule, db):
    field = ClaimPolicy._meta.get_field(rule.waiting_policy_field)
    assert field.default == rule.waiting_default, (
        f"ClaimPolicy.{rule.waiting_policy_field} must default to the table's value"
    )
    assert BY_NAME[rule.waiting_policy_field].owner == "claims"
    policy = ClaimPolicy.current()
    setattr(policy, rule.waiting_policy_field, 7)
    assert policy_rules(policy).waiting_months[rule.code] == 7


def test_no_template_and_no_rule_module_names_a_claim_type():
    """Templates get flags from the table (`verdict.rule`, `claim_rule`);
    eligibility, proof and the claim views read the table, not codes."""
    alternatives = "|".join(map(re.escape, CODES))
    literal = re.compile(rf"""["']({alternatives})["']""")
    sources = [*(ROOT / "templates").rglob("*.html")] + [
        ROOT / "claims" / name
        for name in ("eligibility.py", "proof.py", "selectors.py", "views.py")
    ]
    named = {
        str(path.relative_to(ROOT)): literal.findall(path.read_text())
        for path in sources
    }
    assert {path: codes for path, codes in named.items() if codes} == {}


@pytest.mark.django_db
def test_an_admin_changes_a_waiting_period_and_the_next_claim_obeys_it(admin_user):
    """Through the doors: the policy API sets the months, the claims API refuses
    with the new date."""
    end = dt.date.today() - dt.timedelta(days=62)
    member = make_participant(end=end)
    admin = staff_api(admin_user)
    changed = admin.patch(
        "/api/v1/policy/",
        {"waiting_months_resign": 6, "reason": "Regulation change"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["waiting_months_resign"] == 6

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(member.user)
    refused = api.post("/api/v1/claims/", {"claim_type": "resign"})
    assert refused.status_code == 400, refused.json()
    assert refused.json()["code"] == "waiting_period"
    assert refused.json()["allowed_from"] == eligibility.add_months(end, 6).isoformat()
    # The other types keep their own policy number.
    started = api.post("/api/v1/claims/", {"claim_type": "termination"})
    assert started.status_code == 201, started.json()
