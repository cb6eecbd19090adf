"""An eligible participant claims JHT online in Chromium, selfie included, to 'paid'."""

import re

import pytest

from biometrics.services import face_reference_create
from claims.bank.harness import BankSimulator
from claims.models import Claim
from participants.models import Participant
from tests.biometrics import images
from tests.claims.helpers import make_participant
from tests.conftest import wait_for
from tests.e2e.conftest import fake_camera_flags, launch, screenshot, wait_for_js
from tests.e2e.y4m import photo_to_y4m

pytestmark = pytest.mark.e2e


@pytest.fixture
def bank_sim(tmp_path, settings, live_server):
    sim = BankSimulator(tmp_path / "bank.sqlite3", flags={"settle_delay_ms": 400})
    settings.BANK_API_URL = sim.url
    settings.SITE_URL = live_server.url  # the simulator calls back here
    yield sim
    sim.stop()


@pytest.fixture
def camera_page(playwright_instance, live_server, tmp_path):
    y4m = photo_to_y4m(images.photo("obama", 4), tmp_path / "obama-4.y4m")
    browser = launch(playwright_instance, fake_camera_flags(y4m))
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 412, "height": 915}, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    browser.close()


def test_an_eligible_participant_claims_online_and_is_paid(bank_sim, camera_page):
    participant = make_participant(balance=12_500_000, face=False)
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    page = camera_page
    page.goto("/login/")
    page.fill("input[name=username]", participant.email)
    page.fill("input[name=password]", "Rahasia-123")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/"))
    claim_link = page.locator("a[href='/claims/']").first
    if claim_link.count():
        claim_link.click()
    else:  # the dashboard has no claim link yet: open the claim menu directly
        page.goto("/claims/")
    page.wait_for_selector("#type-resign")
    assert page.locator("#type-death .tick-no").count() == 1
    screenshot(page, "claim-ticks")
    page.click("#type-resign button[type=submit]")

    page.wait_for_url(re.compile(r"/kpj/$"))
    assert "claim-jht" in page.locator(".help-link").get_attribute("href")
    page.fill("input[name=kpj_number]", "99999999999")
    page.click("main form button[type=submit]")
    assert "2" in page.inner_text("#attempts-left")
    page.fill("input[name=kpj_number]", participant.kpj)
    page.click("main form button[type=submit]")

    page.wait_for_url(re.compile(r"/bank/$"))
    page.select_option("select[name=bank_code]", "BCA")
    page.fill("input[name=account_number]", "1234567890")
    page.fill("input[name=account_holder]", participant.full_name)
    page.click("main form button[type=submit]")

    page.wait_for_url(re.compile(r"/selfie/$"))
    page.click("#selfie-start")
    page.click("#start-selfie")
    wait_for_js(page, "document.getElementById('video').videoWidth > 0")
    page.click("#shoot")
    page.wait_for_selector("#continue", timeout=60000)
    page.click("#continue")

    page.wait_for_url(re.compile(r"/review/$"))
    assert page.inner_text("#net") == "Rp 12.500.000"
    screenshot(page, "claim-review")
    page.click("#submit-claim")

    claim = Claim.objects.get(participant=participant)
    page.wait_for_url(re.compile(rf"/claims/{claim.reference}/$"))

    def shows_paid() -> bool:
        page.reload()
        return page.locator("#claim-status").get_attribute("data-status") == "paid"

    wait_for(shows_paid, timeout=20, interval=0.5)
    screenshot(page, "claim-paid")
    timeline = page.locator(".timeline .event")
    assert timeline.count() == 5  # draft, submitted, approved, payout sent, paid
    assert [t["external_id"] for t in bank_sim.transfers()] == [claim.reference]
    assert Participant.objects.get(pk=participant.pk).balance == 0
