"""The admin policy page and `/api/v1/policy/`: one flat list of editable numbers.

Each number lives in its owner's singleton (BiometricPolicy, AccountPolicy,
ClaimPolicy, DeskPolicy) with django-simple-history; `policy_update` validates
every value first, saves each row with the acting user as the history user and
writes one `policy_change` audit record; each row is written by its own app's
service (UPDATERS). Nothing is cached: every request
reads the rows again, so a change applies to the very next attempt.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biometrics.models import BiometricPolicy
from biometrics.services import biometric_policy_update
from claims.models import ClaimPolicy
from claims.services.policy import claim_policy_update
from claims.types import TYPES as CLAIM_TYPES
from jmo_portal.exceptions import ApplicationError
from participants.models import AccountPolicy
from participants.services.audit import audit_record
from participants.services.policy import (
    account_policy_update,
)

# Each owner's policy row, and the owning app's service that changes it.
MODELS: dict[str, type[models.Model]] = {
    "biometric": BiometricPolicy,
    "account": AccountPolicy,
    "claims": ClaimPolicy,
}

# A whole number written with Indonesian thousands dots: "15.000.000".
THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


UPDATERS: dict[str, Callable[..., dict]] = {
    "biometric": biometric_policy_update,
    "account": account_policy_update,
    "claims": claim_policy_update,
}


@dataclass(frozen=True)
class PolicyField:
    name: str
    owner: str
    label: Any
    minimum: Decimal
    maximum: Decimal
    help: Any = ""
    decimals: int = 0

    @property
    def model(self) -> type[models.Model]:
        return MODELS[self.owner]

    def parse(self, raw: Any) -> int | Decimal:
        """The value as int/Decimal within bounds; ApplicationError says why not."""
        try:
            if isinstance(raw, bool) or raw is None or str(raw).strip() == "":
                raise InvalidOperation
            text = str(raw).strip()
            if self.decimals == 0 and THOUSANDS.fullmatch(text):
                # "50.000" is fifty thousand, as the page writes rupiah; it was
                # read as 50 (and "1.000.000" refused).
                text = text.replace(".", "")
            value = Decimal(text.replace(",", "."))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise ApplicationError(_("Enter a number."), code="not_a_number") from None
        if self.decimals == 0 and value != value.to_integral_value():
            raise ApplicationError(_("Enter a whole number."), code="not_whole")
        if not self.minimum <= value <= self.maximum:
            raise ApplicationError(
                _("Must be between %(min)s and %(max)s: %(why)s")
                % {"min": self.minimum, "max": self.maximum, "why": self.help},
                code="out_of_range",
            )
        if self.decimals:
            return value.quantize(Decimal(1).scaleb(-self.decimals), ROUND_HALF_UP)
        return int(value)


FIELDS: list[PolicyField] = [
    PolicyField(
        "max_attempts", "biometric", gettext_lazy("Selfie attempts before a block"),
        Decimal(1), Decimal(10),
        gettext_lazy("one try is too harsh on genuine people, more than 10 lets impostors "
          "keep guessing"),
    ),
    PolicyField(
        "match_threshold", "biometric", gettext_lazy("Face match threshold (distance)"),
        Decimal("0.30"), Decimal("0.60"),
        gettext_lazy("below 0.30 rejects most genuine selfies, above 0.60 accepts look-alikes"),
        decimals=3,
    ),
    PolicyField(
        "liveness_required", "biometric",
        gettext_lazy("Liveness check on selfies (1 = on, 0 = off)"),
        Decimal(0), Decimal(1),
        gettext_lazy("1: a camera burst answering a head-turn challenge, photo files "
          "refused; 0: one photo"),
    ),
    PolicyField(
        "not_live_counts", "biometric",
        gettext_lazy("A 'not live' result uses a selfie attempt (1 = yes, 0 = no)"),
        Decimal(0), Decimal(1),
        gettext_lazy("1 stops endless replays of a photo; 0 never blocks for it"),
    ),
    PolicyField(
        "liveness_blink", "biometric",
        gettext_lazy("The liveness challenge also asks for a blink (1 = yes, 0 = no)"),
        Decimal(0), Decimal(1), gettext_lazy("0 or 1"),
    ),
    PolicyField(
        "retention_days", "biometric", gettext_lazy("Days a selfie image is kept"),
        Decimal(1), Decimal(365),
        gettext_lazy("selfies are personal data: keep them at most a year"),
    ),
    PolicyField(
        "kpj_max_attempts", "account", gettext_lazy("KPJ number entries before a lock"),
        Decimal(1), Decimal(10), gettext_lazy("same reasoning as the selfie attempts"),
    ),
    PolicyField(
        "activation_max_attempts", "account",
        gettext_lazy("Activation attempts before a lock"),
        Decimal(1), Decimal(10), gettext_lazy("same reasoning as the selfie attempts"),
    ),
    PolicyField(
        "data_revalidation_months", "account",
        gettext_lazy("Months a data update stays valid for claims"),
        Decimal(1), Decimal(60),
        gettext_lazy("members re-check their data at least every five years"),
    ),
    PolicyField(
        "default_yield_rate_bp", "account",
        gettext_lazy("Default yearly yield (basis points: 600 is 6 percent)"),
        Decimal(0), Decimal(2000), gettext_lazy("a yield above 20 percent a year is not realistic"),
    ),
    PolicyField(
        "online_cap", "claims", gettext_lazy("Online claim cap (rupiah)"),
        Decimal(1), Decimal(10**12), gettext_lazy("the cap must be a positive amount"),
    ),
    PolicyField(
        "sla_days_online", "claims", gettext_lazy("Service days for online claims"),
        Decimal(1), Decimal(30), gettext_lazy("a promise of at least one working day"),
    ),
    PolicyField(
        "sla_days_review", "claims", gettext_lazy("Service days for reviewed claims"),
        Decimal(1), Decimal(60), gettext_lazy("a promise of at least one working day"),
    ),
    PolicyField(
        "bank_cooling_hours", "claims",
        gettext_lazy("Hours a payout waits after the bank account was changed"),
        Decimal(0), Decimal(720), gettext_lazy("at most 30 days (720 hours)"),
    ),
    PolicyField(
        "four_eyes_above", "claims",
        gettext_lazy("Second officer needed above (rupiah, 0 = never)"),
        Decimal(0), Decimal(10**12), gettext_lazy("the amount cannot be negative"),
    ),
]  # fmt: skip
# One waiting period per claim type that has one, from the table of claim types.
FIELDS += [
    PolicyField(
        rule.waiting_policy_field, "claims",
        format_lazy("{}: {}", gettext_lazy("Waiting months after the job ends"),
                    rule.label),
        Decimal(0), Decimal(12),
        gettext_lazy("one month by law; more than a year keeps members from their "
                     "savings"),
    )
    for rule in CLAIM_TYPES
    if rule.waiting_policy_field
]  # fmt: skip
BY_NAME = {f.name: f for f in FIELDS}


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def policy_values() -> dict[str, Any]:
    """The current value of every editable number, read fresh from the database."""
    rows = {owner: model.current() for owner, model in MODELS.items()}
    values = {f.name: getattr(rows[f.owner], f.name) for f in FIELDS}
    # On/off settings are edited as 0/1 like every other number.
    return {k: int(v) if isinstance(v, bool) else v for k, v in values.items()}


def policy_validate(changes: dict[str, Any]) -> dict[str, int | Decimal]:
    """Parse every submitted value; all errors at once, keyed by field."""
    errors: dict[str, str] = {}
    parsed: dict[str, int | Decimal] = {}
    for name, raw in changes.items():
        field = BY_NAME.get(name)
        if field is None:
            errors[name] = _("Unknown policy setting.")
            continue
        try:
            parsed[name] = field.parse(raw)
        except ApplicationError as exc:
            errors[name] = exc.message
    if errors:
        raise ApplicationError(
            _("Some policy values are not valid."),
            code="invalid_policy",
            extra={"errors": errors},
        )
    return parsed


@transaction.atomic
def policy_update(
    *, actor: AbstractBaseUser, changes: dict[str, Any], reason: str = ""
) -> dict[str, Any]:
    """Validate and apply policy values; history rows name `actor`; one audit."""
    parsed = policy_validate(changes)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for owner, update in UPDATERS.items():
        mine = {n: v for n, v in parsed.items() if BY_NAME[n].owner == owner}
        if not mine:
            continue
        for name, (before, after) in update(
            values=mine, actor=actor, reason=reason
        ).items():
            old[name], new[name] = _json(before), _json(after)
    policy_change_audit(actor=actor, reason=reason, old=old, new=new)
    return policy_values()


def policy_change_audit(
    *, actor: AbstractBaseUser, reason: str, old: dict, new: dict
) -> None:
    """One `policy_change` audit record for a save that changed anything."""
    if new:
        audit_record(
            actor=actor,
            action="policy_change",
            reason=reason,
            old_value=old,
            new_value=new,
        )


@dataclass(frozen=True)
class PolicyChange:
    when: Any
    who: Any
    owner: str
    field: str
    old: Any
    new: Any
    reason: str
    label: str = ""  # `field` for the reader (the API keeps the code)


def policy_history(*, limit: int = 50) -> list[PolicyChange]:
    """Who changed which policy number when, old → new, newest first."""
    editable = {f.name for f in FIELDS}
    changes: list[PolicyChange] = []
    for owner, model in MODELS.items():
        records = list(
            model.history.select_related("history_user").order_by("-history_date")[
                : limit + 1
            ]
        )
        for record, previous in zip(records, records[1:], strict=False):
            _collect(changes, owner, record, previous, editable)
        if records and len(records) <= limit:
            _collect(changes, owner, records[-1], None, editable)
    from .policy_rows import policy_rows_history

    changes += policy_rows_history(limit=limit)
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def _collect(changes, owner, record, previous, editable: set[str]) -> None:
    if previous is None:
        return  # the row's creation: defaults, not an admin's change
    for delta in record.diff_against(previous).changes:
        if delta.field in editable:
            changes.append(
                PolicyChange(
                    when=record.history_date,
                    who=record.history_user,
                    owner=owner,
                    field=delta.field,
                    old=delta.old,
                    new=delta.new,
                    reason=record.history_change_reason or "",
                    label=str(BY_NAME[delta.field].label),
                )
            )


THRESHOLD_STEPS = [Decimal("0.30") + Decimal("0.01") * i for i in range(31)]


def tradeoff_preview(values: dict[str, Any]) -> dict:
    """For the policy's numbers (`policy_values()`, or as typed): the chosen point,
    two curves (over thresholds, and over N = 1..10), and what liveness costs
    genuine members on the latest liveness run. With liveness on and a `not_live`
    result using an attempt, those results add to the genuine blocks."""
    from biometrics.models import CalibrationRun
    from biometrics.selectors import liveness_shares, suggested_threshold, tradeoff

    threshold, max_attempts = values["match_threshold"], values["max_attempts"]
    run = CalibrationRun.objects.first()
    shares = liveness_shares()
    counted = values["liveness_required"] and values["not_live_counts"]
    not_live = shares.get("genuine_not_live") if counted else None
    point = tradeoff(
        threshold=threshold, max_attempts=max_attempts, run=run, not_live=not_live
    )

    def _pair(t: Decimal, n: int) -> dict:
        r = tradeoff(threshold=t, max_attempts=n, run=run, not_live=not_live)
        return {
            "threshold": float(t),
            "max_attempts": n,
            "genuine_blocked": r["genuine_blocked"],
            "impostor_accepted": r["impostor_accepted"],
            "lookalike_accepted": r["lookalike_accepted"],
        }

    return {
        **point,
        **shares,
        "not_live_counted": not_live is not None,
        "has_calibration": run is not None,
        "suggested_threshold": suggested_threshold(max_attempts=max_attempts, run=run)
        if run
        else None,
        "by_threshold": [_pair(t, max_attempts) for t in THRESHOLD_STEPS]
        if run
        else [],
        "by_attempts": [_pair(threshold, n) for n in range(1, 11)] if run else [],
    }
