"""A selfie through Chromium's fake camera: matched for the owner, blocked for another face."""

import re

import psycopg2
import pytest
from django.conf import settings

from biometrics.models import SelfieAttempt
from biometrics.services import face_reference_create
from participants.models import Block, BlockKind
from participants.services.guards import attempt_register_failure
from tests.biometrics import images
from tests.e2e.conftest import log_in, screenshot, wait_for_js

pytestmark = pytest.mark.e2e
NEXT = "/claims/"


def _take_selfie(page, name: str) -> None:
    page.goto(f"/selfie/?next={NEXT}")
    screenshot(page, f"{name}-guidance")
    page.click("#start-selfie")
    page.wait_for_selector("#camera:not([hidden])")
    wait_for_js(page, "document.getElementById('video').videoWidth > 0")
    screenshot(page, f"{name}-camera")
    page.click("#shoot")
    page.wait_for_url(re.compile(r"/selfie/\d+/"))
    page.wait_for_selector(
        "#result:not([data-status=queued]):not([data-status=processing])",
        timeout=60000,
    )


def test_the_owner_takes_a_selfie_with_the_camera_and_is_matched(
    selfie_page, participant_user
):
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    page = selfie_page(images.photo("obama", 4))  # another photo of the same man
    _take_selfie(page, "selfie-matched")
    screenshot(page, "selfie-matched")
    assert page.locator("#result").get_attribute("data-status") == "matched"
    assert page.locator("#continue").get_attribute("href") == NEXT
    attempt = SelfieAttempt.objects.get(participant=participant)
    assert attempt.status == "matched" and attempt.width == 640


def test_another_persons_face_ends_blocked(selfie_page, participant_user):
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    for _ in range(2):  # two earlier failures; the camera's is the last allowed
        attempt_register_failure(
            participant=participant,
            kind=BlockKind.BIOMETRIC,
            max_attempts=3,
            reason="earlier failures",
        )
    page = selfie_page(images.photo("biden", 2))
    _take_selfie(page, "selfie-blocked")
    screenshot(page, "selfie-blocked")
    assert page.locator("#result").get_attribute("data-status") == "not_matched"
    assert page.locator("#blocked").is_visible()
    assert "e-KTP" in page.inner_text("#blocked")
    assert Block.objects.active().filter(participant=participant).count() == 1
    page.goto("/selfie/capture/")
    assert page.locator("#blocked").is_visible()
    assert page.locator("#video").count() == 0


@pytest.mark.services
def test_the_page_shows_checking_until_the_real_worker_decides(
    celery_worker, selfie_page, participant_user
):
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("kit_harington", 1), source="registry"
    )
    page = selfie_page(images.photo("kit_harington", 3))
    # Hold the participant's row lock from another connection: the worker cannot
    # record its decision until we let go, so the page must show "checking".
    # (NO KEY: the upload's INSERT may still take its foreign-key share lock.)
    db = settings.DATABASES["default"]
    locker = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )  # fmt: skip
    try:
        with locker.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM participants_participant WHERE id = %s FOR NO KEY UPDATE",
                [participant.pk],
            )
        page.goto("/selfie/capture/")
        wait_for_js(page, "document.getElementById('video').videoWidth > 0")
        page.click("#shoot")
        page.wait_for_url(re.compile(r"/selfie/\d+/"))
        assert page.locator("#result").get_attribute("data-status") in (
            "queued",
            "processing",
        )
        assert page.get_by_text("Memeriksa foto Anda").is_visible()
        assert page.locator("#slow").is_hidden()
        screenshot(page, "selfie-checking")
        # Still undecided 25 s later (the browser's clock jumps): the page says so.
        page.clock.install()
        page.reload()
        page.clock.fast_forward("00:25")
        page.wait_for_selector("#slow", state="visible")
        assert page.get_by_text("memakan waktu lebih lama dari biasanya").is_visible()
        screenshot(page, "selfie-checking-slow")
    finally:
        locker.rollback()
        locker.close()
    page.wait_for_selector("#result[data-status=matched]", timeout=60000)
    assert page.get_by_text("Wajah terverifikasi").is_visible()


def test_without_a_camera_the_photo_file_form_is_offered(
    page, live_server, participant_user
):
    face_reference_create(
        participant=participant_user.participant,
        image=images.raw("obama", 1),
        source="registry",
    )
    log_in(page.context, participant_user, live_server.url)
    page.goto(f"/selfie/capture/?next={NEXT}")
    page.wait_for_selector("#progress-text:not(:empty)")
    assert "tombol di atas" in page.inner_text("#progress-text")
    assert page.locator("#fallback").is_visible()
    assert page.locator("#camera").is_hidden()
