"""Thin Celery wrappers around claims.services.payout (ids in, services do the work)."""

from celery import shared_task
from django.conf import settings

from claims.bank.client import BankTransientError


@shared_task(
    acks_late=True,
    autoretry_for=(BankTransientError,),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def payout_send(payout_id: int) -> str:
    from claims.services.payout import payout_send

    return payout_send(payout_id=payout_id).status


@shared_task(
    acks_late=True,
    autoretry_for=(BankTransientError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
)
def payout_poll(payout_id: int) -> str:
    from claims.services.payout import payout_poll

    return payout_poll(payout_id=payout_id).status


@shared_task
def payout_sweep() -> dict:
    """Beat, every sweep: re-dispatch lost payouts and poll stale PENDING ones."""
    from claims.services.payout import payout_sweep

    return payout_sweep(stale_seconds=settings.SWEEP_SECONDS)


@shared_task
def claims_overdue_alert() -> int:
    """Beat, every 15 minutes: tell a supervisor once about each missed promise."""
    from claims.services.delays import claims_overdue_alert

    return claims_overdue_alert()
