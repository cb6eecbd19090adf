"""Promised dates (SLA) that were missed: each breach is told to a supervisor once."""

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import override

from claims.models import Claim
from claims.selectors import claim_delay, claims_overdue

from .alerts import supervisors_alert


def claims_overdue_alert(*, limit: int = 200) -> int:
    """Alert the supervisors about each claim newly past its promised date.

    A conditional UPDATE marks the breach (the promised date it concerns) before
    the alert, so two sweeps running at once never alert twice; a claim sent
    again with a new promised date can breach, and be alerted, again.
    """
    candidates = (
        claims_overdue()
        .filter(Q(sla_alerted_for__isnull=True) | ~Q(sla_alerted_for=F("sla_due")))
        .order_by("sla_due")[:limit]
    )
    alerted = 0
    for claim in candidates:
        with transaction.atomic():  # marked only with its alert queued
            marked = (
                Claim.objects.filter(pk=claim.pk, sla_due=claim.sla_due)
                .exclude(sla_alerted_for=claim.sla_due)
                .update(sla_alerted_for=claim.sla_due)
            )
            if not marked:
                continue
            with override("en"):  # staff alerts are in English, like officers_alert
                _alert(claim)
        alerted += 1
    return alerted


def _alert(claim: Claim) -> None:
    delay = claim_delay(claim=claim)
    supervisors_alert(
        key=f"claim:{claim.reference}:overdue:{claim.sla_due:%Y-%m-%d}",
        subject=f"Claim {claim.reference} is past its promised date",
        body=(
            f"Claim {claim.reference} ({claim.get_status_display()}) was "
            f"promised by {claim.sla_due:%d-%m-%Y} and is {delay['days_late']} "
            f"day(s) late: {delay['reason']}. It is listed first in the "
            "claims queue of the desk."
        ),
    )
