from django.contrib.auth.models import AbstractBaseUser

from participants.models import AuditRecord, Participant


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    participant: Participant | None = None,
    reason: str = "",
    old_value: dict | None = None,
    new_value: dict | None = None,
) -> AuditRecord:
    """Write one immutable audit record (callers run it inside their transaction)."""
    return AuditRecord.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        participant=participant,
        reason=reason,
        old_value=old_value or {},
        new_value=new_value or {},
    )


def audit_staff_view(
    *, actor: AbstractBaseUser, participant: Participant, what: str, ref: object
) -> AuditRecord:
    """Record that a staff member looked at a member's personal data (a selfie or
    reference photo, a full NIK): who, whose, what, when."""
    return audit_record(
        actor=actor,
        action=f"view_{what}",
        participant=participant,
        new_value={"id": str(ref)},
    )
