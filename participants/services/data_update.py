"""The data update (pengkinian data): each section saved on its own, then confirmed.

Rule (JHT_RULES.md, "The online channel"; ARCHITECTURE.md, "The data update"):
the claim's "data updated" tick is earned online — membership data checked,
a matched selfie after the update started (recorded by biometrics through
`data_update_selfie_matched`), the phone verified by an SMS code, contact,
population and emergency data saved, then confirmed — or at a desk with the
documents seen. Identity fields (name, NIK, birth date, gender) change only at a
desk, with a reason. Every changed field is kept as a ProfileChange.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from jmo_portal.exceptions import ApplicationError
from jmo_portal.sms import SmsError, SmsNotSent, SmsTransientError, sms_send
from participants.models import (
    AccountPolicy,
    DataUpdate,
    DataUpdateChannel,
    Participant,
    ParticipantProfile,
    ProfileChange,
)
from participants.validators import (
    digits_only,
    normalize_phone,
    validate_npwp,
    visible_text,
)

from .codes import code_clean, code_issue, code_problem
from .credentials import credential_check

SECTIONS = ("membership", "biometric", "contact", "phone", "population", "emergency")
IDENTITY_FIELDS = ("full_name", "nik", "birth_date", "gender")
CONTACT_FIELDS = ("phone", "address", "postal_code")
POPULATION_FIELDS = ("kk_number", "mother_maiden_name", "marital_status", "npwp")
EMERGENCY_FIELDS = ("emergency_name", "emergency_relation", "emergency_phone")
# What sending a phone code changes: put back when the gateway refuses the SMS.
PHONE_CODE_FIELDS = ("code_hash", "code_sent_at", "code_expires_at", "code_attempts",
                     "codes_sent", "code_phone", "phone_verified_at")  # fmt: skip


def data_update_valid_until(*, participant: Participant) -> dt.datetime | None:
    if participant.profile_confirmed_at is None:
        return None
    months = AccountPolicy.current().data_revalidation_months
    return participant.profile_confirmed_at + relativedelta(months=months)


def data_update_is_valid(*, participant: Participant) -> bool:
    """The claim tick: a confirmation younger than the revalidation period."""
    until = data_update_valid_until(participant=participant)
    return until is not None and timezone.now() < until


def data_update_open_get(*, participant: Participant) -> DataUpdate | None:
    return DataUpdate.objects.filter(participant=participant, confirmed_at=None).first()


def profile_get(*, participant: Participant) -> ParticipantProfile:
    profile, _created = ParticipantProfile.objects.get_or_create(
        participant=participant
    )
    return profile


def open_locked(participant: Participant, channel: str) -> DataUpdate:
    """The open update under a row lock, started now when there is none."""
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    update = (
        DataUpdate.objects.select_for_update()
        .filter(participant=participant, confirmed_at=None)
        .first()
    )
    if update is None:
        try:
            with transaction.atomic():
                update = DataUpdate.objects.create(
                    participant=participant, channel=channel
                )
        except IntegrityError:  # a parallel request started it
            update = DataUpdate.objects.select_for_update().get(
                participant=participant, confirmed_at=None
            )
    return update


@transaction.atomic
def data_update_start(*, participant: Participant) -> DataUpdate:
    """Start (or resume) the online data update."""
    return open_locked(participant, DataUpdateChannel.ONLINE)


def missing_sections(*, participant: Participant, update: DataUpdate | None) -> list:
    if update is None:
        return list(SECTIONS)
    done = {
        "membership": update.membership_checked_at,
        "biometric": update.biometric_verified_at,
        "contact": update.contact_saved_at,
        "phone": update.phone_verified_at
        and not update.phone_pending
        and update.code_phone == participant.phone,
        "population": update.population_saved_at,
        "emergency": update.emergency_saved_at,
    }
    return [name for name in SECTIONS if not done[name]]


def record_changes(
    *,
    participant: Participant,
    target: Participant | ParticipantProfile,
    values: dict,
    actor: AbstractBaseUser | None,
    channel: str,
    reason: str = "",
) -> list[str]:
    """Set `values` on `target`, keeping a ProfileChange for each changed field."""
    changed = []
    for field, new in values.items():
        old = getattr(target, field)
        if old == new:
            continue
        setattr(target, field, new)
        changed.append(field)
        ProfileChange.objects.create(
            participant=participant,
            field=field,
            old_value=str(old or ""),
            new_value=str(new or ""),
            actor=actor if actor is not None and actor.is_authenticated else None,
            channel=channel,
            reason=reason,
        )
    return changed


def _profile_values(values: dict) -> dict:
    """Typed text without invisible format characters (a lone zero-width space is
    no address) and without surrounding spaces."""
    return {k: visible_text(v) if isinstance(v, str) else v for k, v in values.items()}


@transaction.atomic
def data_update_membership_check(
    *, participant: Participant, correct: bool
) -> DataUpdate:
    """'Sudah sesuai' ticks the section; 'Ada yang salah' sends the member to a desk."""
    if correct is not True:
        raise ApplicationError(
            _(
                "Name, NIK and birth date can only be corrected at a BPJS "
                "Ketenagakerjaan front-office desk: bring your e-KTP and family card "
                "(KK)."
            ),
            code="identity_at_desk",
            status=409,
        )
    update = open_locked(participant, DataUpdateChannel.ONLINE)
    update.membership_checked_at = timezone.now()
    update.save(update_fields=["membership_checked_at"])
    return update


def _phone_or_error(value: str, field: str, errors: dict) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        errors[field] = exc.messages
        return ""


def _required(values: dict) -> dict:
    return {k: [_("This field is required.")] for k, v in values.items() if not v}


@transaction.atomic
def _section_save(
    *,
    participant: Participant,
    section: str,
    profile_values: dict,
    person_values: dict,
    errors: dict,
    pending: dict | None = None,
) -> DataUpdate:
    """Validate and save one online section; record each change; tick the section.

    `pending`: values kept on the update row until they are verified."""
    update = open_locked(participant, DataUpdateChannel.ONLINE)
    participant = Participant.objects.get(pk=participant.pk)
    profile = profile_get(participant=participant)
    checked = ParticipantProfile(participant=participant, **profile_values)
    try:
        checked.full_clean(
            exclude=[
                f.name for f in profile._meta.fields if f.name not in profile_values
            ]
        )
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    for target, values in ((profile, profile_values), (participant, person_values)):
        record_changes(
            participant=participant,
            target=target,
            values=values,
            actor=None,
            channel=DataUpdateChannel.ONLINE,
        )
        if values:
            target.save(update_fields=list(values))
    setattr(update, f"{section}_saved_at", timezone.now())
    for field, value in (pending or {}).items():
        setattr(update, field, value)
    update.save(update_fields=[f"{section}_saved_at", *(pending or {})])
    return update


def data_update_contact_save(
    *, participant: Participant, phone: str, address: str, postal_code: str
) -> DataUpdate:
    """Phone, address and postal code. A new phone number waits on the update row
    until its SMS code is entered (data_update_phone_verify): until then notices
    and codes go to the number on file, which an unproven number must not replace.
    """
    values = _profile_values({"address": address, "postal_code": postal_code})
    errors = _required(values)
    phone = _phone_or_error(phone, "phone", errors)
    own = _phone_on_file(participant)
    return _section_save(
        participant=participant,
        section="contact",
        profile_values=values,
        person_values={},
        errors=errors,
        pending={"phone_pending": "" if phone == own else phone},
    )


def _phone_on_file(participant: Participant) -> str:
    """The number on file as committed: the caller's copy may be older."""
    return Participant.objects.values_list("phone", flat=True).get(pk=participant.pk)


