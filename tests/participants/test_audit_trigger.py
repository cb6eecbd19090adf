"""AuditRecord rows are append-only in PostgreSQL itself, whoever asks."""

import pytest
from django.db import DatabaseError, connection, transaction

from participants.models import AuditRecord
from participants.services.audit import audit_record
from tests.conftest import require_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(participant_user):
    require_services(postgres=True)
    return audit_record(
        actor=None,
        action="unblock_biometric",
        participant=participant_user.participant,
        reason="e-KTP seen",
    )


@pytest.mark.parametrize(
    "attempt",
    [
        lambda r: AuditRecord.objects.filter(pk=r.pk).update(reason="nothing happened"),
        lambda r: AuditRecord.objects.filter(pk=r.pk).delete(),
        lambda r: r.delete(),
        lambda r: connection.cursor().execute(
            "UPDATE participants_auditrecord SET action = 'x' WHERE id = %s", [r.pk]
        ),
        lambda r: connection.cursor().execute(
            "DELETE FROM participants_auditrecord WHERE id = %s", [r.pk]
        ),
    ],
    ids=["orm-update", "orm-bulk-delete", "orm-delete", "sql-update", "sql-delete"],
)
def test_no_one_can_change_or_delete_an_audit_record(record, attempt):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        attempt(record)

    stored = AuditRecord.objects.get(pk=record.pk)
    assert (stored.action, stored.reason) == ("unblock_biometric", "e-KTP seen")


def test_new_records_are_still_written(record):
    audit_record(actor=None, action="policy_change", reason="raise the limit")
    assert AuditRecord.objects.count() == 2


def test_staff_looking_at_a_face_photo_is_audited(participant_user, front_office_user):
    from django.urls import reverse

    from biometrics.services import face_reference_create
    from tests.biometrics import images
    from tests.conftest import staff_login

    member = participant_user.participant
    reference = face_reference_create(
        participant=member, image=images.raw("obama", 1), source="registry"
    )
    desk = staff_login(front_office_user)

    response = desk.get(reverse("biometrics:reference-photo", args=[reference.pk]))

    assert response.status_code == 200
    seen = AuditRecord.objects.get(action="view_reference_photo")
    assert (seen.actor, seen.participant) == (front_office_user, member)
