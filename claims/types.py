"""The claim types as one table of rules: everything else reads it.

Rule: the claim types (sebab klaim) of JHT_RULES.md, "Claim types": their amount,
when each is allowed, the proof that leaving Indonesia and permanent disability
need, and the death claim that only heirs make, at a branch office.

One `ClaimTypeRule` per type says: its code and label; the amount (the full
balance, or a percentage of it for the partial claims, which are once per
membership and need `partial_min_years` of membership); when it is allowed (a
waiting period after the last employment end, read from the policy field the
entry names, or the retirement age); the proof documents an officer must see
before approval (such a claim is always reviewed, whatever the online cap); and
whether it can be made online at all or only at a branch office (then the text
that says how).

No type has a tutorial of its own: the claim tutorial covers them all, and a
branch-only type links to the branch-office page.

The readers: `ClaimType` (the model choices, built from this table),
`claims.eligibility` (the ticks and the allowed date), `claims.proof` (the proof
documents), `claims.selectors.policy_rules` (waiting months from the policy),
the policy page's field list (`frontoffice.policy`, one field per waiting
period) and the claim pages (flags from the rule in the context, no codes in the
templates).

Adding a type is one entry here plus its translations, and `makemigrations`
for the new choice. The waiting periods stay the `waiting_months_<type>` fields
of the `ClaimPolicy` singleton rather than rows: that is the smaller change (no
data move, the policy history keeps working); a type with a waiting period
therefore also needs its field on `ClaimPolicy` with the same default, and
tests/claims/test_types.py fails, naming it, until it is there. The document
lists shown above the online cap are policy rows an admin edits
(`DocumentRequirement`, JHT_RULES.md "The online channel"), not rules.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ONLINE = "online"
BRANCH = "branch"


@dataclass(frozen=True)
class ClaimTypeRule:
    code: str
    label: Promise
    # Amount: the full balance (None) or this percentage of it (a partial claim:
    # once per membership, after `partial_min_years` of membership, and allowed
    # while still employed).
    percent: int | None = None
    # When a full claim is allowed: `waiting_policy_field` months after the last
    # employment end (ClaimPolicy field, default `waiting_default`), or from the
    # retirement age; neither: as soon as the membership is inactive.
    waiting_policy_field: str | None = None
    waiting_default: int = 1
    from_retirement_age: bool = False
    # Documents an officer must have seen before approval (kind, label).
    proof_documents: tuple[tuple[str, Promise], ...] = ()
    # ONLINE, or BRANCH: made at a branch office only; then `branch_reason` is
    # the refusal on the ticks page and `branch_how` says where and how.
    channel: str = ONLINE
    branch_reason: Promise | None = None
    branch_how: Promise | None = None

    @property
    def partial(self) -> bool:
        return self.percent is not None

    @property
    def online(self) -> bool:
        return self.channel == ONLINE

    @property
    def needs_proof(self) -> bool:
        return bool(self.proof_documents)

    def amount(self, balance: int) -> int:
        """Integer rupiah: the balance, or its percentage rounded down."""
        if self.percent is None:
            return balance
        return balance * self.percent // 100


TYPES: tuple[ClaimTypeRule, ...] = (
    ClaimTypeRule(
        "resign", _("Resignation"), waiting_policy_field="waiting_months_resign"
    ),
    ClaimTypeRule(
        "termination",
        _("Termination of employment (PHK)"),
        waiting_policy_field="waiting_months_termination",
    ),
    ClaimTypeRule(
        "contract_end",
        _("End of fixed-term contract"),
        waiting_policy_field="waiting_months_contract_end",
    ),
    ClaimTypeRule("retirement", _("Retirement age"), from_retirement_age=True),
    ClaimTypeRule(
        "disability",
        _("Permanent total disability"),
        proof_documents=(
            ("doctor_letter", _("Medical certificate (doctor's statement)")),
        ),
    ),
    ClaimTypeRule(
        "leave_country",
        _("Leaving Indonesia for good"),
        proof_documents=(
            ("passport", _("Passport")),
            (
                "exit_visa",
                _(
                    "Exit or visa evidence (visa or residence permit abroad, exit "
                    "stamp)"
                ),
            ),
        ),
    ),
    ClaimTypeRule("partial_10", _("10 percent for other needs"), percent=10),
    ClaimTypeRule("partial_30", _("30 percent for housing"), percent=30),
    ClaimTypeRule(
        "death",
        _("Death (heirs claim)"),
        channel=BRANCH,
        branch_reason=_(
            "A death claim is made by the heirs at a BPJS Ketenagakerjaan branch "
            "office, not online."
        ),
        branch_how=_(
            "Heirs claim at any BPJS Ketenagakerjaan branch office with the death "
            "certificate, the family card, the heirs' KTP and the KPJ card."
        ),
    ),
)
BY_CODE: dict[str, ClaimTypeRule] = {t.code: t for t in TYPES}


def rule_for(code: str) -> ClaimTypeRule:
    """The rule of a claim type; ValueError for a code not in the table."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown claim type {code!r}") from None


def partial_codes() -> tuple[str, ...]:
    return tuple(t.code for t in TYPES if t.partial)


def waiting_fields() -> dict[str, str]:
    """{claim type: ClaimPolicy field} for the types with a waiting period."""
    return {t.code: t.waiting_policy_field for t in TYPES if t.waiting_policy_field}


def waiting_defaults() -> dict[str, int]:
    return {t.code: t.waiting_default for t in TYPES if t.waiting_policy_field}
