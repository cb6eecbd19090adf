"""Blocked online, unblocked at the desk, finished online: in Chromium.

The participant (Obama's reference) fails face verification with other
people's faces until blocked, or locks the KPJ number with wrong entries; a
front-office officer finds them by KPJ, ticks the identity checklist and
unblocks (re-taking the reference photo with the desk camera); the participant
then continues the same claim where it stopped and submits it.
"""

import re

import pytest

from biometrics.models import FaceReference, SelfieAttempt
from biometrics.services import face_reference_create
from claims.bank.harness import BankSimulator
from claims.models import Claim, ClaimStatus
from participants.models import AuditRecord, Block
from tests.biometrics import images
from tests.claims.helpers import make_participant
from tests.conftest import totp_code
from tests.e2e.conftest import fake_camera_flags, launch, screenshot, wait_for_js
from tests.e2e.y4m import photo_to_y4m

pytestmark = pytest.mark.e2e
PASSWORD = "Rahasia-123"


@pytest.fixture
def bank_sim(tmp_path, settings, live_server):
    sim = BankSimulator(tmp_path / "bank.sqlite3")
    settings.BANK_API_URL = sim.url
    settings.SITE_URL = live_server.url
    yield sim
    sim.stop()


@pytest.fixture
def open_page(playwright_instance, live_server, tmp_path):
    """open_page(photo or None) -> a new page whose camera shows the photo."""
    browsers = []

    def _open(photo=None):
        flags = []
        if photo is not None:
            y4m = tmp_path / f"{photo.parent.name}-{photo.stem}.y4m"
            flags = fake_camera_flags(photo_to_y4m(photo, y4m))
        browser = launch(playwright_instance, flags)
        browsers.append(browser)
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1000, "height": 1000},
            locale="id-ID",
        )
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    yield _open
    for browser in browsers:
        browser.close()


@pytest.fixture
def obama(bank_sim):
    participant = make_participant(balance=9_000_000, face=False)
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    return participant


def _participant_login(page, participant) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", participant.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/"))


def _start_claim_to_kpj(page) -> str:
    page.goto("/claims/")
    page.click("#type-resign button[type=submit]")
    page.wait_for_url(re.compile(r"/kpj/$"))
    return page.url.rstrip("/").split("/")[-2]


def _kpj_and_bank(page, participant) -> None:
    page.fill("input[name=kpj_number]", participant.kpj)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/bank/$"))
    page.select_option("select[name=bank_code]", "BCA")
    page.fill("input[name=account_number]", "1234567890")
    page.fill("input[name=account_holder]", participant.full_name)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/selfie/$"))


def _selfie(page, reference: str) -> str:
    """Take one selfie from the claim's selfie step; returns the final status."""
    page.goto(f"/claims/{reference}/selfie/")
    page.click("#selfie-start")
    page.click("#start-selfie")
    wait_for_js(page, "document.getElementById('video').videoWidth > 0")
    page.click("#shoot")
    page.wait_for_url(re.compile(r"/selfie/\d+/"))
    page.wait_for_selector(
        "#result:not([data-status=queued]):not([data-status=processing])",
        timeout=60000,
    )
    return page.locator("#result").get_attribute("data-status")


def _officer_finds_by_kpj(page, officer, participant) -> None:
    page.goto("/desk/")
    page.wait_for_url(re.compile(r"/desk/login/"))
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=otp_token]", totp_code(officer))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/desk/") and "login" not in url)
    page.fill("input[name=q]", participant.kpj)
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r"/desk/\?q="))
    row = page.locator("table tbody tr", has_text=participant.full_name)
    assert participant.nik not in page.content()
    row.locator("a").click()
    page.wait_for_url(re.compile(r"/desk/participants/\d+/"))


def _tick_checklist(page, reason: str) -> None:
    for name in ("ektp_seen", "ektp_matches", "face_matches"):
        page.check(f"input[name={name}]")
    page.fill("textarea[name=reason]", reason)


def _finish_claim(page, reference: str) -> Claim:
    page.wait_for_url(re.compile(r"/review/$"))
    page.click("#submit-claim")
    page.wait_for_url(re.compile(rf"/claims/{reference}/$"))
    return Claim.objects.get(reference=reference)


