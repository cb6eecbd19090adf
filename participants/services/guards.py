"""Attempt counters and blocks: one mechanism for selfies, KPJ entry and activation.

Rules: failed face matches and wrong KPJ entries allowed before a block, lifted
only at the desk (JHT_RULES.md, "Identity checks").

Counting happens under a row lock on the participant, so parallel failures can
never count past the limit or create a second block.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from jmo_portal.compiled import CompiledQuery
from participants.models import AttemptCounter, Block, FailedAttempt, Participant

from .audit import audit_record
from .conflicts import staff_conflict_refuse


@dataclass(frozen=True)
class AttemptState:
    attempts_used: int
    max_attempts: int
    block: Block | None

    @property
    def attempts_left(self) -> int:
        if self.block is not None:
            return 0
        return max(self.max_attempts - self.attempts_used, 0)

    @property
    def blocked(self) -> bool:
        return self.block is not None


def block_active(*, participant: Participant, kind: str) -> Block | None:
    return Block.objects.active().filter(participant=participant, kind=kind).first()


_BLOCK_FIELDS = [f.attname for f in Block._meta.concrete_fields]


def _state_queryset(participant_id: int, kind: str):
    """One participant row joined to its counter of `kind` and its active block
    of `kind` (at most one each, by their unique constraints)."""
    return (
        Participant.objects.filter(pk=participant_id)
        .annotate(
            counter=FilteredRelation(
                "attempt_counters", condition=Q(attempt_counters__kind=kind)
            ),
            active_block=FilteredRelation(
                "blocks",
                condition=Q(blocks__kind=kind, blocks__lifted_at__isnull=True),
            ),
        )
        .values_list(
            "counter__attempts_used", *(f"active_block__{n}" for n in _BLOCK_FIELDS)
        )[:1]
    )


# Polled by the app (biometric status): compiled to SQL once per process.
_STATE_QUERY = CompiledQuery(
    _state_queryset, participant_id=-424242, kind="\x00attempt-kind"
)


def attempt_state(
    *, participant: Participant, kind: str, max_attempts: int
) -> AttemptState:
    """The count and the active block in one query, one row."""
    rows = _STATE_QUERY.rows(participant_id=participant.pk, kind=kind)
    row = rows[0] if rows else [None, None]
    block = None
    if row[1] is not None:
        block = Block.from_db("default", _BLOCK_FIELDS, row[1:])
    return AttemptState(
        attempts_used=row[0] or 0, max_attempts=max_attempts, block=block
    )


@transaction.atomic
def attempt_register_failure(
    *,
    participant: Participant,
    kind: str,
    max_attempts: int,
    reason: str,
    reason_params: dict | None = None,
) -> AttemptState:
    """Count one failed attempt; block when the count reaches `max_attempts`.

    `reason` is an English source text (gettext_noop) with `reason_params`: the
    desk and the member each read it in their own language.

    A participant already blocked is not counted again. Lowering or raising the
    limit never lifts a block: only `block_lift` does.
    """
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    block = block_active(participant=participant, kind=kind)
    counter, _ = AttemptCounter.objects.get_or_create(
        participant=participant, kind=kind
    )
    if block is None:
        counter.attempts_used += 1
        counter.save(update_fields=["attempts_used", "updated_at"])
        if counter.attempts_used >= max_attempts:
            block = Block.objects.create(
                participant=participant,
                kind=kind,
                reason=reason,
                reason_params=reason_params or {},
            )
        FailedAttempt.objects.create(
            participant=participant, kind=kind, caused_block=block is not None
        )
    return AttemptState(counter.attempts_used, max_attempts, block)


def attempt_reset(*, participant: Participant, kind: str) -> None:
    """A success resets the failure count (it never lifts a block)."""
    AttemptCounter.objects.filter(participant=participant, kind=kind).update(
        attempts_used=0, updated_at=timezone.now()
    )


@transaction.atomic
def block_lift(*, block: Block, actor: AbstractBaseUser, reason: str) -> Block:
    """Lift a block after the desk's in-person check; resets the count and audits.

    No officer lifts a block on their own membership.
    """
    block = Block.objects.select_for_update().get(pk=block.pk)
    staff_conflict_refuse(actor=actor, participant=block.participant)
    if block.lifted_at is not None:
        return block
    block.lifted_at = timezone.now()
    block.lifted_by = actor
    block.lift_reason = reason
    block.full_clean()
    block.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    attempt_reset(participant=block.participant, kind=block.kind)
    audit_record(
        actor=actor,
        action=f"unblock_{block.kind}",
        participant=block.participant,
        reason=reason,
        old_value={"block_id": block.pk, "blocked_since": block.created_at.isoformat()},
        new_value={"lifted_at": block.lifted_at.isoformat()},
    )
    return block
