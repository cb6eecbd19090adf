"""Payout exactly once: the Payout row is the truth, the bank call is idempotent.

Rules: JHT_RULES.md, "Payout" (own-name account, never lost or sent twice).

- `payout_create` (in the approving transaction) writes the row and dispatches the
  task after commit; a broker error leaves the row queued for `payout_sweep`.
- `payout_send` POSTs with Idempotency-Key outside any transaction; a repeated
  call (retry, sweep, redelivered message) gets the bank's first result back.
- `payout_apply` settles under a row lock and is idempotent, whichever of the
  POST answer, the callback or the polling sweep arrives first.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from claims.bank import client as bank
from claims.models import Claim, ClaimPolicy, ClaimStatus, Payout, PayoutStatus
from jmo_portal import metrics
from jmo_portal.dispatch import dispatch, dispatch_on_commit
from participants.services.ledger import ledger_debit

from .alerts import officers_alert
from .lifecycle import claim_transition
from .notify import claim_notify

logger = logging.getLogger(__name__)
P = PayoutStatus
S = ClaimStatus
FINAL = (P.COMPLETED, P.FAILED)
KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


def payout_create(*, claim: Claim, account_changed: bool = False) -> Payout:
    """Queue the transfer of the claim's net amount (caller holds the transaction)."""
    earlier = Payout.objects.filter(claim=claim).count()
    key = claim.reference if earlier == 0 else f"{claim.reference}-R{earlier}"
    not_before = None
    cooling = ClaimPolicy.current().bank_cooling_hours
    # The cooling period runs from the account change (now, or during review).
    changed_at = timezone.now() if account_changed else claim.bank_changed_at
    if changed_at and cooling:
        until = changed_at + dt.timedelta(hours=cooling)
        not_before = until if until > timezone.now() else None
    payout = Payout.objects.create(
        claim=claim,
        idempotency_key=key,
        amount=claim.net,
        bank_code=claim.bank_code,
        account_number=claim.account_number,
        account_holder=claim.account_holder,
        not_before=not_before,
    )
    from claims.tasks import payout_send as payout_send_task

    dispatch_on_commit(payout_send_task, payout.pk)
    return payout


def payout_dispatch(*, payout_id: int, poll: bool = False) -> bool:
    """Hand the payout to a worker; never raises: the sweep retries a lost dispatch."""
    from claims.tasks import payout_poll as payout_poll_task
    from claims.tasks import payout_send as payout_send_task

    return dispatch(payout_poll_task if poll else payout_send_task, payout_id)


def _callback_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("claims:bank-callback")


