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
