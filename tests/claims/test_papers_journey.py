"""A registry member is paid through API v1 and keeps the three papers.

Starts from a registry CSV (`import_members`), the desk-assisted activation and
the desk's data update; then API v1 only, with a real Celery worker on Redis and
PostgreSQL, the face matcher on real photos and the bank simulator.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import ClaimPolicy, TaxRegime
from claims.selectors import brackets
from claims.tax import tax_compute
from participants.models import Participant, YearlyBalance
from participants.money import rupiah
from tests.biometrics import images
from tests.claims.test_papers import code_in, pdf_text
from tests.conftest import selfie_decided_api, staff_api, wait_for
from tests.data_update import confirm_data_at_desk
from tests.journey import PASSWORD, activate, registry_member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("deployed_policy_rows"),
]


def _matched_selfie(api: APIClient) -> None:
    sent = api.post(
        "/api/v1/biometrics/selfies/",
        {"image": SimpleUploadedFile("selfie.jpg", images.raw("obama", 2))},
        format="multipart",
    )
    assert sent.status_code == 202, sent.json()
    assert selfie_decided_api(api, sent.json()["id"])["status"] == "matched"


def test_a_paid_member_downloads_receipt_payment_proof_and_tax_slip(
    tmp_path, bank, celery_worker, claims_officer_user
):
    member = registry_member(tmp_path)
    activate(member)
    confirm_data_at_desk(member)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token = api.post(
        "/api/v1/auth/token/", {"username": member.email, "password": PASSWORD}
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    ref = api.post("/api/v1/claims/", {"claim_type": "resign"}).json()["reference"]
    url = f"/api/v1/claims/{ref}"
    assert api.get(f"{url}/receipt.pdf").status_code == 404  # a draft: nothing yet
    assert api.post(f"{url}/kpj-check/", {"kpj_number": member.kpj}).status_code == 200
    bank_account = {"bank_code": "BCA", "account_number": "1234567890",
                    "account_holder": member.full_name}  # fmt: skip
    assert api.put(f"{url}/bank-account/", bank_account).status_code == 200
    _matched_selfie(api)
    assert api.post(f"{url}/submit/").status_code == 200
    wait_for(lambda: api.get(f"{url}/").json()["status"] == "paid", timeout=60)
    claim = api.get(f"{url}/").json()

    # The ledger's debit and the bank's transfer, through the tax function.
    member = Participant.objects.get(pk=member.pk)
    paid_on = timezone.localdate(member.claims.get().paid_at)
    debit = YearlyBalance.objects.get(participant=member, year=paid_on.year).paid_out
    expected = tax_compute(
        gross=debit, paid_on=paid_on, lump_sum=brackets(TaxRegime.LUMP_SUM),
        progressive=brackets(TaxRegime.PROGRESSIVE), has_npwp=False,
        surcharge_pct=ClaimPolicy.current().no_npwp_surcharge_pct,
    )  # fmt: skip
    [transfer] = [t for t in bank.transfers() if t["external_id"] == ref]
    assert transfer["amount"] == expected.net == claim["net"]

    receipt = pdf_text(api.get(f"{url}/receipt.pdf"))
    assert ref in receipt and "JHT claim submission receipt" in receipt
    assert member.nik not in receipt and member.nik[-4:] in receipt
    payment = pdf_text(api.get(f"{url}/payment.pdf"))
    assert rupiah(transfer["amount"]) in payment and transfer["id"] in payment
    slip = pdf_text(api.get(f"{url}/tax-slip.pdf"))
    for figure in (expected.gross, expected.tax, expected.net):
        assert rupiah(figure) in slip
    assert f"0% on {rupiah(expected.gross)}" in slip  # all of it in the 0% layer
    assert "none: the rate is 20% higher" in slip  # no NPWP on file

    # A claims officer gets the same paper; the public check says "valid".
    assert ref in pdf_text(staff_api(claims_officer_user).get(f"{url}/tax-slip.pdf"))
    page = Client().get(f"/verify/{code_in(slip)}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Valid" in page.content.decode()
    assert member.full_name not in page.content.decode()
