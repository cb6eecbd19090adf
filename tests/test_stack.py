"""`make stack`'s shape under faults: real processes under supervisord, Redis restarted.

gunicorn, the Celery worker, beat and the bank simulator run under supervisord
(deploy/supervisord.conf) on the test database and a Redis of the test's own, which
holds the cache too (another database of it, as in .env.compose). Redis
is stopped for 10 s and comes back empty while the worker runs: a claim submitted
during the outage is paid and a selfie sent afterwards is decided within 2 minutes,
whether the worker survived or supervisord restarted it.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from rest_framework.authtoken.models import Token

from biometrics.services import face_reference_create
from claims.models import Claim, ClaimStatus
from jmo_portal.processes import PrivateRedis, Stack
from tests.biometrics import images
from tests.claims.helpers import make_participant, ready_claim
from tests.conftest import ROOT, deployed_env, require_services, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
OUTAGE_SECONDS = 10


def _stack(tmp_path: Path, redis: PrivateRedis) -> Stack:
    """The deployed shape, pointed at the test's database, broker and media."""
    return Stack(
        tmp_path / "stack",
        deployed_env(
            broker_url=redis.url,
            cache_url=redis.cache_url,
            LOG_JSON="1",
            SWEEP_SECONDS="10",  # what lost its message is sent again sooner
        ),
    )


def test_the_stack_pays_and_decides_after_redis_restarts_empty(tmp_path, settings):
    require_services(postgres=True, redis=True)
    redis = PrivateRedis(tmp_path)
    redis.start()
    stack = _stack(tmp_path, redis)
    settings.BANK_API_URL = stack.bank_url  # the account check in ready_claim
    try:
        wait_for(stack.healthy, timeout=120, interval=1)
        wait_for(lambda: "ready." in stack.log("worker"), timeout=120, interval=1)
        worker_before = stack.worker_pids()
        payer = make_participant()
        claim = ready_claim(payer)
        selfie_taker = make_participant(face=False)
        face_reference_create(
            participant=selfie_taker, image=images.raw("obama", 1), source="registry"
        )

        def api(participant):
            token = Token.objects.get_or_create(user=participant.user)[0]
            return {"Authorization": f"Token {token.key}"}

        redis.stop()
        outage_started = time.monotonic()
        response = requests.post(
            f"{stack.url}/api/v1/claims/{claim.reference}/submit/",
            headers=api(payer), timeout=30,
        )  # fmt: skip
        assert response.status_code == 200, response.text[:500]
        home = requests.get(stack.url, headers={"Accept-Language": "id"}, timeout=30)
        assert home.status_code == 200 and "JMO" in home.text, home.text[:500]
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
        redis.start()  # empty: every queued message is gone
        restarted = time.monotonic()

        response = requests.post(
            f"{stack.url}/api/v1/biometrics/selfies/",
            files={"image": ("s.jpg", images.raw("obama", 2), "image/jpeg")},
            headers=api(selfie_taker), timeout=30,
        )  # fmt: skip
        assert response.status_code == 202, response.text[:500]
        selfie = f"{stack.url}/api/v1/biometrics/selfies/{response.json()['id']}/"

        def done() -> bool:
            status = requests.get(selfie, headers=api(selfie_taker), timeout=10)
            paid = Claim.objects.get(pk=claim.pk).status == ClaimStatus.PAID
            return paid and status.json()["status"] == "matched"

        deadline = restarted + 120
        while not done():
            assert time.monotonic() < deadline, (
                f"not done 2 minutes after Redis came back\nworker:\n"
                f"{stack.log('worker')}\nbeat:\n{stack.log('beat')}"
            )
            time.sleep(1)
        print(
            f"paid and decided {time.monotonic() - restarted:.0f}s after the restart;"
            f" worker {'survived' if stack.worker_pids() == worker_before else 'restarted'}"
        )
        assert stack.healthy()
    finally:
        stack.stop()
        redis.stop()


def test_the_compose_file_gives_every_service_a_restart_policy_and_a_health_check():
    """`docker-compose config` (Debian's Compose, installed by `make test`) checks
    the file against the Compose schema and prints it resolved, anchors merged;
    it needs no Docker engine."""
    import yaml

    if shutil.which("docker-compose") is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("docker-compose is missing (make test installs it)")
        pytest.skip("needs docker-compose")
    resolved = subprocess.run(
        ["docker-compose", "--file", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resolved.returncode == 0, resolved.stderr
    compose = yaml.safe_load(resolved.stdout)
    for name, service in compose["services"].items():
        assert service.get("restart") == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name
    assert set(compose["services"]) >= {"db", "redis", "web", "worker", "beat", "bank"}
    assert os.path.exists(ROOT / "deploy" / "supervisord.conf")