def test_a_face_block_is_lifted_at_the_desk_and_the_claim_finished_online(
    open_page, obama, front_office_user
):
    # Other people's faces in front of the participant's camera, one per try.
    impostors = [images.photo("biden", 1), images.photo("biden", 2)]
    impostors.append(images.photo("kit_harington", 1))
    page = open_page(impostors[0])
    _participant_login(page, obama)
    reference = _start_claim_to_kpj(page)
    _kpj_and_bank(page, obama)
    cookies = page.context.cookies()
    assert _selfie(page, reference) == "not_matched"
    for photo in impostors[1:]:
        page = open_page(photo)
        page.context.add_cookies(cookies)
        assert _selfie(page, reference) == "not_matched"
    assert page.locator("#blocked").is_visible()
    screenshot(page, "desk-participant-blocked")
    assert SelfieAttempt.objects.filter(participant=obama, counted=True).count() == 3

    # The officer's desk camera sees the real participant (another photo of him).
    desk = open_page(images.photo("obama", 2))
    _officer_finds_by_kpj(desk, front_office_user, obama)
    assert desk.locator(".block-row[data-kind=biometric]").is_visible()
    assert desk.locator("img.thumb").count() == 3  # the failed selfies
    screenshot(desk, "desk-participant-page")
    desk.click(".block-row[data-kind=biometric] a.btn")
    desk.wait_for_url(re.compile(r"/unblock/$"))
    _tick_checklist(desk, "e-KTP checked; face re-taken at the desk")
    desk.click("#desk-camera summary")
    wait_for_js(desk, "document.getElementById('video').videoWidth > 0")
    desk.click("#shoot")
    wait_for_js(desk, "document.getElementById('id_photo').files.length === 1")
    screenshot(desk, "desk-unblock-checklist")
    desk.click("#do-unblock")
    desk.wait_for_url(re.compile(r"/desk/participants/\d+/$"))
    assert "Tidak ada blokir aktif" in desk.content()
    assert not Block.objects.active().filter(participant=obama).exists()
    assert FaceReference.objects.filter(participant=obama, source="desk").count() == 1
    assert AuditRecord.objects.filter(action="unblock_biometric").count() == 1

    # Back online: the claim resumes at the selfie step, now with his own face.
    page = open_page(images.photo("obama", 4))
    page.context.add_cookies(cookies)
    page.goto(f"/claims/{reference}/continue/")
    page.wait_for_url(re.compile(r"/selfie/$"))
    assert _selfie(page, reference) == "matched"
    page.click("#continue")
    claim = _finish_claim(page, reference)
    screenshot(page, "desk-claim-finished")
    assert claim.status in (
        ClaimStatus.APPROVED,
        ClaimStatus.PAYOUT_PENDING,
        ClaimStatus.PAID,
    )


def test_a_locked_kpj_is_lifted_at_the_desk_and_the_claim_finished_online(
    open_page, obama, front_office_user
):
    page = open_page(images.photo("obama", 4))
    _participant_login(page, obama)
    reference = _start_claim_to_kpj(page)
    for _ in range(3):
        page.fill("input[name=kpj_number]", "99999999999")
        page.click("main form button[type=submit]")
    page.wait_for_selector("#kpj-locked")
    screenshot(page, "desk-kpj-locked")

    desk = open_page()
    _officer_finds_by_kpj(desk, front_office_user, obama)
    desk.click(".block-row[data-kind=kpj] a.btn")
    desk.wait_for_url(re.compile(r"/unblock/$"))
    assert desk.locator("#desk-camera").count() == 0  # no photo for a KPJ lock
    desk.fill("textarea[name=reason]", "e-KTP checked")
    desk.click("#do-unblock")  # the browser refuses: boxes not ticked
    assert Block.objects.active().filter(participant=obama).count() == 1
    _tick_checklist(desk, "e-KTP and KPJ card checked")
    desk.click("#do-unblock")
    desk.wait_for_url(re.compile(r"/desk/participants/\d+/$"))
    assert not Block.objects.active().filter(participant=obama).exists()

    page.goto(f"/claims/{reference}/continue/")
    page.wait_for_url(re.compile(r"/kpj/$"))
    _kpj_and_bank(page, obama)
    assert _selfie(page, reference) == "matched"
    page.click("#continue")
    claim = _finish_claim(page, reference)
    assert claim.status != ClaimStatus.DRAFT
    assert AuditRecord.objects.get(action="unblock_kpj").actor == front_office_user
