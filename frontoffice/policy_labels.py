"""Policy settings by name in the reader's language (audit log, policy history).

The records keep codes: a number's field name (policy.FIELDS), and for the row
policies `document:<claim type>/<kind>`, `tax:<regime>/<lower>`, `yield:<year>`
(claims.services.policy, policy_rows). Staff pages show the labels the policy
page already has; a code nothing knows (an old record) is shown as it is.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.document_labels import document_label
from claims.models import ClaimType, DocumentRequirement, TaxBracket, tax_regime_label
from participants.money import rupiah

from .policy import BY_NAME

# The row policies' one editable field each.
ROW_FIELDS = {
    "active": gettext_lazy("required"),
    "rate_bp": gettext_lazy("rate (basis points)"),
}
_FIELD_OF = {"document": "active", "tax": "rate_bp", "yield": "rate_bp"}


def document_row_label(claim_type: str, kind: str, label: str) -> str:
    """'old_age', 'ktp' -> 'JHT in full: KTP (identity card)' (translated)."""
    if claim_type in ClaimType.values:
        claim_type = str(ClaimType(claim_type).label)
    return f"{claim_type}: {document_label(kind, label)}"


def tax_row_label(regime: str, lower: int) -> str:
    return _("Tax %(regime)s from %(lower)s") % {
        "regime": tax_regime_label(regime),
        "lower": rupiah(lower),
    }


def yield_row_label(year: int | str) -> str:
    return _("Yearly yield %(year)s") % {"year": year}


def row_label(model: type[models.Model], record) -> str:
    """A row policy's record (or its history record) as the policy page names it."""
    if model is DocumentRequirement:
        return document_row_label(record.claim_type, record.kind, record.label)
    if model is TaxBracket:
        return tax_row_label(record.regime, record.lower)
    return yield_row_label(record.year)


def row_field_label(field: str) -> str:
    return str(ROW_FIELDS.get(field, field))


def policy_labels(keys: Iterable[str]) -> dict[str, str]:
    """{key: label} for the keys of `policy_change` audit records."""
    keys = set(keys)
    stored: dict[tuple[str, str], str] = {}
    if any(key.startswith("document:") for key in keys):
        stored = {
            (claim_type, kind): label
            for claim_type, kind, label in DocumentRequirement.objects.values_list(
                "claim_type", "kind", "label"
            )
        }
    return {key: _key_label(key, stored) for key in keys}


def _key_label(key: str, stored: dict[tuple[str, str], str]) -> str:
    if key in BY_NAME:
        return str(BY_NAME[key].label)
    owner, _sep, rest = key.partition(":")
    first, _sep, second = rest.partition("/")
    if owner == "document" and second:
        label = document_row_label(first, second, stored.get((first, second), second))
    elif owner == "tax" and second.isdigit():
        label = tax_row_label(first, int(second))
    elif owner == "yield" and first.isdigit() and not second:
        label = yield_row_label(first)
    else:
        return key
    return f"{label}: {row_field_label(_FIELD_OF[owner])}"
