"""In Chromium: a paid member downloads the tax slip from the claim page, opens the
digital card, downloads it, and the check pages say "valid" (Indonesian).

The member comes from the registry CSV (`import_members`), the desk-assisted
activation and the desk's data update; the claim goes through API v1 with a real
selfie match and the bank simulator, which calls back to the live portal.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader
from rest_framework.test import APIClient

from participants.money import rupiah
from tests.biometrics import images
from tests.conftest import wait_for
from tests.data_update import confirm_data_at_desk
from tests.e2e.conftest import screenshot
from tests.journey import PASSWORD, activate, registry_member

pytestmark = pytest.mark.e2e


def _paid_claim(member) -> dict:
    api = APIClient()
    api.force_authenticate(member.user)
    ref = api.post("/api/v1/claims/", {"claim_type": "resign"}).json()["reference"]
    url = f"/api/v1/claims/{ref}"
    assert api.post(f"{url}/kpj-check/", {"kpj_number": member.kpj}).status_code == 200
    account = {"bank_code": "BCA", "account_number": "1234567890",
               "account_holder": member.full_name}  # fmt: skip
    assert api.put(f"{url}/bank-account/", account).status_code == 200
    selfie = api.post(
        "/api/v1/biometrics/selfies/",
        {"image": SimpleUploadedFile("selfie.jpg", images.raw("obama", 2))},
        format="multipart",
    )
    selfie_url = f"/api/v1/biometrics/selfies/{selfie.json()['id']}/"
    wait_for(lambda: api.get(selfie_url).json()["status"] == "matched", timeout=60)
    assert api.post(f"{url}/submit/").status_code == 200
    wait_for(lambda: api.get(f"{url}/").json()["status"] == "paid", timeout=30)
    return api.get(f"{url}/").json()


def test_a_paid_member_downloads_the_tax_slip_and_the_card(bank_sim, page, tmp_path):
    member = registry_member(tmp_path)
    activate(member)
    confirm_data_at_desk(member)
    claim = _paid_claim(member)

    page.goto("/login/")
    page.fill("input[name=username]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    page.goto(f"/claims/{claim['reference']}/")
    assert page.locator("#claim-papers a").count() == 3
    screenshot(page, "claim-papers")
    with page.expect_download() as download:
        page.click("#paper-tax-slip")
    pdf = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Bukti pemotongan PPh Pasal 21" in text  # the page's language
    for figure in (claim["gross"], claim["tax"], claim["net"]):
        assert rupiah(figure) in text
    code = re.search(r"(JHT\w+-T[A-Z2-7]{16})", text).group(1)
    page.goto(f"/verify/{code}/")
    assert page.locator("#paper-valid").count() == 1
    assert "Sah" in page.inner_text("main")

    page.goto("/dashboard/")
    page.click("#open-card")
    page.wait_for_url(re.compile(r"/card/$"))
    assert page.locator("#card-qr svg").count() == 1
    screenshot(page, "kpj-card")
    with page.expect_download() as download:
        page.click("#card-download")
    card = Image.open(download.value.path())
    assert card.format == "PNG" and card.size == (1012, 638)
    verify = page.get_attribute("#card-verify-link", "href")
    page.goto(verify)
    assert "Kartu sah" in page.inner_text("main")
    assert member.full_name not in page.content() and member.kpj not in page.content()
