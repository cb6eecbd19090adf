"""The papers a member keeps: parsed back from the PDF, checked against the ledger
and the tax function, served only to the owner and claims staff."""

import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from claims import services
from claims.models import ClaimPolicy, ClaimStatus, TaxRegime
from claims.selectors import brackets
from claims.tax import tax_compute
from participants.models import YearlyBalance
from participants.money import rupiah
from tests.claims.helpers import make_participant, pass_selfie, png_upload
from tests.conftest import staff_api

pytestmark = pytest.mark.django_db
NPWP = "123456789012345"


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def code_in(text: str) -> str:
    return re.search(r"(JHT\w+-[RPT][A-Z2-7]{16})", text).group(1)


def _reviewed_claim(participant):
    """An 80 jt resignation claim, documents on file, waiting for the officers."""
    claim = services.claim_start(participant=participant, claim_type="resign")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    services.claim_bank_account_set(
        claim=claim, bank_code="BRI", account_number="5550001111",
        account_holder=participant.full_name, npwp=NPWP,
    )  # fmt: skip
    pass_selfie(participant)
    for r in claim.requirements:
        services.claim_document_add(claim=claim, kind=r["kind"], upload=png_upload())
    return claim


def _api(user, language="en") -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(user)
    return api


def test_the_tax_slip_shows_the_tax_function_on_the_ledger_amounts(
    bank, claims_officer_user, admin_user, django_capture_on_commit_callbacks
):
    participant = make_participant(balance=80_000_000)
    claim = _reviewed_claim(participant)
    services.claim_submit(claim=claim)
    services.claim_approve(claim=claim, actor=admin_user, note="first look")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, actor=claims_officer_user, note="ok")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    participant.refresh_from_db()

    # What the ledger debited and the bank moved, taxed by the tax function.
    paid_on = timezone.localdate(claim.paid_at)
    debited = YearlyBalance.objects.get(participant=participant, year=paid_on.year)
    assert debited.paid_out == participant.paid_out_total
    expected = tax_compute(
        gross=debited.paid_out,
        paid_on=paid_on,
        lump_sum=brackets(TaxRegime.LUMP_SUM),
        progressive=brackets(TaxRegime.PROGRESSIVE),
        has_npwp=True,
        surcharge_pct=ClaimPolicy.current().no_npwp_surcharge_pct,
    )
    [transfer] = [t for t in bank.transfers() if t["external_id"] == claim.reference]
    assert transfer["amount"] == expected.net
    assert (expected.gross, expected.tax) == (80_000_000, 1_500_000)

    api = _api(participant.user)
    url = f"/api/v1/claims/{claim.reference}/tax-slip.pdf"
    text = pdf_text(api.get(url))
    assert "PPh 21 withholding slip" in text
    for figure in (expected.gross, expected.tax, expected.net):
        assert rupiah(figure) in text
    # The layers applied: 0% on the first 50 jt, 5% on the 30 jt above it.
    assert "0% on Rp 50.000.000" in text and "5% on Rp 30.000.000" in text
    assert "Lump sum" in text
    # NIK and NPWP masked: only the last four digits.
    assert participant.nik not in text and participant.nik[-4:] in text
    assert NPWP not in text and "*" * 11 + NPWP[-4:] in text

    payment = pdf_text(api.get(f"/api/v1/claims/{claim.reference}/payment.pdf"))
    assert "JHT proof of payment" in payment
    assert rupiah(transfer["amount"]) in payment and transfer["id"] in payment
    assert "******1111" in payment and "5550001111" not in payment

    # The code on the slip opens the public check; a changed code does not.
    code = code_in(text)
    page = Client().get(f"/verify/{code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Valid" in body and rupiah(expected.tax) in body
    assert participant.full_name not in body and participant.nik not in body
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    refused = Client().get(f"/verify/{forged}/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 404 and "Not valid" in refused.content.decode()
    assert rupiah(expected.tax) not in refused.content.decode()


def test_papers_exist_only_once_their_moment_has_passed(bank, participant_user):
    participant = make_participant(balance=80_000_000)
    claim = _reviewed_claim(participant)
    api = _api(participant.user)
    base = f"/api/v1/claims/{claim.reference}"
    missing = api.get(f"{base}/receipt.pdf")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "This document does not exist (yet)."
    services.claim_submit(claim=claim)  # under review: a receipt, nothing else
    receipt = pdf_text(api.get(f"{base}/receipt.pdf"))
    assert "JHT claim submission receipt" in receipt
    assert claim.reference in receipt and rupiah(78_500_000) in receipt
    assert "resignation_letter" in receipt
    assert api.get(f"{base}/payment.pdf").status_code == 404
    assert api.get(f"{base}/tax-slip.pdf").status_code == 404
    # Indonesian by default, as the request asks.
    indonesian = pdf_text(_api(participant.user, "id").get(f"{base}/receipt.pdf"))
    assert "Tanda terima pengajuan klaim JHT" in indonesian
    assert "JHT claim submission receipt" not in indonesian


def test_only_the_owner_and_claims_staff_get_a_paper(
    bank, participant_user, front_office_user, claims_officer_user
):
    participant = make_participant(balance=80_000_000)
    claim = _reviewed_claim(participant)
    services.claim_submit(claim=claim)
    path = f"/api/v1/claims/{claim.reference}/receipt.pdf"
    assert _api(participant_user).get(path).status_code == 404  # another member
    assert APIClient().get(path).status_code == 401
    assert staff_api(front_office_user).get(path).status_code == 404
    assert "JHT" in pdf_text(staff_api(claims_officer_user).get(path))
    # The claim page links the receipt; the page route serves the same PDF.
    page = Client()
    page.force_login(participant.user)
    detail = page.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    link = f"/claims/{claim.reference}/receipt.pdf"
    assert link in detail.content.decode()
    assert "payment.pdf" not in detail.content.decode()
    assert claim.reference in pdf_text(page.get(link))
    stranger = Client()
    stranger.force_login(participant_user)
    assert stranger.get(link).status_code == 404


def test_an_unknown_or_malformed_code_is_not_valid(client):
    for code in ("nope", "JHT000000000000-T" + "A" * 16, "-", "JHT-X1"):
        response = client.get(f"/verify/{code}/")
        assert response.status_code == 404
        assert "Tidak sah" in response.content.decode()
