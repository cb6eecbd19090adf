"""A claim submitted while Redis is down: the request succeeds; payout and messages follow."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services
from claims.bank.harness import BankSimulator
from claims.models import ClaimStatus
from jmo_portal.processes import Worker
from notifications.models import Notification
from notifications.tasks import notification_sweep
from tests.claims.helpers import make_participant, ready_claim
from tests.conftest import wait_for, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_submitting_while_redis_is_down_succeeds_and_is_paid_and_told_later(
    redis_down, tmp_path, settings
):
    sim = BankSimulator(tmp_path / "bank.sqlite3", flags={"settle_delay_ms": 0})
    settings.BANK_API_URL = sim.url
    participant = make_participant()
    claim = ready_claim(participant)
    client = APIClient()
    client.force_authenticate(participant.user)
    try:
        response = client.post(f"/api/v1/claims/{claim.reference}/submit/")
        assert response.status_code == 200, response.content[:300]
        assert response.json()["status"] == ClaimStatus.APPROVED
        claim.refresh_from_db()
        assert claim.payouts.get().status == "queued"
        waiting = Notification.objects.filter(
            participant=participant, delivered_at__isnull=True
        ).exclude(channel=Notification.Channel.INBOX)
        assert waiting.exists()

        redis_down.start()
        env = worker_env(
            BANK_API_URL=sim.url,
            SITE_URL="http://127.0.0.1:9",
            TEST_CELERY_BROKER_URL=redis_down.url,
        )
        worker = Worker(env, tmp_path / "w.log")
        worker.start()
        try:

            def settled() -> bool:
                services.payout_sweep(stale_seconds=0)
                later = timezone.now() + dt.timedelta(minutes=3)
                with time_machine.travel(later):
                    notification_sweep()
                claim.refresh_from_db()
                return claim.status == ClaimStatus.PAID and not waiting.exists()

            wait_for(settled, timeout=60, interval=0.5)
        finally:
            worker.stop()
        assert [t["external_id"] for t in sim.transfers()] == [claim.reference]
    finally:
        sim.stop()
