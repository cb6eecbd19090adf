"""PostgreSQL under the running portal, with the deployed settings: every connection
dropped (a failover, an idle-connection reaper), and the server stopped and started
again (a restart).

gunicorn keeps its connection for DB_CONN_MAX_AGE, so the next request must find it
dead and open a new one instead of answering 500 (Celery closes its connection
after each task). While PostgreSQL is down, members get a 503 that says to try
again, in their language: JSON under /api/, the error page elsewhere. A server
that accepts connections and never answers gets the same 503 after the connect
timeout (before: the request hung until gunicorn killed its worker)."""

import os
import subprocess
import sys
from contextlib import contextmanager

import psycopg2
import pytest
import requests
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from biometrics.services import face_reference_create
from jmo_portal.processes import PrivatePostgres, PrivateRedis, WebServer, Worker
from participants.models import DataUpdate, ParticipantProfile, ProfileChange
from tests.biometrics import images
from tests.claims.helpers import make_participant
from tests.conftest import (
    ROOT,
    database_url,
    deployed_env,
    require_services,
    selfie_decided,
    wait_for,
)
from tests.journey import CONTACT, PASSWORD, registry_files

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
    env = deployed_env(  # persistent connections
        broker_url=settings.CELERY_BROKER_URL, cache_url="locmemcache://"
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


def _compose_env(tmp_path, **extra: str) -> dict:
    """The settings docker-compose deploys with (.env.compose: DJANGO_DEBUG=False),
    with this machine's folders, and `extra` (the database, broker, cache)."""
    lines = (ROOT / ".env.compose").read_text().splitlines()
    return {
        **os.environ,
        **dict(
            line.split("=", 1)
            for line in lines
            if "=" in line and not line.startswith("#")
        ),
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "EMAIL_URL": "dummymail://",
        "LOG_JSON": "0",
        **extra,
    }


@contextmanager
def _web_without_broker(tmp_path, **extra: str):
    """gunicorn on the deployed settings and `extra` (the database), with no broker
    and no shared cache; stopped on leaving."""
    env = _compose_env(
        tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:9/0",
        CACHE_URL="locmemcache://", **extra,
    )  # fmt: skip
    web = WebServer(env, tmp_path / "web.log")
    web.start()
    try:
        yield web
    finally:
        web.stop()


def _told_to_try_again(answer) -> None:
    """The API's 503 while the database cannot answer: come back in a minute."""
    assert answer.status_code == 503, answer.text[:2000]
    assert answer.headers["Retry-After"] == "60"
    assert answer.json()["code"] == "unavailable"


def test_postgresql_stopped_then_started_again_under_the_running_portal(tmp_path):
    """A PostgreSQL cluster and a Redis of the test's own, loaded through the
    product's doors (migrate, import_members, activate_member), under gunicorn and a
    worker with .env.compose's production settings. Stopped: every request is a 503
    telling the member, in their language, to try again, and a selfie the worker
    takes meanwhile is tried again by the task itself. Started again: the same web
    process carries on, and the selfie is decided."""
    require_services(postgres=True, redis=True)
    pg, redis = PrivatePostgres(), PrivateRedis(tmp_path)
    web = worker = None
    try:
        pg.start()
        redis.start()
        admin = psycopg2.connect(f"{pg.url}/postgres")
        admin.autocommit = True
        admin.cursor().execute("CREATE DATABASE jmo")
        admin.close()
        env = _compose_env(
            tmp_path,
            DATABASE_URL=f"{pg.url}/jmo",
            CELERY_BROKER_URL=redis.url,
            CACHE_URL=redis.cache_url,
        )
        csv, photos, row = registry_files(tmp_path)
        for command in (
            ["migrate", "-v", "0"],
            ["collectstatic", "--noinput", "-v", "0"],  # as the Dockerfile does
            ["import_members", str(csv), "--photos", str(photos)],
            ["activate_member", row["kpj"], "--email", row["email"],
             "--password", PASSWORD],
        ):  # fmt: skip
            manage = [sys.executable, "manage.py", *command]
            done = subprocess.run(
                manage, cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr[-3000:]
        web = WebServer(env, tmp_path / "web.log")
        worker = Worker(env, tmp_path / "worker.log")
        web.start()
        worker.start()
        token = requests.post(
            f"{web.url}/api/v1/auth/token/", timeout=30,
            json={"username": row["email"], "password": PASSWORD},
        ).json()["token"]  # fmt: skip
        headers = {"Authorization": f"Token {token}", "Accept-Language": "id"}

        def send_selfie(photo: int) -> str:
            sent = requests.post(
                f"{web.url}/api/v1/biometrics/selfies/", headers=headers, timeout=30,
                files={"image": ("s.jpg", images.raw("obama", photo), "image/jpeg")},
            )  # fmt: skip
            assert sent.status_code == 202, sent.text[:500]
            return f"{web.url}/api/v1/biometrics/selfies/{sent.json()['id']}/"

        def decided(status: str) -> str:
            def answer():
                body = requests.get(status, headers=headers, timeout=30).json()
                return body["status"] not in ("queued", "processing") and body

            return wait_for(answer, timeout=90, interval=0.5)["status"]

        assert decided(send_selfie(2)) == "matched"
        worker.stop()
        waiting = send_selfie(3)  # queued; no worker takes it yet
        pg.stop()
        api = requests.get(f"{web.url}/api/v1/me/", headers=headers, timeout=30)
        _told_to_try_again(api)
        assert api.json() == {
            "code": "unavailable",
            "detail": "Layanan sedang tidak tersedia sebentar. Tidak ada yang hilang: "
            "silakan coba lagi dalam satu menit.",
        }
        page = requests.get(web.url, headers={"Accept-Language": "id"}, timeout=30)
        assert page.status_code == 503, page.text[:2000]
        assert "Terjadi kesalahan" in page.text and "Tidak ada yang hilang" in page.text
        worker.start()  # takes the selfie and cannot reach the database
        wait_for(lambda: "retry: Retry in" in worker.log.read_text(), timeout=60)

        pg.start()
        me = requests.get(f"{web.url}/api/v1/me/", headers=headers, timeout=30)
        assert me.status_code == 200, me.text[:2000]
        assert me.json()["kpj"] == row["kpj"]
        assert decided(waiting) == "matched"  # the task's own retry: no beat here
    finally:
        for process in (worker, web):
            if process is not None:
                process.stop()
        redis.stop()
        pg.remove()


def test_a_database_that_never_answers_gets_the_503_not_a_hung_request(
    silent_server, tmp_path
):
    with _web_without_broker(
        tmp_path,
        DATABASE_URL=f"postgres://jmo:secret@127.0.0.1:{silent_server}/jmo",
        DB_CONNECT_TIMEOUT_SECONDS="2",
    ) as web:
        headers = {"Authorization": "Token abc", "Accept-Language": "id"}
        # Before: no answer at all within gunicorn's 60 s, then a dropped connection.
        api = requests.get(f"{web.url}/api/v1/me/", headers=headers, timeout=20)
    _told_to_try_again(api)


def test_a_query_waiting_past_the_statement_timeout_is_a_503_that_saves_nothing(
    tmp_path,
):
    """A web request whose statement waits on a lock another connection holds (a
    long migration, a stuck transaction): before, it waited as long as the lock
    was held, past gunicorn's timeout. Now PostgreSQL cancels it after
    DB_STATEMENT_TIMEOUT_SECONDS, the transaction rolls back and the member is
    told to try again. The worker and the management commands keep no limit."""
    require_services(postgres=True)
    member = make_participant(face=False)
    token = Token.objects.create(user=member.user).key
    before = (DataUpdate.objects.count(), ProfileChange.objects.count())
    with (
        _web_without_broker(
            tmp_path, DATABASE_URL=database_url(), DB_STATEMENT_TIMEOUT_SECONDS="0.5"
        ) as web,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Reads go on; the contact step's change log cannot be written. The
        # request has opened the data update by then: that must roll back too.
        cursor.execute(f"LOCK TABLE {ProfileChange._meta.db_table} IN EXCLUSIVE MODE")
        answer = requests.put(
            f"{web.url}/api/v1/profile/contact/", json=CONTACT, timeout=10,
            headers={"Authorization": f"Token {token}", "Accept-Language": "id"},
        )  # fmt: skip
    _told_to_try_again(answer)
    assert "canceling statement due to statement timeout" in web.log.read_text()
    assert (DataUpdate.objects.count(), ProfileChange.objects.count()) == before
    assert not ParticipantProfile.objects.filter(address=CONTACT["address"]).exists()