def phone_to_verify(*, update: DataUpdate | None, on_file: str) -> str:
    """The number the SMS code goes to (and the pages name): a new one typed at
    the contact step, waiting on the open update, else the number on file."""
    pending = update.phone_pending if update is not None else ""
    return pending or on_file


def data_update_population_save(
    *,
    participant: Participant,
    kk_number: str,
    mother_maiden_name: str,
    marital_status: str,
    npwp: str = "",
) -> DataUpdate:
    """Family card number, mother's maiden name, marital status; NPWP optional."""
    values = _profile_values(
        {
            "kk_number": digits_only(kk_number),
            "mother_maiden_name": " ".join((mother_maiden_name or "").split()),
            "marital_status": marital_status,
        }
    )
    errors = _required(values)
    person = {}
    if npwp := digits_only(npwp):
        try:
            validate_npwp(npwp)
            person["npwp"] = npwp
        except ValidationError as exc:
            errors["npwp"] = exc.messages
    return _section_save(
        participant=participant,
        section="population",
        profile_values=values,
        person_values=person,
        errors=errors,
    )


def data_update_emergency_save(
    *, participant: Participant, name: str, relation: str, phone: str
) -> DataUpdate:
    """Someone to call in an emergency: name, relation, a phone that is not yours."""
    values = _profile_values({"emergency_name": name, "emergency_relation": relation})
    errors = _required(values)
    values["emergency_phone"] = _phone_or_error(phone, "emergency_phone", errors)
    own = {
        _phone_on_file(participant),
        # A new number of the member's own that waits for its SMS code.
        DataUpdate.objects.filter(participant=participant, confirmed_at=None)
        .values_list("phone_pending", flat=True)
        .first(),
    }
    if values["emergency_phone"] and values["emergency_phone"] in own:
        errors["emergency_phone"] = [
            _("Give the phone of another person, not your own number.")
        ]
    return _section_save(
        participant=participant,
        section="emergency",
        profile_values=values,
        person_values={},
        errors=errors,
    )


