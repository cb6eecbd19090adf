"""The claims policies an admin edits: the claim policy, document lists, tax brackets.

Rule (JHT_RULES.md): the online cap, SLA days, waiting periods, document lists and
tax brackets are policy rows with history; the policy page calls these services.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from claims.models import ClaimPolicy, DocumentRequirement, TaxBracket
from participants.services.policy import policy_row_save, policy_singleton_update


def claim_policy_update(
    *, values: dict[str, Any], actor: AbstractBaseUser, reason: str
) -> dict[str, tuple[Any, Any]]:
    return policy_singleton_update(
        model=ClaimPolicy, values=values, actor=actor, reason=reason
    )


def _rows_set(
    model: type[models.Model],
    field: str,
    values: dict[int, Any],
    key: Callable[[models.Model], str],
    actor: AbstractBaseUser,
    reason: str,
) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for row in model.objects.select_for_update().filter(pk__in=values):
        changed = policy_row_save(
            row=row, values={field: values[row.pk]}, actor=actor, reason=reason
        )
        if changed:
            changes[key(row)] = changed[field]
    return changes


@transaction.atomic
def document_requirements_set(
    *, active: dict[int, bool], actor: AbstractBaseUser, reason: str
) -> dict[str, tuple[Any, Any]]:
    """Switch document requirements on or off (claims already started keep theirs)."""
    return _rows_set(
        DocumentRequirement, "active", active,
        lambda d: f"document:{d.claim_type}/{d.kind}", actor, reason,
    )  # fmt: skip


@transaction.atomic
def tax_brackets_set(
    *, rates: dict[int, int], actor: AbstractBaseUser, reason: str
) -> dict[str, tuple[Any, Any]]:
    """Set the rates (basis points) of tax brackets."""
    return _rows_set(
        TaxBracket, "rate_bp", rates,
        lambda b: f"tax:{b.regime}/{b.lower}", actor, reason,
    )  # fmt: skip
