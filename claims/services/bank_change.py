"""A bank account replaced after submission (JHT_RULES.md, "Payout"): the timeline
records it, and the participant is told by email and SMS on the contact on file
and on the email or phone it replaced recently, so that a hijacked login that
changed both the contact and the account is still noticed by the real member.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from claims.models import Claim, ClaimEvent, ClaimPolicy
from notifications.models import Notification
from notifications.services import (
    contact_digest,
    notification_email,
    notification_send,
)
from notifications.sms import sms_queue
from participants.models import ProfileChange

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
    notification_send(
        participant=participant,
        key=_change_key(claim),
        kind="claim_bank_changed",
        title=title,
        body=body,
        link=claim.get_absolute_url(),
        channel=Notification.Channel.EMAIL_SMS,
    )
    bank_change_old_contact_tell(claim=claim, title=title, body=body)


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


def bank_change_old_contact_tell(*, claim: Claim, title: str, body: str) -> int:
    """Queue the notice to the replaced contacts, once per change; returns how many.

    Written in the caller's transaction and delivered by the notifications worker
    (email, SMS) with its retries and sweeps: a mail server or SMS gateway that
    is down delays the notice, it does not lose it.
    """
    participant = claim.participant
    emails, phones = old_contacts(participant=participant)
    for email in emails:
        notification_email(
            participant=participant, email=email, key=f"{_change_key(claim)}:old",
            kind="claim_bank_changed_old_contact", title=title, body=body,
        )  # fmt: skip
    for phone in phones:
        digest = contact_digest(phone, length=12)
        sms_queue(
            participant=participant, phone=phone, text=title,
            reference=f"{claim.reference}:bank:{_stamp(claim)}:{digest}",  # max 64
        )  # fmt: skip
    return len(emails) + len(phones)


def _stamp(claim: Claim) -> int:
    """The bank change this notice is about (one per change)."""
    return int(claim.bank_changed_at.timestamp())


def _change_key(claim: Claim) -> str:
    return f"claim:{claim.reference}:bank_changed:{_stamp(claim)}"
