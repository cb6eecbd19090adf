"""How staff read a change record (a ProfileChange or an AuditRecord's old/new).

The records keep the facts as they were written (the full NIK of a correction
included). What a staff page or the Django admin shows of them goes through
here: identity numbers masked to their last 4 digits (README, Privacy), field
names and choice codes as labels in the reader's language, and anything unknown
as its code.
"""

import re
from collections.abc import Mapping

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext_lazy as _

from jmo_portal.masking import mask_digits

from .models import BlockKind, Gender
from .profile_models import EmergencyRelation, MaritalStatus

# Identity numbers: shown masked to staff wherever a change record is read.
MASKED_FIELDS = frozenset(
    {"nik", "kk_number", "npwp", "account_number", "bank_account", "account"}
)

# The data update's fields (Participant, ParticipantProfile) and the keys the
# audit records write (participants.services.audit.audit_record callers).
FIELD_LABELS = {
    "full_name": _("Full name"),
    "nik": _("NIK"),
    "birth_date": _("Birth date"),
    "gender": _("Gender"),
    "email": _("Email"),
    "phone": _("Mobile phone number"),
    "address": _("Home address"),
    "postal_code": _("Postal code"),
    "kk_number": _("Family card (KK) number"),
    "mother_maiden_name": _("Mother's maiden name"),
    "marital_status": _("Marital status"),
    "npwp": _("NPWP"),
    "emergency_name": _("Emergency contact"),
    "emergency_relation": _("Relation"),
    "emergency_phone": _("Emergency contact's phone"),
    "account_number": _("Account number"),
    # Keys of the audit records' old/new values.
    "block_id": _("Block number"),
    "blocked_since": _("Blocked since"),
    "lifted_at": _("Unblocked at"),
    "documents_seen": _("Documents seen"),
    "fields": _("Changed fields"),
    "sessions": _("Sessions ended"),
    "tokens": _("App logins ended"),
    "username": _("Username"),
    "roles": _("Roles"),
    "claim": _("Claim"),
    "reference_ids": _("Earlier reference photos"),
    "reference_id": _("Reference photo"),
    "source": _("Source"),
    "id": _("Number"),
}

# Keys whose values are themselves codes with a label.
_CHOICES = {
    "gender": dict(Gender.choices),
    "marital_status": dict(MaritalStatus.choices),
    "emergency_relation": dict(EmergencyRelation.choices),
    "kind": dict(BlockKind.choices),
    "documents_seen": {"ktp": _("e-KTP"), "kk": _("Family card (KK)")},
}

# A NIK or a KK number inside any other value (16 digits in a row).
_IDENTITY_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")
EMPTY = "—"


def field_label(field: str, labels: Mapping[str, object] | None = None) -> str:
    """'emergency_phone' -> "Emergency contact's phone" (translated); else the code.

    `labels` adds names an app above this one owns (the policy settings)."""
    if labels and field in labels:
        return str(labels[field])
    return str(FIELD_LABELS.get(field, field))


def value_shown(
    field: str, value: object, choices: Mapping[str, Mapping] | None = None
) -> str:
    """One value of `field` as staff may read it: masked, labelled, local time.

    `choices` adds value labels an app above this one owns (the staff roles)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list | tuple):
        return ", ".join(value_shown(field, item, choices) for item in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{field_label(k)}: {value_shown(k, v, choices)}" for k, v in value.items()
        )
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    text = str(value)
    if field in MASKED_FIELDS:
        return mask_digits(re.sub(r"\D", "", text)) or mask_digits(text)
    if field == "fields":  # a list of changed field names
        return field_label(text)
    known = {**_CHOICES.get(field, {}), **(choices or {}).get(field, {})}
    if text in known:
        return str(known[text])
    when = parse_datetime(text) if "T" in text else None
    if when is not None and is_aware(when):
        return date_format(localtime(when), "j M Y H:i:s")
    return _IDENTITY_RUN.sub(lambda m: mask_digits(m.group()), text)


def change_rows(
    old: dict | None,
    new: dict | None,
    *,
    labels: Mapping[str, object] | None = None,
    choices: Mapping[str, Mapping] | None = None,
) -> list[tuple[str, str, str]]:
    """(label, old, new) for each key of an audit record's two JSON values."""
    old, new = old or {}, new or {}
    keys = list(dict.fromkeys([*old, *new]))
    return [
        (
            field_label(k, labels),
            value_shown(k, old.get(k), choices),
            value_shown(k, new.get(k), choices),
        )
        for k in keys
    ]