def payout_send(*, payout_id: int) -> Payout:
    """POST the transfer (idempotent at the bank); raises BankTransientError to retry."""
    payout = Payout.objects.select_related("claim").get(pk=payout_id)
    if payout.status in FINAL:
        return payout
    if payout.not_before and payout.not_before > timezone.now():
        return payout
    Payout.objects.filter(pk=payout_id, status__in=[P.QUEUED, P.SENDING]).update(
        status=P.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    payload = {
        "external_id": payout.idempotency_key,
        "amount": payout.amount,
        "bank_code": payout.bank_code,
        "account_holder_name": payout.account_holder,
        "account_number": payout.account_number,
        "description": f"JHT {payout.claim.reference}",
        "callback_url": _callback_url(),
    }
    try:
        result = bank.disbursement_create(
            idempotency_key=payout.idempotency_key, payload=payload
        )
    except bank.BankTransientError as exc:
        Payout.objects.filter(pk=payout_id).update(last_error=str(exc)[:300])
        raise
    except bank.BankError as exc:
        return payout_refused(payout_id=payout_id, code=exc.code, message=str(exc))
    return payout_apply(
        payout_id=payout_id,
        bank_status=result.get("status", ""),
        bank_id=result.get("id", ""),
        failure_code=result.get("failure_code") or "",
    )


def payout_poll(*, payout_id: int) -> Payout:
    """Ask the bank for the transfer; if it never arrived there, send it again."""
    payout = Payout.objects.get(pk=payout_id)
    if payout.status in FINAL:
        return payout
    found = bank.disbursement_list(external_id=payout.idempotency_key)
    if not found:
        return payout_send(payout_id=payout_id)
    row = found[0]
    return payout_apply(
        payout_id=payout_id,
        bank_status=row.get("status", ""),
        bank_id=row.get("id", ""),
        failure_code=row.get("failure_code") or "",
    )


@transaction.atomic
def payout_apply(
    *, payout_id: int, bank_status: str, bank_id: str = "", failure_code: str = ""
) -> Payout:
    """Record the bank's status once; the first final status wins, repeats do nothing."""
    payout = (
        Payout.objects.select_for_update().select_related("claim").get(pk=payout_id)
    )
    if payout.status in FINAL or bank_status not in ("PENDING", "COMPLETED", "FAILED"):
        return payout
    claim = payout.claim
    now = timezone.now()
    if bank_id:
        payout.bank_id = bank_id
    if bank_status == "PENDING":
        payout.status = P.PENDING
        payout.save(update_fields=["status", "bank_id", "updated_at"])
        if claim.status == S.APPROVED:
            claim_transition(claim=claim, to=S.PAYOUT_PENDING)
        return payout
    if bank_status == "COMPLETED":
        payout.status = P.COMPLETED
        payout.settled_at = now
        payout.save(update_fields=["status", "bank_id", "settled_at", "updated_at"])
        ledger_debit(
            participant=claim.participant,
            amount=claim.gross,
            on=timezone.localdate(now),
        )
        Claim.objects.filter(pk=claim.pk).update(paid_at=now)
        claim.paid_at = now
        claim_transition(claim=claim, to=S.PAID, notify=False)
        claim_notify(claim=claim, event="paid")
        return payout
    payout.status = P.FAILED
    payout.failure_code = failure_code[:40]
    payout.settled_at = now
    payout.save(
        update_fields=["status", "bank_id", "failure_code", "settled_at", "updated_at"]
    )
    reason = payout.failure_reason
    claim_transition(
        claim=claim, to=S.PAYOUT_FAILED, note=f"{failure_code}: {reason}", notify=False
    )
    claim_notify(
        claim=claim, event="payout_failed", note=reason, suffix=f":{payout.pk}"
    )
    return payout


def payout_refused(*, payout_id: int, code: str, message: str) -> Payout:
    """A definite refusal (4xx) ends this payout: it is never sent again as it is.

    An Idempotency-Key the bank knows for another transfer means our records and
    the bank's disagree: the payout stops and the officers look (no new account is
    asked for, since money may have moved under that key).
    """
    logger.error("payout %s refused by the bank: %s %s", payout_id, code, message)
    if code != KEY_REUSED:
        return payout_apply(
            payout_id=payout_id, bank_status="FAILED", failure_code=code or "REFUSED"
        )
    with transaction.atomic():
        payout = Payout.objects.select_for_update().select_related("claim")
        payout = payout.get(pk=payout_id)
        if payout.status in FINAL:
            return payout
        payout.status, payout.failure_code = P.FAILED, code
        payout.last_error, payout.alerted_at = message[:300], timezone.now()
        payout.save(update_fields=["status", "failure_code", "last_error",
                                   "alerted_at", "updated_at"])  # fmt: skip
        # In the same transaction: the alert is queued exactly when the payout stops.
        officers_alert(
            key=f"payout:{payout.idempotency_key}:key_reused",
            subject=f"Payout {payout.idempotency_key}: Idempotency-Key conflict",
            body=f"The bank refused payout {payout.idempotency_key} of claim "
            f"{payout.claim.reference}: the key was used for another transfer. "
            "It is stopped; check the bank's records before paying this claim.",
        )  # fmt: skip
    return payout


def payout_callback(*, external_id: str, bank_status: str, bank_id: str,
                    failure_code: str = "") -> Payout | None:  # fmt: skip
    payout = Payout.objects.filter(idempotency_key=external_id).first()
    if payout is None:
        return None
    if payout.bank_id and bank_id and payout.bank_id != bank_id:
        logger.warning("callback for %s with an unknown bank id", external_id)
        return None
    return payout_apply(
        payout_id=payout.pk, bank_status=bank_status, bank_id=bank_id,
        failure_code=failure_code,
    )  # fmt: skip


def payout_sweep(*, stale_seconds: float = 60, limit: int = 500) -> dict:
    """Re-dispatch payouts whose message was lost; poll transfers still pending."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=stale_seconds)
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    to_send = list(
        Payout.objects.filter(status__in=[P.QUEUED, P.SENDING], updated_at__lt=cutoff)
        .filter(due)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    to_poll = list(
        Payout.objects.filter(status=P.PENDING, updated_at__lt=cutoff)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    Payout.objects.filter(pk__in=to_send + to_poll).update(sweeps=F("sweeps") + 1)
    sent = sum(payout_dispatch(payout_id=pk) for pk in to_send)
    polled = sum(payout_dispatch(payout_id=pk, poll=True) for pk in to_poll)
    metrics.SWEEP_REDISPATCHES.labels(kind="payout").inc(sent + polled)
    alerted = payouts_unsettled_alert()
    return {"send": len(to_send), "poll": len(to_poll), "dispatched": sent + polled,
            "alerted": alerted}  # fmt: skip


@transaction.atomic  # the payouts are marked alerted only with the alert queued
def payouts_unsettled_alert() -> int:
    """Alert the officers once about payouts still open after N sweeps."""
    stuck = Payout.objects.filter(
        sweeps__gte=settings.PAYOUT_ALERT_AFTER_SWEEPS, alerted_at__isnull=True
    ).exclude(status__in=FINAL)
    keys, first = [], None
    for payout in stuck.select_related("claim")[:100]:
        if Payout.objects.filter(pk=payout.pk, alerted_at__isnull=True).update(
            alerted_at=timezone.now()
        ):
            first = first or payout.pk
            keys.append(f"{payout.idempotency_key} ({payout.status}, "
                        f"{payout.sweeps} sweeps: {payout.last_error or '-'})")  # fmt: skip
    if keys:
        officers_alert(
            # A payout is alerted once, so its first payout names the alert.
            key=f"payouts:unsettled:{first}",
            subject=f"{len(keys)} payout(s) not settled",
            body="Still not settled after repeated sweeps:\n" + "\n".join(keys),
        )
    return len(keys)
