"""The data update at a front-office desk: documents seen, corrections, confirm.

Rule (ARCHITECTURE.md, "The data update"): identity fields (name, NIK, birth date,
gender) change only here, with a reason and an audit record; the desk may complete
every section for a member who cannot do it online.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import (
    DataUpdate,
    DataUpdateChannel,
    Participant,
    ParticipantProfile,
)
from participants.validators import (
    digits_only,
    normalize_phone,
    validate_nik,
    validate_nik_matches,
    validate_npwp,
)

from .audit import audit_record
from .conflicts import staff_conflict_refuse
from .data_update import (
    CONTACT_FIELDS,
    EMERGENCY_FIELDS,
    IDENTITY_FIELDS,
    POPULATION_FIELDS,
    confirm,
    open_locked,
    profile_get,
    record_changes,
)

# What a desk confirmation needs on file besides the identity documents.
DESK_REQUIRED = (
    "phone",
    "address",
    "postal_code",
    "kk_number",
    "mother_maiden_name",
    "marital_status",
    *EMERGENCY_FIELDS,
)
DESK_DOCUMENTS = ("ktp", "kk")


@transaction.atomic
def data_update_desk_confirm(
    *,
    participant: Participant,
    actor: AbstractBaseUser,
    documents_seen: list[str],
    corrections: dict,
    reason: str,
) -> DataUpdate:
    """The whole update at a desk: documents seen, corrections with a reason, confirm.

    The caller (the desk) has made sure a face reference is on file. No officer
    confirms or corrects their own membership.
    """
    staff_conflict_refuse(actor=actor, participant=participant)
    reason = (reason or "").strip()
    seen = sorted(set(documents_seen or []))
    if not set(DESK_DOCUMENTS) <= set(seen):
        raise ApplicationError(
            _("Check the e-KTP and the family card (KK) of the member first."),
            code="documents_not_seen",
        )
    if not reason:
        raise ApplicationError(_("Give the reason for the data update."), code="reason")
    unknown = set(corrections) - set(
        IDENTITY_FIELDS + CONTACT_FIELDS + POPULATION_FIELDS + EMERGENCY_FIELDS
    )
    if unknown:
        raise ValidationError(
            {field: [_("This field cannot be changed.")] for field in unknown}
        )
    update = open_locked(participant, DataUpdateChannel.DESK)
    participant = Participant.objects.get(pk=participant.pk)
    profile = profile_get(participant=participant)
    person, extra = _desk_values(participant, profile, corrections)
    before = {f: str(getattr(participant, f)) for f in IDENTITY_FIELDS}
    changed = []
    for target, values in ((participant, person), (profile, extra)):
        changed += record_changes(
            participant=participant,
            target=target,
            values=values,
            actor=actor,
            channel=DataUpdateChannel.DESK,
            reason=reason,
        )
    _desk_validate(participant, profile)
    participant.save()
    profile.save()
    if identity := [f for f in IDENTITY_FIELDS if f in changed]:
        audit_record(
            actor=actor,
            action="identity_correct",
            participant=participant,
            reason=reason,
            old_value={f: before[f] for f in identity},
            new_value={f: str(getattr(participant, f)) for f in identity},
        )
    now = timezone.now()
    update.channel = DataUpdateChannel.DESK
    update.documents_seen = seen
    for field in (
        "membership_checked_at",
        "biometric_verified_at",
        "contact_saved_at",
        "population_saved_at",
        "emergency_saved_at",
        "phone_verified_at",
    ):
        setattr(update, field, getattr(update, field) or now)
    update.code_phone = participant.phone
    update.save()
    audit_record(
        actor=actor,
        action="data_update_desk",
        participant=participant,
        reason=reason,
        new_value={"documents_seen": seen, "fields": sorted(changed)},
    )
    return confirm(participant, update, actor=actor)


def _desk_values(
    participant: Participant, profile: ParticipantProfile, corrections: dict
) -> tuple[dict, dict]:
    """Split and normalise the desk's corrections into (participant, profile) values."""
    person, extra = {}, {}
    errors = {}
    for field, raw in corrections.items():
        value = raw.strip() if isinstance(raw, str) else raw
        try:
            if field in ("phone", "emergency_phone"):
                value = normalize_phone(value)
            elif field in ("nik", "kk_number", "npwp"):
                value = digits_only(value)
            elif field == "birth_date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
        except (ValidationError, ValueError) as exc:
            errors[field] = getattr(exc, "messages", [_("Enter a valid date.")])
            continue
        if field in IDENTITY_FIELDS or field in ("phone", "npwp"):
            person[field] = value
        else:
            extra[field] = value
    if errors:
        raise ValidationError(errors)
    return person, extra


def _desk_validate(participant: Participant, profile: ParticipantProfile) -> None:
    errors = {}
    for target in (participant, profile):
        try:
            target.full_clean(exclude=["user", "participant"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if participant.npwp:
        try:
            validate_npwp(participant.npwp)
        except ValidationError as exc:
            errors["npwp"] = exc.messages
    try:
        validate_nik(participant.nik)
        validate_nik_matches(
            participant.nik, participant.birth_date, participant.gender
        )
    except ValidationError as exc:
        errors.update(
            exc.message_dict if hasattr(exc, "error_dict") else {"nik": exc.messages}
        )
    for field in DESK_REQUIRED:
        owner = participant if field == "phone" else profile
        if not getattr(owner, field):
            errors.setdefault(field, [_("This field is required.")])
    if errors:
        raise ValidationError(errors)
