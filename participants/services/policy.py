"""Writing a policy row, one way for every app's policies (history and who).

Each app changes its own policy rows through its own service (for example
`biometrics.services.biometric_policy_update`); they all save through
`policy_row_save`, so every change is validated and kept in the row's history
with the acting user and the reason. The policy page (frontoffice) orchestrates.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from participants.models import AccountPolicy, PolicySingleton, YieldRate


def _history_baseline(row: models.Model) -> None:
    """Rows seeded by a data migration have no history yet: record them as they
    are before the first change, so that change shows as old -> new."""
    if row.pk is not None and not row.history.exists():
        saved = type(row).objects.get(pk=row.pk)
        saved._history_user = None
        saved._change_reason = "baseline"
        saved.save()


def policy_row_save(
    *, row: models.Model, values: dict[str, Any], actor: AbstractBaseUser, reason: str
) -> dict[str, tuple[Any, Any]]:
    """Set `values` on a (locked) policy row; returns {field: (old, new)} changed."""
    changed = {
        n: (getattr(row, n), v) for n, v in values.items() if getattr(row, n) != v
    }
    if not changed and row.pk is not None:
        return {}
    _history_baseline(row)
    for name, (_old, new) in changed.items():
        setattr(row, name, new)
    row.full_clean()
    row._history_user = actor  # simple_history: who, outside a request too
    row._change_reason = reason[:100]
    row.save()
    return changed


@transaction.atomic
def policy_singleton_update(
    *,
    model: type[PolicySingleton],
    values: dict[str, Any],
    actor: AbstractBaseUser,
    reason: str,
) -> dict[str, tuple[Any, Any]]:
    """Change a singleton policy under its row lock (called by the owning app)."""
    model.current()  # make sure the singleton exists before locking it
    row = model.objects.select_for_update().get(pk=1)
    return policy_row_save(row=row, values=values, actor=actor, reason=reason)


def account_policy_update(
    *, values: dict[str, Any], actor: AbstractBaseUser, reason: str
) -> dict[str, tuple[Any, Any]]:
    return policy_singleton_update(
        model=AccountPolicy, values=values, actor=actor, reason=reason
    )


@transaction.atomic
def yield_rate_set(
    *, year: int, rate_bp: int, actor: AbstractBaseUser, reason: str
) -> tuple[int | None, int] | None:
    """Set a year's development yield; returns (old, new) or None when unchanged."""
    row = YieldRate.objects.select_for_update().filter(year=year).first()
    row = row or YieldRate(year=year, rate_bp=rate_bp)
    old = row.rate_bp if row.pk else None
    changed = policy_row_save(
        row=row, values={"rate_bp": rate_bp}, actor=actor, reason=reason
    )
    return (old, rate_bp) if changed or old is None else None
