"""A bank account replaced after submission (JHT_RULES.md, "Payout"): the timeline
records it, and the participant is told by email and SMS on the contact on file
and on the email or phone it replaced recently, so that a hijacked login that
changed both the contact and the account is still noticed by the real member.
"""

import datetime as dt
import logging
import smtplib

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from claims.models import Claim, ClaimEvent, ClaimPolicy
from jmo_portal.dispatch import dispatch_on_commit
from jmo_portal.sms import sms_send
from notifications.models import Notification
from notifications.services import notification_send
from participants.models import ProfileChange

logger = logging.getLogger(__name__)
# Contacts replaced within this window are told too.
OLD_CONTACT_DAYS = 30


def claim_bank_change_record(
    *, claim: Claim, actor: AbstractBaseUser | None, old_account: str
) -> None:
    """Timeline event and notices for a changed account (inside the transaction)."""
    participant = claim.participant
    hours = ClaimPolicy.current().bank_cooling_hours
    values = {
        "ref": claim.reference,
        "old": old_account,
        "new": f"{claim.bank_code} {claim.account_masked}",
        "hours": hours,
    }
    with override(participant.language or "id"):
        title = _("Bank account of claim %(ref)s changed") % values
        note = _("Bank account changed from %(old)s to %(new)s.") % values
        wait = (
            _("For your safety the payout waits %(hours)s hours.") % values
            if hours
            else ""
        )
        warning = _(
            "If you did not do this, call BPJS Ketenagakerjaan at 175 or visit a "
            "branch at once."
        )
        body = " ".join(filter(None, [note, wait, warning]))
    ClaimEvent.objects.create(
        claim=claim,
        from_status=claim.status,
        to_status=claim.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=" ".join(filter(None, [note, wait])),
    )
    stamp = int(claim.bank_changed_at.timestamp())
    notification_send(
        participant=participant,
        key=f"claim:{claim.reference}:bank_changed:{stamp}",
        kind="claim_bank_changed",
        title=title,
        body=body,
        link=claim.get_absolute_url(),
        channel=Notification.Channel.EMAIL_SMS,
    )
    from claims.tasks import bank_change_old_contact_tell as tell_task

    # Best effort after commit: the current contact's notice is the durable one.
    dispatch_on_commit(tell_task, claim.pk, title, body)


def old_contacts(*, participant) -> tuple[list[str], list[str]]:
    """Emails and phones the participant replaced within OLD_CONTACT_DAYS."""
    since = timezone.now() - dt.timedelta(days=OLD_CONTACT_DAYS)
    rows = ProfileChange.objects.filter(
        participant=participant, field__in=["email", "phone"], created_at__gte=since
    ).values_list("field", "old_value")
    current = {"email": participant.email, "phone": participant.phone}
    emails = sorted({v for f, v in rows if f == "email" and v and v != current[f]})
    phones = sorted({v for f, v in rows if f == "phone" and v and v != current[f]})
    return emails, phones


def bank_change_old_contact_tell(*, claim_id: int, title: str, body: str) -> int:
    """Send the notice to the replaced contacts; returns how many were told.

    Safe to run twice: a conditional UPDATE claims the change before sending.
    """
    claim = Claim.objects.select_related("participant").get(pk=claim_id)
    changed_at = claim.bank_changed_at
    claimed = (
        Claim.objects.filter(pk=claim_id, bank_changed_at=changed_at)
        .exclude(bank_change_told_at=changed_at)
        .update(bank_change_told_at=changed_at)
    )
    if changed_at is None or not claimed:
        return 0
    emails, phones = old_contacts(participant=claim.participant)
    told = 0
    for email in emails:
        try:
            send_mail(title, body, None, [email])
            told += 1
        except (OSError, smtplib.SMTPException):
            logger.exception("bank change notice not emailed for %s", claim.reference)
    for phone in phones:
        sms_send(phone=phone, text=title)
        told += 1
    return told
