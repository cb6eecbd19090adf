"""The member's notification channels: the in-app inbox always; email and SMS by choice."""

from django.db import transaction
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import Participant


def participant_channels_set(
    *, participant: Participant, email: bool, sms: bool
) -> Participant:
    """Save the member's choice; SMS needs a phone number and email an address."""
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if sms and not locked.phone:
            raise ApplicationError(
                _("Add your mobile number in the data update first to get SMS."),
                code="phone_missing",
            )
        if email and not locked.email:
            raise ApplicationError(
                _("There is no email address on file for you."), code="email_missing"
            )
        locked.notify_email, locked.notify_sms = email, sms
        locked.save(update_fields=["notify_email", "notify_sms"])
    participant.notify_email, participant.notify_sms = email, sms
    return participant
