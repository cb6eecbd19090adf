"""Shared fixtures: the cast for permission tests, API clients, a real Celery worker."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from jmo_portal.processes import PrivateRedis, Worker, broker_at
from tests.factories import ParticipantFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def require_services(*, postgres: bool = False, redis: bool = False) -> None:
    """Skip when a service is absent, unless REQUIRE_SERVICES=1 (then settings fail)."""
    if (
        postgres
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        pytest.skip("needs PostgreSQL (runs in CI with REQUIRE_SERVICES=1)")
    if redis and not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis (runs in CI with REQUIRE_SERVICES=1)")


def _participant_user(**participant_fields):
    participant = ParticipantFactory(**participant_fields)
    user = UserFactory(username=participant.email, email=participant.email)
    user.groups.add(Group.objects.get_or_create(name="participant")[0])
    participant.user = user
    participant.save(update_fields=["user"])
    return user


def _staff_user(username: str, role: str):
    from participants.services.two_factor import staff_two_factor_setup

    user = UserFactory(
        username=username, email=f"{username}@bpjs.example", is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if role == "admin":
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    staff_two_factor_setup(user=user)
    return user


STAFF_PASSWORD = "Rahasia-123"


def totp_code(user) -> str:
    """The current code of the user's authenticator app, computed with django-otp's
    own TOTP. A device refuses a second code of a time step it already accepted
    (replay); tests log in often within 30 seconds, so each starts a fresh step."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from participants.services.two_factor import staff_two_factor_setup

    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:  # a staff login made without create_staff
        staff_two_factor_setup(user=user)
        device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def staff_login(user, client=None):
    """Log a staff member in through /desk/login/: password and TOTP code."""
    from django.test import Client
    from django.urls import reverse

    client = client or Client()
    response = client.post(
        reverse("frontoffice:login"),
        {
            "username": user.username,
            "password": STAFF_PASSWORD,
            "otp_token": totp_code(user),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def member_api(participant) -> APIClient:
    """An API client logged in as `participant` (no token round trip)."""
    client = APIClient()
    client.force_authenticate(participant.user)
    return client


def staff_api(user) -> APIClient:
    """An API client with the token a staff member gets with password and code."""
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/",
        {
            "username": user.username,
            "password": STAFF_PASSWORD,
            "otp_token": totp_code(user),
        },
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (login throttle counts), and with the
    policy cache and the dispatcher trusting Redis (a test that made it fail leaves
    no pause)."""
    from django.core.cache import cache

    from jmo_portal import dispatch, policy_cache

    policy_cache._health.update(down_until=0.0, bump_pending=False)
    dispatch._health.update(paused_until=0.0)
    cache.clear()


@pytest.fixture
def branch(db):
    """An open branch office with a kiosk and queue at /desk/kiosk/pusat/."""
    from tutorials.models import Branch

    return Branch.objects.get_or_create(
        code="pusat",
        defaults={
            "name": "Kantor Cabang Jakarta Pusat",
            "address": "Jakarta Pusat",
            "hours_id": "Senin–Jumat",
            "hours_en": "Monday–Friday",
        },
    )[0]


@pytest.fixture
def participant_user(db):
    return _participant_user()


@pytest.fixture
def other_participant_user(db):
    return _participant_user()


@pytest.fixture
def front_office_user(db):
    return _staff_user("fo_officer", "front_office")


@pytest.fixture
def claims_officer_user(db):
    return _staff_user("claims_officer", "claims_officer")


@pytest.fixture
def admin_user(db):
    return _staff_user("portal_admin", "admin")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def participant_api(participant_user):
    client = APIClient()
    client.force_authenticate(participant_user)
    return client


def database_url(suffix: str = "") -> str:
    """The test database's URL, or that of a scratch database named after it."""
    db = settings.DATABASES["default"]
    host = f"{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{host}/{db['NAME']}{suffix}"


def worker_env(**extra: str) -> dict:
    """The environment of a worker process that shares the test database and media."""
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings_test",
        "DATABASE_URL": database_url(),
        "TEST_DATABASE_NAME": db["NAME"],
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def deployed_env(*, broker_url: str, cache_url: str, **extra: str) -> dict:
    """A process on the deployed settings (jmo_portal.settings: persistent database
    connections, no test overrides) with the test's database, media and broker."""
    return worker_env(
        DJANGO_SETTINGS_MODULE="jmo_portal.settings",
        CELERY_BROKER_URL=broker_url,
        CACHE_URL=cache_url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        EMAIL_URL="dummymail://",
        **extra,
    )


@pytest.fixture(scope="session")
def bank_simulator(tmp_path_factory):
    from claims.bank.harness import BankSimulator

    sim = BankSimulator(tmp_path_factory.mktemp("bank") / "bank.sqlite3")
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def sms_simulator(tmp_path_factory):
    from notifications.sms_harness import SmsSimulator

    sim = SmsSimulator(tmp_path_factory.mktemp("sms") / "sms.sqlite3")
    yield sim
    sim.stop()


@pytest.fixture
def odd_gateway():
    """A stand-in bank or SMS gateway that answers oddly (tests/odd_gateway.py)."""
    from tests.odd_gateway import odd_gateway

    with odd_gateway() as server:
        yield server


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback that the portal's mail goes to
    (tests/smtp_server.py): `.messages`, `.connections`."""
    from tests.smtp_server import SmtpServer, use_smtp

    server = SmtpServer()
    use_smtp(settings, server.port)
    yield server
    server.stop()


@pytest.fixture
def bank(bank_simulator, settings):
    """The shared simulator with default switches; transfers settle at once.

    Ask for it before `celery_worker` and the worker pays through it too.
    """
    from tests.claims.helpers import DEFAULT_FLAGS

    settings.BANK_API_URL = bank_simulator.url
    bank_simulator.flags(**DEFAULT_FLAGS)
    return bank_simulator


@pytest.fixture
def celery_worker(transactional_db):
    """A real `celery worker` process on Redis, sharing the test database and media.

    Eager mode is off while it runs, so `.delay()` goes through the broker.
    """
    require_services(postgres=True, redis=True)
    from jmo_portal.celery import app

    app.control.purge()
    log = Path(settings.MEDIA_ROOT) / f"worker-{time.time_ns()}.log"
    worker = Worker(worker_env(BANK_API_URL=settings.BANK_API_URL), log)
    worker.start()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield worker.proc
    finally:
        app.conf.task_always_eager = previous
        worker.stop()


@pytest.fixture
def broker():
    """Tasks go through Redis (not eagerly) while the test runs."""
    require_services(postgres=True, redis=True)
    from jmo_portal.celery import app

    app.control.purge()
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True
    app.control.purge()


@pytest.fixture
def redis_down(broker, tmp_path):
    """A private Redis that has been stopped; this process's tasks go to it.

    Start it again with `.start()` (it comes back empty, as after a crash).
    """
    redis = PrivateRedis(tmp_path)
    with broker_at(broker, redis.url):
        redis.start()
        redis.stop()
        assert not redis.answers()
        try:
            yield redis
        finally:
            redis.stop()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until `predicate()` is truthy; return its value or fail with a message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


def selfie_decided(attempt_id: int, timeout: float = 60.0):
    """Wait until a worker has decided a selfie attempt; return the row."""
    from biometrics.models import SelfieAttempt

    def decided():
        attempt = SelfieAttempt.objects.get(pk=attempt_id)
        return None if attempt.is_pending else attempt

    return wait_for(decided, timeout=timeout, interval=0.3)


def selfie_decided_api(api, attempt_id: int, timeout: float = 90.0) -> dict:
    """The same through API v1, polled as a mobile client polls; return the body."""

    def decided():
        body = api.get(f"/api/v1/biometrics/selfies/{attempt_id}/").json()
        return None if body["status"] in ("queued", "processing") else body

    return wait_for(decided, timeout=timeout, interval=0.3)


@pytest.fixture
def deployed_policy_rows(transactional_db):
    """The rows `migrate` seeds (claim document lists, tax brackets), as on a fresh
    deployment: a transactional test earlier in the session flushed them."""
    from importlib import import_module

    from django.apps import apps

    import_module("claims.migrations.0002_default_policy").forwards(apps, None)


def closed_port() -> int:
    """A loopback port where nothing listens: connections are refused (a server
    that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server():
    """A port that accepts connections and never says a word: a stopped server
    process, a stuck pooler, an SMTP server that sends no greeting."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for conn in held:
        conn.close()