def data_update_phone_code_send(*, participant: Participant) -> DataUpdate:
    """Send a one-time code by SMS to the phone on file (after the row is saved)."""
    with transaction.atomic():
        update = open_locked(participant, DataUpdateChannel.ONLINE)
        phone = phone_to_verify(update=update, on_file=_phone_on_file(participant))
        if not phone:
            raise ApplicationError(
                _("Enter your mobile number in the contact data first."),
                code="phone_missing",
            )
        earlier = {field: getattr(update, field) for field in PHONE_CODE_FIELDS}
        code = code_issue(holder=update)
        update.code_phone = phone
        update.phone_verified_at = None
        update.save()
    minutes = AccountPolicy.current().otp_valid_minutes
    with override(participant.language or "id"):
        text = _(
            "JMO Portal code: %(code)s. Valid for %(n)s minutes. Never give this "
            "code to anyone, not even BPJS staff."
        ) % {"code": code, "n": minutes}
    try:
        sms_send(phone=phone, text=text)
    except (SmsError, SmsTransientError) as exc:
        if isinstance(exc, SmsError | SmsNotSent):
            # The gateway refused it or was never reached: nothing was sent, so
            # the row goes back to what it was (the earlier code still works, the
            # send is not counted), unless a newer code was issued meanwhile. A
            # gateway that did not answer may have sent it: that code stands and
            # counts.
            DataUpdate.objects.filter(pk=update.pk, code_hash=update.code_hash).update(
                **earlier
            )
        raise ApplicationError(
            _("The SMS could not be sent just now. Try again in a minute."),
            code="sms_unavailable",
            status=503,
        ) from exc
    return update


def data_update_phone_verify(
    *, participant: Participant, code: str, address: str | None = None
) -> DataUpdate:
    """Check the SMS code: 5 tries a code, and every try counted by the credential
    guard per member and per client `address` (429 `throttled` past the limit).
    A code that is not 6 digits is a typing slip and costs no try."""
    code = code_clean(code)
    return credential_check(
        kind="phone_otp",
        account=str(participant.pk),
        address=address,
        verify=lambda: _phone_code_verify(participant, code),
    )


def _phone_code_verify(participant: Participant, code: str) -> DataUpdate:
    with transaction.atomic():
        update = open_locked(participant, DataUpdateChannel.ONLINE)
        phone = phone_to_verify(update=update, on_file=_phone_on_file(participant))
        if not update.code_hash and _phone_verified(update, phone):
            return update  # a double tap: the other request used the code
        error = None
        if update.code_hash and update.code_phone != phone:
            error = ApplicationError(
                _("Your phone number changed: send a new code."), code="code_missing"
            )
        error = error or code_problem(holder=update, code=code)
        if error is None:
            if update.phone_pending:
                # Proven: the new number becomes the number on file, recorded.
                person = Participant.objects.get(pk=participant.pk)
                record_changes(
                    participant=person,
                    target=person,
                    values={"phone": update.phone_pending},
                    actor=None,
                    channel=DataUpdateChannel.ONLINE,
                )
                person.save(update_fields=["phone"])
                update.phone_pending = ""
            update.phone_verified_at = timezone.now()
            update.save(update_fields=["phone_verified_at", "phone_pending"])
    # Raised after the commit so that a wrong try stays counted.
    if error is not None:
        raise error
    return update


def _phone_verified(update: DataUpdate, phone: str) -> bool:
    """The open update's phone section is done for this number."""
    return bool(
        update.phone_verified_at and not update.phone_pending
        and update.code_phone == phone
    )  # fmt: skip


def data_update_selfie_matched(*, participant: Participant, at: dt.datetime) -> None:
    """Biometrics reports a matched selfie: it completes an update started before it."""
    DataUpdate.objects.filter(
        participant=participant,
        confirmed_at=None,
        started_at__lte=at,
        biometric_verified_at=None,
    ).update(biometric_verified_at=at)


@transaction.atomic
def data_update_confirm(*, participant: Participant) -> DataUpdate:
    """Review and confirm: allowed only when no section is missing."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if data_update_open_get(participant=participant) is None and data_update_is_valid(
        participant=participant
    ):
        # A second tap after the confirmation: no new update to find incomplete.
        raise ApplicationError(
            _("Your data update is already confirmed."),
            code="already_confirmed",
            status=409,
        )
    update = open_locked(participant, DataUpdateChannel.ONLINE)
    missing = missing_sections(participant=participant, update=update)
    if missing:
        raise ApplicationError(
            _("Some parts of the data update are not done yet."),
            code="incomplete",
            extra={"missing": missing},
        )
    return confirm(participant, update, actor=None)


def confirm(
    participant: Participant, update: DataUpdate, actor: AbstractBaseUser | None
) -> DataUpdate:
    now = timezone.now()
    update.confirmed_at = now
    update.confirmed_by = actor
    update.save(update_fields=["confirmed_at", "confirmed_by"])
    participant.profile_confirmed_at = now
    participant.save(update_fields=["profile_confirmed_at"])
    return update
