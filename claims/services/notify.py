"""Claim notifications: one per claim and event (unique key), sent after commit."""

from django.utils.translation import gettext_lazy as _

from claims.models import Claim
from notifications.services import notification_send
from participants.money import rupiah_digits

MESSAGES = {
    "submitted": (
        _("Claim %(ref)s received"),
        _("We received your JHT claim %(ref)s. Promised by %(sla)s."),
    ),
    "approved": (
        _("Claim %(ref)s approved"),
        _("Your JHT claim %(ref)s is approved. Net amount: Rp %(net)s."),
    ),
    "under_review": (
        _("Claim %(ref)s is being reviewed"),
        _("An officer reviews your claim %(ref)s. Promised by %(sla)s."),
    ),
    "rejected": (
        _("Claim %(ref)s rejected"),
        _("Your JHT claim %(ref)s was rejected: %(note)s"),
    ),
    "returned": (
        _("Claim %(ref)s needs a correction"),
        _(
            "An officer returned your claim %(ref)s. %(note)s. Fix only that and "
            "send the claim again."
        ),
    ),
    "appealed": (
        _("Appeal of claim %(ref)s received"),
        _("A different officer reviews your appeal of claim %(ref)s."),
    ),
    "cancelled": (
        _("Claim %(ref)s cancelled"),
        _("Your JHT claim %(ref)s is cancelled. Nothing was paid."),
    ),
    "payout_pending": (
        _("Payout of claim %(ref)s sent"),
        _("Rp %(net)s is on its way to your bank account %(account)s."),
    ),
    "paid": (
        _("Claim %(ref)s paid"),
        _("Rp %(net)s has been paid into your bank account %(account)s."),
    ),
    "payout_failed": (
        _("Payout of claim %(ref)s failed"),
        _(
            "The bank could not pay claim %(ref)s into account %(account)s "
            "(%(note)s). Please enter a bank account in your own name."
        ),
    ),
}


class _Lazy:
    """Formats a lazy message in the participant's language when str() is called."""

    def __init__(self, message, values: dict) -> None:
        self.message, self.values = message, values

    def __str__(self) -> str:
        return str(self.message) % self.values


def claim_notify(*, claim: Claim, event: str, note: str = "", suffix: str = "") -> None:
    title, body = MESSAGES[event]
    values = {
        "ref": claim.reference,
        "sla": claim.sla_due.strftime("%d-%m-%Y") if claim.sla_due else "-",
        "net": rupiah_digits(claim.net),
        "account": claim.account_masked,
        "note": note,
    }
    notification_send(
        participant=claim.participant,
        key=f"claim:{claim.reference}:{event}{suffix}",
        kind=f"claim_{event}",
        title=_Lazy(title, values),
        body=_Lazy(body, values),
        link=claim.get_absolute_url(),
    )
