"""No staff action on one's own membership.

A staff login is linked to a member by the NIK on its StaffProfile (staff are
members too, with their own participant login) or, for old data, by a
participant row on the login itself. Every service that lets staff act on a
participant (unblock, reference photo, data corrections, claim decisions) calls
`staff_conflict_refuse` first.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import Participant, StaffProfile
from participants.validators import validate_nik


def staff_is_member(
    *, actor: AbstractBaseUser | None, participant: Participant
) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if participant.user_id is not None and participant.user_id == actor.pk:
        return True
    return StaffProfile.objects.filter(user=actor, nik=participant.nik).exists()


def staff_conflict_refuse(
    *, actor: AbstractBaseUser | None, participant: Participant
) -> None:
    """Raise 403 `own_record` when `actor` is the member `participant`."""
    if staff_is_member(actor=actor, participant=participant):
        raise ApplicationError(
            _(
                "You cannot act on your own membership. Ask another officer to "
                "handle it."
            ),
            code="own_record",
            status=403,
        )


def staff_member_link(*, user: AbstractBaseUser, nik: str) -> StaffProfile:
    """Record the staff login's own NIK (its holder is a member like any other)."""
    try:
        validate_nik(nik)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="nik") from exc
    profile, _created = StaffProfile.objects.update_or_create(
        user=user, defaults={"nik": nik}
    )
    return profile
