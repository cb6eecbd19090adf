"""Payout exactly once through real parts: PostgreSQL, Redis, killed workers, a flaky bank."""

import os
import random
import time
from collections import Counter

import pytest

from claims import services
from claims.bank.harness import BankSimulator
from claims.models import Claim, ClaimStatus, Payout
from jmo_portal.processes import Worker
from participants.models import Participant
from tests.claims.helpers import make_participant, ready_claim
from tests.conftest import wait_for, worker_env

# 60 claims through four SIGKILLs keep `make test` within its budget; a longer run:
# PAYOUT_FAULT_CLAIMS=500 pytest tests/claims/test_payout_faults.py.
CLAIMS = int(os.environ.get("PAYOUT_FAULT_CLAIMS", "60"))
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _worker_env(bank_url: str, site_url: str, **extra: str) -> dict:
    return worker_env(
        BANK_API_URL=bank_url, SITE_URL=site_url, BANK_TIMEOUT_SECONDS="0.6", **extra
    )


def test_killed_workers_and_a_flaky_bank_pay_every_claim_exactly_once(
    broker, live_server, tmp_path, settings
):
    rng = random.Random(int(os.environ.get("PAYOUT_FAULT_SEED", "4")))
    sim = BankSimulator(
        tmp_path / "bank.sqlite3",
        flags={"settle_delay_ms": 150, "timeout_rate": 0.25, "timeout_seconds": 1.2,
               "drop_callback_rate": 0.5, "error_rate": 0.05},
    )  # fmt: skip
    settings.BANK_API_URL = sim.url
    settings.SITE_URL = live_server.url
    worker = Worker(_worker_env(sim.url, live_server.url), tmp_path / "worker.log")
    try:
        worker.start()
        participants = []
        for _ in range(CLAIMS):
            participant = make_participant(balance=rng.randint(1, 15) * 1_000_000)
            claim = ready_claim(participant)
            services.claim_submit(claim=claim)  # approved; payout dispatched on commit
            participants.append(participant)
        started = time.monotonic()
        deadline = started + 60 + CLAIMS  # about a claim a second at worst
        unpaid = CLAIMS
        while unpaid and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.3, 1.5))
            if worker.kills < 4:
                worker.kill()  # at a random point of whatever it was doing
            services.payout_sweep(stale_seconds=2)
            if not worker.running:
                worker.start()
            unpaid = Claim.objects.exclude(status=ClaimStatus.PAID).count()
        assert unpaid == 0, f"{unpaid} claims not paid; see {worker.log}"
        stats = sim.stats()
    finally:
        worker.stop()
        sim.stop()
    assert worker.kills >= 3
    # The faults really happened: late answers, refused calls, lost callbacks.
    assert stats["counters"].get("timeouts", 0) > 0
    assert stats["callbacks"].get("dropped", 0) > 0
    transfers = sim.transfers()
    per_claim = Counter(t["external_id"] for t in transfers)
    claims = list(Claim.objects.values_list("reference", "net"))
    assert set(per_claim) == {ref for ref, _ in claims}
    assert max(per_claim.values()) == 1, "a claim was transferred twice"
    assert {t["status"] for t in transfers} == {"COMPLETED"}
    assert {t["external_id"]: t["amount"] for t in transfers} == dict(claims)
    assert set(Payout.objects.values_list("status", flat=True)) == {"completed"}
    for participant in participants:
        participant.refresh_from_db()
        assert participant.balance == 0
    assert Participant.objects.filter(paid_out_total__gt=0).count() == CLAIMS
    print(
        f"{CLAIMS} claims paid once in {time.monotonic() - started:.1f}s with "
        f"{worker.kills} SIGKILLs; bank: {stats}"
    )


def test_a_claim_submitted_while_redis_is_stopped_is_paid_after_it_returns(
    redis_down, tmp_path, settings
):
    sim = BankSimulator(tmp_path / "bank.sqlite3", flags={"settle_delay_ms": 0})
    settings.BANK_API_URL = sim.url
    participant = make_participant()
    claim = ready_claim(participant)
    try:
        services.claim_submit(claim=claim)  # the dispatch after commit fails
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.APPROVED
        assert claim.payouts.get().status == "queued"
        assert sim.transfers() == []

        redis_down.start()  # Redis is back, empty: the message was lost with it
        env = _worker_env(
            sim.url, "http://127.0.0.1:9", TEST_CELERY_BROKER_URL=redis_down.url
        )
        worker = Worker(env, tmp_path / "w.log")
        worker.start()
        try:

            def paid() -> bool:
                services.payout_sweep(stale_seconds=0)  # what beat runs
                claim.refresh_from_db()
                return claim.status == ClaimStatus.PAID

            wait_for(paid, timeout=30, interval=0.5)
        finally:
            worker.stop()
        assert [t["external_id"] for t in sim.transfers()] == [claim.reference]
    finally:
        sim.stop()
