"""Document names are shown in the reader's language (pages, API, messages), while
a label an admin typed is shown as typed."""

import pytest
from rest_framework.test import APIClient

from claims import services
from claims.models import DocumentRequirement
from tests.claims.helpers import make_participant, under_review
from tests.claims.test_review import officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_claim():
    participant = make_participant(balance=20_000_000)  # above the online cap
    return services.claim_start(participant=participant, claim_type="resign")


def test_the_documents_step_names_the_documents_in_the_page_language(
    client, review_claim
):
    client.force_login(review_claim.participant.user)
    url = f"/claims/{review_claim.reference}/documents/"
    page = client.get(url).content.decode()
    assert "Buku tabungan (halaman pertama)" in page
    assert "Surat pengunduran diri" in page
    assert "Savings book" not in page and "identity card" not in page
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Savings book (first page)" in english


def test_the_api_requirements_come_in_the_request_language(review_claim):
    api = APIClient()
    api.force_authenticate(review_claim.participant.user)
    url = f"/api/v1/claims/{review_claim.reference}/"
    indonesian = api.get(url, HTTP_ACCEPT_LANGUAGE="id").json()["requirements"]
    assert {"kind": "savings_book", "label": "Buku tabungan (halaman pertama)"} in (
        indonesian
    )
    english = api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["requirements"]
    assert {"kind": "savings_book", "label": "Savings book (first page)"} in english
    assert [r["kind"] for r in english] == [r["kind"] for r in indonesian]


def test_a_label_an_admin_typed_is_shown_as_typed(client):
    DocumentRequirement.objects.filter(kind="resignation_letter").update(
        label="Paklaring dari HRD"
    )
    participant = make_participant(balance=20_000_000)
    claim = services.claim_start(participant=participant, claim_type="resign")
    client.force_login(participant.user)
    page = client.get(f"/claims/{claim.reference}/documents/").content.decode()
    assert "Paklaring dari HRD" in page
    assert "Buku tabungan (halaman pertama)" in page


def test_what_is_still_to_fix_is_named_in_the_request_language(bank):
    claim = under_review()
    services.claim_return(
        claim=claim, actor=officer("o1"), reason="KK buram", fields=["kk"]
    )
    api = APIClient()
    api.force_authenticate(claim.participant.user)
    url = f"/api/v1/claims/{claim.reference}/submit/"
    refused = api.post(url, HTTP_ACCEPT_LANGUAGE="id").json()
    assert "Masih perlu diperbaiki: Kartu Keluarga (KK)." in str(refused)
    detail = api.get(f"/api/v1/claims/{claim.reference}/", HTTP_ACCEPT_LANGUAGE="id")
    assert detail.json()["correction"]["fields"][0]["label"] == "Kartu Keluarga (KK)"
