"""The deployed settings when PostgreSQL drops every connection (a restart, a
failover, an idle-connection reaper) or does not answer at all.

gunicorn keeps its connection for DB_CONN_MAX_AGE, so the next request must find it
dead and open a new one instead of answering 500 (Celery closes its connection
after each task). While PostgreSQL is down, members get a 503 that says to try
again, in their language: JSON under /api/, the error page elsewhere."""

import subprocess
import sys

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from biometrics.services import face_reference_create
from jmo_portal.processes import WebServer, Worker, free_port
from tests.biometrics import images
from tests.claims.helpers import make_participant
from tests.conftest import ROOT, require_services, selfie_decided, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _drop_every_other_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_web_and_the_worker_reconnect_after_the_database_drops_them(
    broker, tmp_path, settings
):
    require_services(postgres=True, redis=True)
    env = worker_env(
        DJANGO_SETTINGS_MODULE="jmo_portal.settings",  # persistent connections
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CACHE_URL="locmemcache://",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        EMAIL_URL="dummymail://",
    )
    web = WebServer(env, tmp_path / "web.log")
    worker = Worker(env, tmp_path / "worker.log")
    member = make_participant(face=False)
    face_reference_create(
        participant=member, image=images.raw("obama", 1), source="registry"
    )
    headers = {"Authorization": f"Token {Token.objects.create(user=member.user).key}"}

    me = f"{web.url}/api/v1/me/"
    try:
        web.start()
        worker.start()
        assert requests.get(me, headers=headers, timeout=30).status_code == 200
        assert _drop_every_other_connection() >= 1  # gunicorn's, kept for reuse

        response = requests.post(
            f"{web.url}/api/v1/biometrics/selfies/", headers=headers, timeout=30,
            files={"image": ("s.jpg", images.raw("obama", 2), "image/jpeg")},
        )  # fmt: skip
        assert response.status_code == 202, web.log.read_text()[-3000:]
        assert selfie_decided(response.json()["id"]).status == "matched"
        assert requests.get(me, headers=headers, timeout=30).status_code == 200
    finally:
        worker.stop()
        web.stop()


def _compose_env() -> dict:
    """.env.compose: the settings docker-compose deploys with (DJANGO_DEBUG=False)."""
    lines = (ROOT / ".env.compose").read_text().splitlines()
    return dict(
        line.split("=", 1) for line in lines if "=" in line and not line.startswith("#")
    )


def test_while_the_database_is_down_members_are_told_to_try_again(tmp_path):
    down = f"postgres://postgres@127.0.0.1:{free_port()}/jmo"  # nothing listens
    env = {
        **worker_env(),
        **_compose_env(),
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings",
        "DATABASE_URL": down,
        "CELERY_BROKER_URL": "memory://",
        "CACHE_URL": "locmemcache://",
        "MEDIA_ROOT": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "EMAIL_URL": "dummymail://",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)  # as the Dockerfile does
    web = WebServer(env, tmp_path / "web.log")
    web.start()
    try:
        indonesian = {"Accept-Language": "id"}
        api = requests.get(
            f"{web.url}/api/v1/me/", timeout=30,
            headers={**indonesian, "Authorization": "Token 0123456789abcdef"},
        )  # fmt: skip
        assert api.status_code == 503, api.text[:2000]
        assert api.headers["Retry-After"] == "60"
        assert api.json() == {
            "code": "unavailable",
            "detail": "Layanan sedang tidak tersedia sebentar. Tidak ada yang hilang: "
            "silakan coba lagi dalam satu menit.",
        }
        page = requests.get(f"{web.url}/", headers=indonesian, timeout=30)
        assert page.status_code == 503, page.text[:2000]
        assert "Terjadi kesalahan" in page.text and "Tidak ada yang hilang" in page.text
    finally:
        web.stop()
