"""A new member, from the registry CSV to money in the bank, in Chromium.

The registry row and photo are loaded by `import_members`; everything after is
the product's own pages: activation, the data update (selfie with the fake
camera, SMS code), the JHT claim with a second selfie, payout by the bank
simulator.
"""

import re

import pytest
from django.core import mail

from claims.models import Claim
from jmo_portal.sms import ConsoleSmsBackend
from participants.models import Participant
from tests.conftest import wait_for
from tests.e2e.conftest import screenshot, wait_for_js
from tests.journey import CONTACT, EMERGENCY, PASSWORD, POPULATION, registry_member

pytestmark = pytest.mark.e2e


def _six_digits(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _activate(page, member: Participant) -> None:
    page.goto("/")
    page.click("[data-testid=home-activate]")
    page.fill("input[name=nik]", member.nik)
    page.fill("input[name=kpj]", member.kpj)
    page.fill("input[name=full_name]", member.full_name)
    page.fill("input[name=birth_date]", member.birth_date.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/activate/email/$"))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/activate/code/$"))
    page.fill("input[name=code]", _six_digits(mail.outbox[-1].body))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/activate/password/$"))
    page.fill("input[name=phone]", member.phone)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))


def _selfie(page) -> None:
    """From the guidance page: camera on, a shot, wait for the decision.

    Two shots may catch the same camera frame (refused as the same photo, not
    counted); a person then simply shoots again, and so does this test.
    """
    page.click("#start-selfie")
    wait_for_js(page, "document.getElementById('video').videoWidth > 0")
    for _shot in range(3):
        page.click("#shoot")
        outcome = page.wait_for_selector(
            "#continue, #progress-text.alert.error", timeout=60000
        )
        if outcome.get_attribute("id") == "continue":
            break
    page.click("#continue")


def _fill(page, values: dict) -> None:
    for name, value in values.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.click("#section-save")


def _data_update(page) -> None:
    page.click("#update-prompt-link")
    page.click("#update-start")
    page.wait_for_url(re.compile(r"/profile/update/membership/$"))
    screenshot(page, "update-1-membership")
    page.click("#membership-correct")
    page.wait_for_url(re.compile(r"/profile/update/selfie/$"))
    page.click("#update-selfie-start")
    _selfie(page)
    page.wait_for_url(re.compile(r"/profile/update/contact/$"))
    _fill(page, {**CONTACT, "postal_code": "5311"})  # a typo: one digit short
    assert "5 digit" in page.inner_text("[data-field=postal_code]")
    _fill(page, CONTACT)
    page.wait_for_url(re.compile(r"/profile/update/phone/$"))
    page.click("#send-code")
    page.fill("input[name=code]", _six_digits(ConsoleSmsBackend.sent[-1][1]))
    page.click("#verify-code")
    page.wait_for_url(re.compile(r"/profile/update/population/$"))
    _fill(page, POPULATION)
    page.wait_for_url(re.compile(r"/profile/update/emergency/$"))
    _fill(page, EMERGENCY)
    page.wait_for_url(re.compile(r"/profile/update/review/$"))
    assert page.locator("#update-steps li.done").count() == 6
    screenshot(page, "update-2-review")
    page.click("#confirm-data")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    assert page.locator("#update-prompt").count() == 0


def test_a_registry_member_activates_updates_the_data_claims_and_is_paid(
    bank_sim, camera_page, tmp_path
):
    member = registry_member(tmp_path)
    page = camera_page
    _activate(page, member)
    assert page.locator("#update-prompt").is_visible()
    _data_update(page)

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
    page.fill("input[name=kpj_number]", member.kpj)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/bank/$"))
    page.select_option("select[name=bank_code]", "BCA")
    page.fill("input[name=account_number]", "1234567890")
    page.fill("input[name=account_holder]", member.full_name)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/selfie/$"))
    page.click("#selfie-start")
    _selfie(page)
    page.wait_for_url(re.compile(r"/review/$"))
    member.refresh_from_db()
    assert page.inner_text("#net") == f"Rp {member.balance:,}".replace(",", ".")
    screenshot(page, "claim-review")
    page.click("#submit-claim")

    claim = Claim.objects.get(participant=member)
    page.wait_for_url(re.compile(rf"/claims/{claim.reference}/$"))

    def shows_paid() -> bool:
        page.reload()
        return page.locator("#claim-status").get_attribute("data-status") == "paid"

    wait_for(shows_paid, timeout=30, interval=0.5)
    screenshot(page, "claim-paid")
    assert page.locator(".timeline .event").count() == 5  # draft … paid
    assert [t["external_id"] for t in bank_sim.transfers()] == [claim.reference]
    assert Participant.objects.get(pk=member.pk).balance == 0
