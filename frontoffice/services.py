"""Desk state changes. Other apps' rows change only through their services."""

from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from biometrics.models import FaceReference, FaceReferenceSource
from biometrics.services import face_reference_create
from claims.models import Claim, ClaimStatus
from claims.services import claim_approve, claim_reject, claim_return
from jmo_portal.exceptions import ApplicationError
from notifications.services import notification_send
from participants.models import Block, DataUpdate, Participant
from participants.services.data_update_desk import data_update_desk_confirm
from participants.services.guards import block_lift
from tutorials.models import Branch

from .models import (
    REASON_PREFIX,
    TicketStatus,
    VisitReason,
    WalkInTicket,
)

# A claim waits for an officer's decision in these states (an appeal too).
DECIDABLE = (ClaimStatus.UNDER_REVIEW, ClaimStatus.APPEALED)


def desk_unblock(
    *,
    block: Block,
    actor: AbstractBaseUser,
    reason: str,
    identity_checked: bool,
    photo: bytes | IO[bytes] | None = None,
) -> Block:
    """Lift a block after the in-person identity check; optionally a new reference.

    The new reference and the lift are one transaction: a photo that cannot be
    a reference leaves the block in place.
    """
    reason = _identity_checked_reason(identity_checked, reason)
    if block.lifted_at is not None:
        raise ApplicationError(
            _("This block was already lifted."), code="already_lifted", status=409
        )
    with transaction.atomic():
        if photo is not None:
            face_reference_create(
                participant=block.participant,
                image=photo,
                source=FaceReferenceSource.DESK,
                actor=actor,
                reason=reason,
            )
        block = block_lift(block=block, actor=actor, reason=reason)
        _notify_unblocked(block)
    return block


def _identity_checked_reason(identity_checked: bool, reason: str) -> str:
    """The in-person checklist is done and a reason given; returns the reason."""
    if identity_checked is not True:
        raise ApplicationError(
            _(
                "Complete the identity checklist: the e-KTP was seen, matches the "
                "person, and the face matches the e-KTP photo."
            ),
            code="identity_not_checked",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Write down the reason."), code="reason")
    return reason


def desk_reference_enrol(
    *,
    participant: Participant,
    actor: AbstractBaseUser,
    image: bytes | IO[bytes],
    reason: str,
    identity_checked: bool,
) -> FaceReference:
    """Enrol (or re-take) the reference photo with the desk camera, audited.

    It never lifts a block: a blocked member is unblocked with `desk_unblock`.
    """
    reason = _identity_checked_reason(identity_checked, reason)
    return face_reference_create(
        participant=participant,
        image=image,
        source=FaceReferenceSource.DESK,
        actor=actor,
        reason=reason,
    )


def desk_data_update(*, participant: Participant, **update) -> DataUpdate:
    """The whole data update at the desk (`update`: data_update_desk_confirm's
    actor, documents_seen, corrections, reason); a reference photo must be on
    file first."""
    if not participant.face_references.exists():
        raise ApplicationError(
            _(
                "This member has no reference photo yet: take it with the desk "
                "camera first, then confirm the data."
            ),
            code="no_reference",
            status=409,
        )
    return data_update_desk_confirm(participant=participant, **update)


def _notify_unblocked(block: Block) -> None:
    participant = block.participant
    claim = Claim.objects.active().filter(participant=participant).first()
    link = reverse("claims:continue", args=[claim.reference]) if claim else ""
    with override(participant.language or "id"):
        notification_send(
            participant=participant,
            key=f"unblocked-{block.pk}",
            kind="unblocked",
            title=_("Unblocked at the desk"),
            body=_(
                "%(what)s was unblocked by a front-office officer. You can "
                "continue your claim online where you left it."
            )
            % {"what": block.get_kind_display()},
            link=link,
        )


def ticket_take(*, branch: Branch, reason: str) -> WalkInTicket:
    """Give the next number of the day for this open branch and visit reason (the
    kiosk page has found the branch, or answered 404)."""
    if reason not in VisitReason.values:
        raise ApplicationError(_("Choose the reason for your visit."), code="reason")
    day = timezone.localdate()
    prefix = REASON_PREFIX[reason]
    # Two kiosks may press at once: the unique constraint decides, we retry.
    for _attempt in range(50):
        last = (
            WalkInTicket.objects.filter(branch=branch.code, day=day, prefix=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        ticket = WalkInTicket(
            branch=branch.code,
            day=day,
            prefix=prefix,
            number=(last or 0) + 1,
            reason=reason,
        )
        ticket.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                ticket.save()
        except IntegrityError:
            continue
        return ticket
    raise ApplicationError(_("The queue is busy, please try again."), code="busy")


def ticket_call_next(*, branch: str, actor: AbstractBaseUser) -> WalkInTicket | None:
    """Call the oldest waiting ticket of today; None when nobody waits."""
    day = timezone.localdate()
    for _attempt in range(10):
        ticket = WalkInTicket.objects.waiting().filter(branch=branch, day=day).first()
        if ticket is None:
            return None
        # Conditional UPDATE: two officers pressing at once never get one ticket.
        now = timezone.now()
        taken = WalkInTicket.objects.filter(
            pk=ticket.pk, status=TicketStatus.WAITING
        ).update(status=TicketStatus.CALLED, called_at=now, officer=actor)
        if taken:
            ticket.refresh_from_db()
            return ticket
    return None


def ticket_finish(
    *, ticket: WalkInTicket, actor: AbstractBaseUser, served: bool = True
) -> WalkInTicket:
    """Mark a called ticket as served (or not come); the reason may be corrected."""
    status = TicketStatus.SERVED if served else TicketStatus.NO_SHOW
    updated = WalkInTicket.objects.filter(
        pk=ticket.pk, status=TicketStatus.CALLED
    ).update(status=status, served_at=timezone.now(), officer=actor)
    if not updated:
        raise ApplicationError(_("This number was not called."), code="not_called")
    ticket.refresh_from_db()
    return ticket


def claim_review_approve(
    *, claim: Claim, actor: AbstractBaseUser, note: str = ""
) -> tuple[Claim, bool]:
    """Approve through the claims service (four eyes, own membership, proof live
    there). Returns (claim, decided): False while a second officer is needed."""
    if claim.status not in DECIDABLE:
        raise ApplicationError(
            _("This claim is not waiting for a decision."),
            code="not_under_review",
            status=409,
        )
    claim = claim_approve(claim=claim, actor=actor, note=note)
    return claim, claim.status not in DECIDABLE


def claim_review_reject(*, claim: Claim, actor: AbstractBaseUser, reason: str) -> Claim:
    return claim_reject(claim=claim, actor=actor, reason=reason)


def claim_review_return(
    *, claim: Claim, actor: AbstractBaseUser, reason: str, fields: list[str]
) -> Claim:
    """Send the claim back to the member to fix the named fields or documents."""
    return claim_return(claim=claim, actor=actor, reason=reason, fields=fields)
