"""Above the online cap in Chromium: an officer returns the claim for a new bank
account, the member fixes only that and sends it again, two officers approve
(four eyes), the bank simulator pays into the new account and the member
downloads the tax slip from the claim page.

The member comes from the registry CSV (`import_members`), activates on the
pages and has the data confirmed at the desk; the admin lowers the online cap
and the four-eyes amount through the policy API; the officers log in to the
desk with password and TOTP code and decide on the desk pages.
"""

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from claims.models import Claim
from participants.money import rupiah
from tests.conftest import STAFF_PASSWORD, _staff_user, staff_api, totp_code, wait_for
from tests.data_update import confirm_data_at_desk
from tests.e2e.conftest import screenshot
from tests.e2e.test_claim_online import _activate, _selfie
from tests.journey import registry_member

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("deployed_policy_rows")]


FIRST_ACCOUNT, NEW_ACCOUNT = "1234567890", "5550001112"


def _desk_page(browser, base_url: str, officer):
    """A desk page of its own (a second browser context), logged in with TOTP."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto("/desk/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.fill("input[name=otp_token]", totp_code(officer))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/desk/" in url and "login" not in url)
    return page


def _claim_above_the_cap(page, member, tmp_path: Path) -> Claim:
    page.goto("/claims/")
    page.click("#type-resign button[type=submit]")
    page.wait_for_url(re.compile(r"/kpj/$"))
    page.fill("input[name=kpj_number]", member.kpj)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/bank/$"))
    page.select_option("select[name=bank_code]", "BCA")
    page.fill("input[name=account_number]", FIRST_ACCOUNT)
    page.fill("input[name=account_holder]", member.full_name)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/$"))
    scan = tmp_path / "scan.png"
    scan.write_bytes(_png())
    for index in range(page.locator("li.doc").count()):
        row = page.locator("li.doc").nth(index)
        row.locator("input[type=file]").set_input_files(str(scan))
        row.locator("button[type=submit]").click()
        page.wait_for_selector(f"li.doc >> nth={index} >> .ok")
    page.click("a.btn[href$='/continue/']")
    page.wait_for_url(re.compile(r"/selfie/$"))
    page.click("#selfie-start")
    _selfie(page)
    page.wait_for_url(re.compile(r"/review/$"))
    page.click("#submit-claim")
    claim = Claim.objects.get(participant=member)
    page.wait_for_url(re.compile(rf"/claims/{claim.reference}/$"))
    assert page.locator("#claim-status").get_attribute("data-status") == (
        "under_review"
    )
    return claim


def _png() -> bytes:
    from tests.claims.helpers import png_bytes

    return png_bytes((320, 200))


def test_an_officer_returns_the_claim_the_member_fixes_it_and_it_is_paid(
    bank_sim, camera_page, live_server, tmp_path
):
    admin = _staff_user("portal_admin", "admin")
    changed = staff_api(admin).patch(
        "/api/v1/policy/",
        {"online_cap": 1_000_000, "four_eyes_above": 1_000_000,
         "reason": "e2e: every claim above Rp 1 jt is reviewed by two officers"},
        format="json",
    )  # fmt: skip
    assert changed.status_code == 200, changed.json()
    member = registry_member(tmp_path)
    confirm_data_at_desk(member)
    page = camera_page
    _activate(page, member)
    claim = _claim_above_the_cap(page, member, tmp_path)

    first = _staff_user("claims_officer", "claims_officer")
    second = _staff_user("claims_officer_2", "claims_officer")
    desk = _desk_page(page.context.browser, live_server.url, first)
    desk.goto("/desk/claims/")
    desk.click(f"tr[data-reference={claim.reference}] a")
    desk.fill("textarea[name=note]", "Rekening ini bukan atas nama Anda.")
    desk.check("#return-fields input[value=bank_account]")
    screenshot(desk, "return-1-desk")
    desk.click("#return")
    desk.wait_for_url(re.compile(r"/desk/claims/$"))
    assert claim.reference in desk.inner_text("#returned-claims")

    page.reload()
    assert "bukan atas nama Anda" in page.inner_text("#correction-reason")
    assert page.locator("#correction li.doc").count() == 1  # only the account
    screenshot(page, "return-2-member")
    page.click("#fix-bank")
    page.wait_for_url(re.compile(r"/bank/$"))
    page.select_option("select[name=bank_code]", "BNI")
    page.fill("input[name=account_number]", NEW_ACCOUNT)
    page.fill("input[name=account_holder]", member.full_name)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/claims/{claim.reference}/$"))
    assert page.locator("#correction li[data-fixed='1']").count() == 1
    page.click("#resubmit")
    page.wait_for_selector("#claim-status[data-status=under_review]")

    for officer, expected in ((first, "under_review"), (second, "approved")):
        desk = _desk_page(page.context.browser, live_server.url, officer)
        desk.goto(f"/desk/claims/{claim.reference}/")
        desk.click("#approve")
        desk.wait_for_url(re.compile(r"/desk/claims/"))
        claim.refresh_from_db()
        assert claim.status == expected or claim.status in ("payout_pending", "paid")

    def shows_paid() -> bool:
        page.reload()
        return page.locator("#claim-status").get_attribute("data-status") == "paid"

    wait_for(shows_paid, timeout=30, interval=0.5)
    screenshot(page, "return-3-paid")
    moves = [e.to_status for e in claim.events.all() if e.from_status != e.to_status]
    assert moves[:6] == [
        "draft", "submitted", "under_review", "returned", "under_review", "approved",
    ]  # fmt: skip
    [transfer] = bank_sim.transfers()
    assert transfer["external_id"] == claim.reference
    assert transfer["account_number"] == NEW_ACCOUNT

    # The member keeps the tax slip: downloaded from the claim page, read back.
    claim.refresh_from_db()
    assert transfer["amount"] == claim.net
    with page.expect_download() as download:
        page.click("#paper-tax-slip")
    slip = PdfReader(download.value.path())
    text = "\n".join(p.extract_text() for p in slip.pages)
    assert "Bukti pemotongan PPh Pasal 21" in text
    for figure in (claim.gross, claim.tax, claim.net):
        assert rupiah(figure) in text
