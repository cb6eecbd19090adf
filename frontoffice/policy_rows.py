"""Policies kept as rows: document lists per claim type, tax brackets, yield rates.

Like the singleton numbers (frontoffice.policy), every change is validated
first, saved with the acting user as the simple_history user, and written as
one `policy_change` audit record (old → new).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext as _

from claims.models import DocumentRequirement, TaxBracket
from claims.services.policy import document_requirements_set, tax_brackets_set
from jmo_portal.exceptions import ApplicationError
from participants.models import YieldRate
from participants.services.policy import yield_rate_set

from .policy import PolicyChange, policy_change_audit
from .policy_labels import row_field_label, row_label

MAX_TAX_BP = 5000  # a layer above 50% is a typing error, not a policy
MAX_YIELD_BP = 2000


def _int(raw: Any) -> int | None:
    try:
        if isinstance(raw, bool):
            return None
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value


def _validate(
    documents: dict[int, bool], brackets: dict[int, Any], yield_rates: dict[Any, Any]
) -> tuple[dict[int, int], dict[int, int]]:
    errors: dict[str, str] = {}
    known_docs = set(
        DocumentRequirement.objects.filter(pk__in=documents).values_list(
            "pk", flat=True
        )
    )
    for pk in set(documents) - known_docs:
        errors[f"document_requirements.{pk}"] = _("Unknown document requirement.")
    known_brackets = set(
        TaxBracket.objects.filter(pk__in=brackets).values_list("pk", flat=True)
    )
    rates: dict[int, int] = {}
    for pk, raw in brackets.items():
        value = _int(raw)
        if pk not in known_brackets:
            errors[f"tax_brackets.{pk}"] = _("Unknown tax bracket.")
        elif value is None or not 0 <= value <= MAX_TAX_BP:
            errors[f"tax_brackets.{pk}"] = _(
                "A tax rate is 0 to %(max)d basis points (0-50%%)."
            ) % {"max": MAX_TAX_BP}
        else:
            rates[pk] = value
    yields: dict[int, int] = {}
    for raw_year, raw in yield_rates.items():
        year, value = _int(raw_year), _int(raw)
        if year is None or not 2000 <= year <= 2100:
            errors[f"yield_rates.{raw_year}"] = _("The year must be 2000-2100.")
        elif value is None or not 0 <= value <= MAX_YIELD_BP:
            errors[f"yield_rates.{raw_year}"] = _(
                "A yearly yield is 0 to %(max)d basis points (0-20%%)."
            ) % {"max": MAX_YIELD_BP}
        else:
            yields[year] = value
    if errors:
        raise ApplicationError(
            _("Some policy values are not valid."),
            code="invalid_policy",
            extra={"errors": errors},
        )
    return rates, yields


@transaction.atomic
def policy_rows_update(
    *,
    actor: AbstractBaseUser,
    documents: dict[int, bool] | None = None,
    brackets: dict[int, Any] | None = None,
    yield_rates: dict[Any, Any] | None = None,
    reason: str = "",
) -> dict[str, dict]:
    """Switch document requirements on/off, set bracket rates and yearly yields.

    Returns {"old": ..., "new": ...} of what actually changed.
    """
    documents, brackets, yield_rates = (
        documents or {},
        brackets or {},
        yield_rates or {},
    )
    rates, yields = _validate(documents, brackets, yield_rates)
    changes = {
        **document_requirements_set(
            active={pk: bool(on) for pk, on in documents.items()},
            actor=actor,
            reason=reason,
        ),
        **tax_brackets_set(rates=rates, actor=actor, reason=reason),
    }
    for year, rate_bp in yields.items():
        changed = yield_rate_set(year=year, rate_bp=rate_bp, actor=actor, reason=reason)
        if changed:
            changes[f"yield:{year}"] = changed
    old = {key: before for key, (before, _after) in changes.items()}
    new = {key: after for key, (_before, after) in changes.items()}
    policy_change_audit(actor=actor, reason=reason, old=old, new=new)
    return {"old": old, "new": new}


def _label(model: type[models.Model], record) -> str:
    if model is DocumentRequirement:
        return f"{record.claim_type}/{record.kind}"
    if model is TaxBracket:
        return f"{record.regime}/{record.lower}"
    return str(record.year)


def _created(model, owner: str, record) -> PolicyChange:
    """A row an admin added (a new year's yield rate): shown as None → value."""
    field = "active" if model is DocumentRequirement else "rate_bp"
    return PolicyChange(
        when=record.history_date,
        who=record.history_user,
        owner=owner,
        field=f"{_label(model, record)}: {field}",
        old=None,
        new=getattr(record, field),
        reason=record.history_change_reason or "",
        label=f"{row_label(model, record)}: {row_field_label(field)}",
    )


def policy_rows_history(*, limit: int = 50) -> list[PolicyChange]:
    """Changes to the row policies (not their creation), newest first."""
    changes: list[PolicyChange] = []
    for model, owner in (
        (DocumentRequirement, "documents"),
        (TaxBracket, "tax"),
        (YieldRate, "yield"),
    ):
        records = list(
            model.history.select_related("history_user").order_by(
                "id", "-history_date"
            )[:1000]
        )
        nexts = [*records[1:], None] if records else []
        for record, previous in zip(records, nexts, strict=True):
            if previous is None or record.id != previous.id:
                if record.history_type == "+" and record.history_user_id:
                    changes.append(_created(model, owner, record))
                continue
            for delta in record.diff_against(previous).changes:
                changes.append(
                    PolicyChange(
                        when=record.history_date,
                        who=record.history_user,
                        owner=owner,
                        field=f"{_label(model, record)}: {delta.field}",
                        old=delta.old,
                        new=delta.new,
                        reason=record.history_change_reason or "",
                        label=f"{row_label(model, record)}: "
                        f"{row_field_label(delta.field)}",
                    )
                )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
