"""The audit log: admins read it; nobody edits or deletes it through the app."""

from django.urls import reverse

from claims.models import DocumentRequirement
from participants.models import AuditRecord
from participants.services.audit import audit_record


def test_admins_read_every_kind_of_record_with_the_nik_masked(
    admin, admin_user, participant
):
    audit_record(
        actor=admin_user,
        action="unblock_kpj",
        participant=participant,
        reason="e-KTP seen",
    )
    audit_record(
        actor=admin_user,
        action="policy_change",
        old_value={"max_attempts": 3},
        new_value={"max_attempts": 5},
    )
    html = admin.get(reverse("frontoffice:audit")).content.decode()
    unblock, policy = "Buka blokir: Pengisian nomor KPJ", "Kebijakan diubah"
    assert unblock in _rows_of(html) and policy in _rows_of(html)
    assert "e-KTP seen" in html
    assert "Percobaan swafoto sebelum diblokir: 3 → 5" in html
    assert participant.nik not in html
    filtered = admin.get(reverse("frontoffice:audit"), {"action": "policy_change"})
    assert unblock not in _rows(filtered) and policy in _rows(filtered)
    by_kpj = admin.get(reverse("frontoffice:audit"), {"q": participant.kpj})
    assert policy not in _rows(by_kpj) and unblock in _rows(by_kpj)


def test_policy_settings_and_staff_roles_read_as_labels_in_the_viewers_language(
    admin, admin_user, settings
):
    doc = DocumentRequirement.objects.get(claim_type="resign", kind="ktp")
    audit_record(
        actor=admin_user,
        action="policy_change",
        old_value={"max_attempts": 3, "document:resign/ktp": True, "old_knob": 1},
        new_value={"max_attempts": 5, "document:resign/ktp": False, "old_knob": 2},
    )
    audit_record(
        actor=None,
        action="staff_role_set",
        old_value={"username": "budi", "roles": ["front_office"]},
        new_value={"username": "budi", "roles": ["claims_officer", "retired_role"]},
    )
    rows = _rows(admin.get(reverse("frontoffice:audit")))
    assert "Percobaan swafoto sebelum diblokir: 3 → 5" in rows
    assert f"{doc.get_claim_type_display()}: KTP (kartu tanda penduduk): wajib" in rows
    assert "Peran: Petugas front office → Petugas klaim, retired_role" in rows
    # A code nobody knows any more (an old record) is shown as it is.
    assert "old_knob: 1 → 2" in rows
    assert "max_attempts" not in rows and "front_office" not in rows
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = _rows(admin.get(reverse("frontoffice:audit")))
    assert "Selfie attempts before a block: 3 → 5" in rows
    assert "Roles: Front-office officer → Claims officer, retired_role" in rows


def _rows(response) -> str:
    return _rows_of(response.content.decode())


def _rows_of(html: str) -> str:
    return html[html.index('<table class="audit">') :]


def test_the_django_admin_cannot_change_or_delete_a_record(admin, admin_user):
    record = audit_record(actor=admin_user, action="policy_change")
    change = reverse("admin:participants_auditrecord_change", args=[record.pk])
    delete = reverse("admin:participants_auditrecord_delete", args=[record.pk])
    page = admin.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin.post(change, {"action": "tampered"}).status_code == 403
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.get(pk=record.pk).action == "policy_change"
