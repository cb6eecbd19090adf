"""Operations: /health/, /metrics/, JSON logs whose request id follows the work."""

import json
import socket
import threading
import time
import uuid

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from biometrics.models import SelfieAttempt
from biometrics.services import face_reference_create
from claims import services as claims_services
from claims.bank.harness import BankSimulator
from jmo_portal.dispatch import dispatch
from jmo_portal.processes import Worker, broker_at
from participants.models import BlockKind
from participants.services.guards import attempt_register_failure
from tests.biometrics import images
from tests.claims.helpers import make_participant, ready_claim
from tests.conftest import staff_login, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def _health(live_server):
    # Over HTTP: the health view is async, and the test client cannot run it
    # while the browser tests' event loop lives in this thread.
    response = requests.get(f"{live_server.url}/health/?format=json", timeout=30)
    return response.status_code, response.json()


@pytest.mark.services
def test_health_is_200_with_database_cache_storage_and_broker_up(broker, live_server):
    status, body = _health(live_server)
    assert status == 200, body
    assert {"Database", "Cache", "Storage", "Broker"} <= {k.split("(")[0] for k in body}


@pytest.mark.services
def test_queueing_work_without_a_broker_gives_up_at_once(broker):
    """A broker that takes connections and drops them at once: the message is left
    for the sweep after kombu's two connection tries, without kombu's default
    pauses between nine (6 s per message: a claim submitted during a Redis outage
    answered after ~20 s). Each kombu try is a few redis-py connections."""
    from claims.tasks import payout_send

    tries = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        server.settimeout(0.2)

        def drop(stop: threading.Event) -> None:
            while not stop.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                tries.append(1)
                conn.close()

        stop = threading.Event()
        dropper = threading.Thread(target=drop, args=(stop,))
        dropper.start()
        try:
            with broker_at(broker, f"redis://127.0.0.1:{server.getsockname()[1]}/0"):
                started = time.monotonic()
                assert dispatch(payout_send, 1) is False
                gave_up = time.monotonic() - started
        finally:
            stop.set()
            dropper.join()
    assert tries, "the broker was never asked"
    assert gave_up < 3, f"{len(tries)} connections in {gave_up:.1f}s"


@pytest.mark.services
def test_health_is_500_when_the_broker_is_down(redis_down, live_server):
    status, body = _health(live_server)
    assert status == 500
    broker = next(v for k, v in body.items() if k.startswith("Broker"))
    assert "unreachable" in broker
    assert redis_down.url not in json.dumps(body)


def test_metrics_answer_staff_and_allow_listed_addresses_only(
    client, participant_user, admin_user, settings
):
    settings.METRICS_ALLOWED_IPS = ["10.1.2.0/24"]
    assert client.get("/metrics/").status_code == 404
    client.force_login(participant_user)
    assert client.get("/metrics/").status_code == 404
    assert client.get("/metrics/", REMOTE_ADDR="10.1.2.3").status_code == 200
    staff = staff_login(admin_user)  # password and second factor
    assert staff.get("/metrics/").status_code == 200


def test_metrics_show_queues_states_blocks_and_sweeps(
    client, admin_user, settings, tmp_path
):
    sim = BankSimulator(tmp_path / "bank.sqlite3", flags={"settle_delay_ms": 0})
    settings.BANK_API_URL = sim.url
    try:
        payer = make_participant()
        claims_services.claim_submit(claim=ready_claim(payer))  # paid in-process
    finally:
        sim.stop()
    blocked = make_participant()
    for _ in range(3):
        attempt_register_failure(
            participant=blocked, kind=BlockKind.KPJ, max_attempts=3, reason="test"
        )
    SelfieAttempt.objects.create(participant=payer, image_sha256="x" * 64)
    claims_services.payout_sweep(stale_seconds=0)
    client = staff_login(admin_user)
    text = client.get("/metrics/").content.decode()
    assert 'jmo_selfie_queue_depth{status="queued"} 1.0' in text
    assert 'jmo_claims{status="paid"} 1.0' in text
    assert 'jmo_payouts{status="completed"} 1.0' in text
    assert 'jmo_blocks_created_total{kind="kpj"} 1.0' in text
    assert 'jmo_blocks_active{kind="kpj"} 1.0' in text
    for name in ("jmo_sweep_redispatches", "jmo_selfie_decision_seconds_bucket",
                 "jmo_dispatch_failures", "django_http_requests_total_by_method"):  # fmt: skip
        assert name in text, name


@pytest.mark.services
def test_a_request_id_follows_the_selfie_into_the_workers_json_logs(
    broker, participant_user, tmp_path
):
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    worker = Worker(worker_env(LOG_JSON="1"), tmp_path / "worker.log")
    worker.start()
    try:
        client = APIClient()
        client.force_authenticate(participant_user)
        request_id = uuid.uuid4().hex
        response = client.post(
            "/api/v1/biometrics/selfies/",
            {"image": SimpleUploadedFile("s.jpg", images.raw("obama", 2))},
            format="multipart",
            HTTP_X_REQUEST_ID=request_id,
        )
        assert response.status_code == 202
        assert response["X-Request-ID"] == request_id

        def logged() -> list[dict]:
            lines = worker.log.read_text().splitlines()
            records = [json.loads(x) for x in lines if x.startswith("{")]
            return [r for r in records if r.get("request_id") == request_id]

        records = wait_for(logged, timeout=60)
    finally:
        worker.stop()
    assert any("selfie_process" in r["message"] for r in records)
    assert {"asctime", "level", "name", "message"} <= set(records[0])
    assert participant.nik not in worker.log.read_text()
