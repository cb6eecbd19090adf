"""What staff read of change records and claims: identity numbers masked (README,
Privacy: the NIK is shown in full only to its owner), labels in the reader's
language instead of codes. The stored records keep the facts."""

import html as html_lib

import pytest
from django.urls import reverse

from jmo_portal.masking import mask_digits
from participants.models import AuditRecord, ProfileChange
from tests.claims.helpers import under_review
from tests.conftest import staff_login
from tests.data_update import confirm_data_at_desk

pytestmark = pytest.mark.django_db

KK = "3302010101100001"  # tests.data_update.DESK_FIELDS


@pytest.fixture
def corrected(participant):
    """A desk data update that corrects the NIK (its last 4 digits) and sets the KK."""
    old_nik = participant.nik
    new_nik = old_nik[:-4] + ("0102" if old_nik[-4:] != "0102" else "0103")
    confirm_data_at_desk(participant, nik=new_nik)
    return participant, old_nik, new_nik


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def test_the_member_page_shows_changed_identity_numbers_masked_and_labelled(
    front_office_user, corrected
):
    participant, old_nik, new_nik = corrected
    page = _page(
        staff_login(front_office_user),
        reverse("frontoffice:participant", args=[participant.pk]),
    )
    changes = page[page.index('id="profile-changes"') :]
    for full in (old_nik, new_nik, KK):
        assert full not in page
    assert f"{mask_digits(old_nik)} → {mask_digits(new_nik)}" in changes
    assert mask_digits(KK) in changes
    # Field names and values as labels, not codes.
    assert "Nomor Kartu Keluarga (KK)" in changes and "kk_number" not in changes
    assert "Nomor HP kontak darurat" in changes and "emergency_phone" not in changes
    assert "Kawin" in changes and "married" not in changes
    assert "Suami atau istri" in changes and "spouse" not in changes
    # The staff actions: labels, not the audit codes.
    assert "Data identitas dikoreksi" in page and "identity_correct" not in page
    assert "Pengkinian data di meja layanan" in page
    assert "data_update_desk" not in page
    # The record itself keeps the facts.
    change = ProfileChange.objects.get(participant=participant, field="nik")
    assert (change.old_value, change.new_value) == (old_nik, new_nik)


def test_the_audit_log_shows_a_nik_correction_masked_with_labels(admin_user, corrected):
    participant, old_nik, new_nik = corrected
    client = staff_login(admin_user)
    page = _page(client, reverse("frontoffice:audit"))
    rows = page[page.index('<table class="audit">') :]
    for full in (old_nik, new_nik):
        assert full not in page
    assert f"NIK: {mask_digits(old_nik)} → {mask_digits(new_nik)}" in rows
    assert "Data identitas dikoreksi" in rows and "identity_correct" not in rows
    assert "['" not in rows and "fields" not in rows  # no list reprs, no JSON keys
    assert "Data yang diubah: — → " in rows
    # The filter offers labels and still filters by the code.
    assert '<option value="identity_correct">Data identitas dikoreksi</option>' in page
    only = _page(client, reverse("frontoffice:audit"), action="identity_correct")
    assert "Pengkinian data di meja layanan" not in only.split('class="audit"')[1]
    record = AuditRecord.objects.get(action="identity_correct")
    assert record.old_value == {"nik": old_nik}


def test_the_django_admin_shows_change_records_masked(admin_user, corrected):
    participant, old_nik, new_nik = corrected
    client = staff_login(admin_user)
    record = AuditRecord.objects.get(action="identity_correct")
    change = ProfileChange.objects.get(participant=participant, field="nik")
    kk = ProfileChange.objects.get(participant=participant, field="kk_number")
    for url in (
        reverse("admin:participants_auditrecord_change", args=[record.pk]),
        reverse("admin:participants_profilechange_change", args=[change.pk]),
        reverse("admin:participants_profilechange_change", args=[kk.pk]),
    ):
        page = _page(client, url)
        for full in (old_nik, new_nik, KK):
            assert full not in page, url
    assert mask_digits(new_nik) in _page(
        client, reverse("admin:participants_profilechange_change", args=[change.pk])
    )


def test_an_unblock_and_unknown_actions_read_as_labels_or_codes(admin_user):
    from participants.services.audit import audit_record

    audit_record(actor=admin_user, action="unblock_kpj", reason="e-KTP seen")
    audit_record(actor=admin_user, action="something_new", new_value={"x": 1})
    page = _page(staff_login(admin_user), reverse("frontoffice:audit"))
    rows = page[page.index('<table class="audit">') :]
    assert "Buka blokir: Pengisian nomor KPJ" in rows
    assert "unblock_kpj" not in rows
    assert "something_new" in rows and "x: — → 1" in rows


def test_the_claim_page_shows_statuses_and_the_tax_regime_as_labels(
    claims_officer_user, bank
):
    claim = under_review(20_000_000)
    page = _page(
        staff_login(claims_officer_user),
        reverse("frontoffice:claim", args=[claim.reference]),
    )
    assert "Sekaligus (final)" in page and "lump_sum" not in page
    timeline = page[page.index("<h2>Riwayat</h2>") :]
    assert "Diajukan → Sedang diperiksa" in timeline
    assert "under_review" not in timeline and "submitted" not in timeline
