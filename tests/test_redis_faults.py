"""The shared Redis answering but out of memory (maxmemory, noeviction): reads
work, writes fail with OOM. A policy saved meanwhile must still reach every
process: before, the new version could not be written, so the processes that
had read the policy kept the old one (a raised attempt limit or a new threshold
ignored) until another save. Sessions, rate limits and blocks do not live in the
cache (PostgreSQL), so they neither open nor vanish with it.
"""

import os
import signal
import time

import pytest
import redis
import requests
from django.core.cache import cache
from rest_framework.test import APIClient

from claims.models import ClaimStatus, PayoutStatus
from jmo_portal.processes import PrivateRedis, WebServer, broker_at
from tests.claims.helpers import make_participant, ready_claim
from tests.conftest import require_services, staff_api, worker_env
from tests.data_update import confirm_data_at_desk
from tests.journey import PASSWORD, activate, registry_member

pytestmark = pytest.mark.django_db(transaction=True)


def _member_reading_the_policy(tmp_path, cache_url: str):
    """A registry member with the data update done, and one gunicorn process on
    the given cache: (server, the biometric status URL, the member's headers)."""
    member = registry_member(tmp_path)
    activate(member)
    confirm_data_at_desk(member)
    server = WebServer(worker_env(CACHE_URL=cache_url), tmp_path / "web.log", workers=1)
    server.start()
    key = requests.post(
        f"{server.url}/api/v1/auth/token/",
        {"username": member.email, "password": PASSWORD}, timeout=10,
    ).json()["token"]  # fmt: skip
    headers = {"Authorization": f"Token {key}"}
    return server, f"{server.url}/api/v1/biometrics/status/", headers


def test_a_policy_saved_while_redis_is_out_of_memory_reaches_every_process(
    tmp_path, admin_user, settings
):
    require_services(postgres=True, redis=True)
    private = PrivateRedis(tmp_path)
    private.start()
    server = None
    try:
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private.cache_url,
        }}  # fmt: skip
        server, url, headers = _member_reading_the_policy(tmp_path, private.cache_url)
        for _ in range(2):  # read once, then kept under the cached version
            assert (
                requests.get(url, headers=headers, timeout=10).json()["max_attempts"]
                == 3
            )
        client = redis.Redis.from_url(private.cache_url)
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", 1)  # every write now fails with OOM
        with pytest.raises(redis.exceptions.OutOfMemoryError):
            client.set("probe", "x")

        changed = staff_api(admin_user).patch(
            "/api/v1/policy/", {"max_attempts": 5, "reason": "pilot"}, format="json"
        )
        assert changed.status_code == 200, changed.content
        body = requests.get(url, headers=headers, timeout=10).json()
        assert (body["max_attempts"], body["attempts_left"]) == (5, 5)

        client.config_set("maxmemory", 0)  # memory again: cached reads resume
        for _ in range(2):
            body = requests.get(url, headers=headers, timeout=10).json()
            assert body["max_attempts"] == 5
    finally:
        if server is not None:
            server.stop()
        private.stop()


def test_a_redis_that_hangs_does_not_hang_the_portal(tmp_path, settings):
    """Redis stopped mid-flight (SIGSTOP: connections accepted, nothing answered),
    as under a frozen VM or a network black hole: every request asked it for the
    policy version and waited redis-py's default socket timeout (5 s). Now one
    request per process waits the cache's timeout (1 s), and the process reads
    the database without asking Redis for CACHE_RETRY_SECONDS."""
    require_services(postgres=True, redis=True)
    private = PrivateRedis(tmp_path)
    private.start()
    server = None
    try:
        server, url, headers = _member_reading_the_policy(tmp_path, private.cache_url)
        assert requests.get(url, headers=headers, timeout=10).status_code == 200
        os.kill(private.proc.pid, signal.SIGSTOP)
        try:
            # Before: 5 s each (redis-py's default socket timeout), which with a
            # few sync workers is a portal that no longer answers.
            for _ in range(3):
                body = requests.get(url, headers=headers, timeout=3).json()
                assert body["max_attempts"] == 3
            page = requests.get(f"{server.url}/login/", timeout=3)
            assert page.status_code == 200
        finally:
            os.kill(private.proc.pid, signal.SIGCONT)
    finally:
        if server is not None:
            server.stop()
        private.stop()


def test_a_version_that_could_not_be_written_is_written_when_redis_answers(
    tmp_path, settings, admin_user, monkeypatch
):
    """Redis hung through a save (neither SET nor DEL answered) and came back with
    the old version: an idle process would keep its old policy under it, so the
    saving process writes the new version at its first read that reaches Redis."""
    from biometrics.models import BiometricPolicy
    from biometrics.services import biometric_policy_update
    from jmo_portal import policy_cache

    require_services(redis=True)
    private = PrivateRedis(tmp_path)
    private.start()
    try:
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private.cache_url,
            "OPTIONS": {"socket_timeout": 0.3, "socket_connect_timeout": 0.3},
        }}  # fmt: skip
        monkeypatch.setattr(policy_cache, "CACHE_RETRY_SECONDS", 0)
        BiometricPolicy.current()
        before = cache.get(policy_cache.VERSION_KEY)
        assert before
        os.kill(private.proc.pid, signal.SIGSTOP)
        try:
            biometric_policy_update(
                values={"max_attempts": 4}, actor=admin_user, reason="hung"
            )
        finally:
            os.kill(private.proc.pid, signal.SIGCONT)
        assert cache.get(policy_cache.VERSION_KEY) == before  # the save missed it
        assert BiometricPolicy.current().max_attempts == 4
        assert cache.get(policy_cache.VERSION_KEY) not in (before, None)
    finally:
        private.stop()


def test_a_claim_submitted_while_the_broker_hangs_answers_within_seconds(
    broker, bank, silent_server, caplog
):
    """The broker accepts connections and never answers. A submission queues the
    payout and two notifications after commit: each send waited the socket timeout
    (15 s), retried by redis-py and by kombu, 60 s a message, 3 minutes in all.
    Now the first send gives up within 2 x BROKER_TIMEOUT_SECONDS, the other sends
    of this process wait for the sweeps without asking, and the claim is saved."""
    participant = make_participant()
    claim = ready_claim(participant)
    client = APIClient()
    client.force_authenticate(participant.user)
    with broker_at(broker, f"redis://127.0.0.1:{silent_server}/0"):
        started = time.monotonic()
        answer = client.post(f"/api/v1/claims/{claim.reference}/submit/")
        took = time.monotonic() - started
    assert answer.status_code == 200, answer.content[:300]
    assert answer.json()["status"] == ClaimStatus.APPROVED
    assert claim.payouts.get().status == PayoutStatus.QUEUED  # for the sweep
    unsent = [m for m in caplog.messages if "not dispatched" in m]
    assert len(unsent) == 3 and "OperationalError" in unsent[0]
    assert all("a timeout a moment ago" in m for m in unsent[1:])  # not asked
    assert took < 5, took
