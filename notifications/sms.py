"""SMS through the gateway exactly once, with its delivery report (jmo_portal/sms.py).

- `sms_queue` writes the SmsMessage row and dispatches the send after commit;
  the row is the truth, a lost message is found again by `sms_sweep`.
- `sms_deliver` POSTs with Idempotency-Key = the row's reference, outside any
  transaction: a repeated call (retry, sweep) gets the gateway's first answer.
- `sms_report` records the delivery report under a row lock, whichever of the
  callback or the sweep's poll comes first; repeats change nothing.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jmo_portal import metrics
from jmo_portal.dispatch import dispatch, dispatch_on_commit
from jmo_portal.sms import (
    DELIVERED,
    FAILED,
    SmsError,
    SmsTransientError,
    sms_backend,
)
from participants.models import Participant

from .models import SmsMessage

logger = logging.getLogger(__name__)
S = SmsMessage.Status
FINAL = (S.DELIVERED, S.FAILED)
# An SMS longer than this is cut: three concatenated parts at most.
MAX_TEXT = 459


def sms_queue(
    *, participant: Participant, reference: str, text: str, phone: str = ""
) -> SmsMessage:
    """One SMS per `reference` to the participant's phone (or to `phone`, a number
    of theirs not on file), sent after commit."""
    message, created = SmsMessage.objects.get_or_create(
        reference=reference,
        defaults={"participant": participant, "phone": phone or participant.phone,
                  "text": text[:MAX_TEXT]},
    )  # fmt: skip
    if created:
        from .tasks import sms_deliver as sms_deliver_task

        dispatch_on_commit(sms_deliver_task, message.pk)
    return message


def sms_deliver(*, sms_id: int) -> SmsMessage:
    """Hand the SMS to the gateway; SmsTransientError leaves it queued for a retry."""
    message = SmsMessage.objects.get(pk=sms_id)
    if message.status != S.QUEUED:
        return message
    SmsMessage.objects.filter(pk=sms_id).update(
        attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    try:
        answer = sms_backend().send(message.phone, message.text, message.reference)
    except SmsTransientError:
        logger.warning("SMS %s: the gateway did not answer", message.reference)
        raise
    except SmsError as exc:
        return sms_report(reference=message.reference, status=FAILED,
                          error_code=exc.code or "REFUSED")  # fmt: skip
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=sms_id)
        if message.status == S.QUEUED:
            message.status = S.ACCEPTED
            message.gateway_id = str(answer.get("id", ""))[:64]
            message.save(update_fields=["status", "gateway_id", "updated_at"])
    if answer.get("status") in (DELIVERED, FAILED):  # settled in the answer itself
        return sms_report(reference=message.reference, status=answer["status"],
                          error_code=answer.get("error_code") or "")  # fmt: skip
    return message


@transaction.atomic
def sms_report(*, reference: str, status: str, error_code: str = "",
               gateway_id: str = "") -> SmsMessage | None:  # fmt: skip
    """Record a delivery report once; None for a reference the portal never sent."""
    message = SmsMessage.objects.select_for_update().filter(reference=reference)
    message = message.first()
    if message is None:
        return None
    if gateway_id and message.gateway_id and gateway_id != message.gateway_id:
        logger.warning("delivery report for %s with an unknown gateway id", reference)
        return None
    if message.status in FINAL or status not in (DELIVERED, FAILED):
        return message
    message.status = S.DELIVERED if status == DELIVERED else S.FAILED
    message.error_code = error_code[:40]
    message.gateway_id = message.gateway_id or gateway_id[:64]
    message.reported_at = timezone.now()
    message.save()
    return message


def sms_poll(*, sms_id: int) -> SmsMessage:
    """Ask the gateway for an SMS with no report; one it never got is sent again."""
    message = SmsMessage.objects.get(pk=sms_id)
    if message.status in FINAL:
        return message
    found = sms_backend().lookup(message.reference)
    if found is None:
        SmsMessage.objects.filter(pk=sms_id, status=S.ACCEPTED).update(status=S.QUEUED)
        return sms_deliver(sms_id=sms_id)
    return sms_report(
        reference=message.reference, status=found.get("status", ""),
        error_code=found.get("error_code") or "", gateway_id=found.get("id", ""),
    ) or message  # fmt: skip


def sms_sweep(*, stale_seconds: float = 60, limit: int = 500) -> dict:
    """Send again what is still queued; poll what was accepted but never reported."""
    from .tasks import sms_deliver as sms_deliver_task
    from .tasks import sms_poll as sms_poll_task

    cutoff = timezone.now() - dt.timedelta(seconds=stale_seconds)
    stale = SmsMessage.objects.filter(updated_at__lt=cutoff, attempts__lt=20)
    to_send = list(stale.filter(status=S.QUEUED).values_list("pk", flat=True)[:limit])
    to_poll = list(stale.filter(status=S.ACCEPTED).values_list("pk", flat=True)[:limit])
    SmsMessage.objects.filter(pk__in=to_send + to_poll).update(
        sweeps=F("sweeps") + 1, updated_at=timezone.now()
    )
    sent = sum(dispatch(sms_deliver_task, pk) for pk in to_send)
    polled = sum(dispatch(sms_poll_task, pk) for pk in to_poll)
    metrics.SWEEP_REDISPATCHES.labels(kind="sms").inc(sent + polled)
    return {"send": len(to_send), "poll": len(to_poll), "dispatched": sent + polled}
