"""After the officer's look: return for correction, the member's fix and resubmission,
the one appeal after a rejection (JHT_RULES.md, "The online channel and above it").

- A return names a reason and what to fix: `bank_account` and/or document kinds
  of the claim's own requirement snapshot (requirements never grow mid-claim).
- While returned, the member may change only what was asked; sending it again
  needs every asked item changed after the return, and starts a new review round
  with a new promised date (the SLA runs from the complete file).
- An appeal is allowed once, and never decided by the officer who rejected.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from claims.models import (
    Claim,
    ClaimAppeal,
    ClaimCorrection,
    ClaimPolicy,
    ClaimStatus,
)
from claims.selectors import (
    add_working_days,
    correction_field_labels,
    correction_open,
    correction_unfixed,
)
from jmo_portal.exceptions import ApplicationError
from participants.services.conflicts import staff_conflict_refuse

from .lifecycle import _lock_and_quote, _not_allowed, _not_ready, claim_transition
from .notify import claim_notify

S = ClaimStatus


def claim_return(
    *, claim: Claim, actor: AbstractBaseUser, reason: str, fields: list[str]
) -> Claim:
    """An officer sends a claim under review back to the member to fix `fields`."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give the reason for the return: the member reads it."), code="reason"
        )
    fields = list(dict.fromkeys(str(f) for f in fields or []))
    labels = correction_field_labels(claim=claim)
    unknown = [f for f in fields if f not in labels]
    if not fields or unknown:
        raise ApplicationError(
            _(
                "Choose what the member must fix: the bank account or documents "
                "this claim requires."
            ),
            code="return_fields",
            extra={"allowed": sorted(labels), "unknown": unknown},
        )
    staff_conflict_refuse(actor=actor, participant=claim.participant)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != S.UNDER_REVIEW:
            raise _not_allowed(locked)
        correction = ClaimCorrection.objects.create(
            claim=locked, officer=actor, reason=reason, fields=fields
        )
        note = _("Returned for correction: %(reason)s (to fix: %(fields)s)") % {
            "reason": reason,
            "fields": ", ".join(str(labels[f]) for f in fields),
        }
        claim_transition(
            claim=locked, to=S.RETURNED, actor=actor, note=note, notify=False
        )
        claim_notify(
            claim=locked, event=S.RETURNED, note=note, suffix=f":{correction.pk}"
        )
    claim.refresh_from_db()
    return claim


def correction_fix_allowed(*, claim: Claim, field: str) -> None:
    """While returned, only the fields the officer asked for may change."""
    correction = correction_open(claim=claim)
    if correction is None or field not in correction.fields:
        raise ApplicationError(
            _(
                "The officer did not ask to change this. Fix only what the officer "
                "asked for, then send the claim again."
            ),
            code="not_requested",
            status=409,
        )


def claim_resubmit(*, claim: Claim, actor: AbstractBaseUser | None = None) -> Claim:
    """The member sends a returned claim back after fixing what was asked."""
    claim.refresh_from_db()
    if claim.status != S.RETURNED:
        raise _not_allowed(claim)
    correction = correction_open(claim=claim)
    missing = correction_unfixed(claim=claim, correction=correction)
    if missing:
        labels = correction_field_labels(claim=claim)
        problems = [
            _("Still to fix: %(field)s.") % {"field": labels.get(f, f)} for f in missing
        ]
        raise _not_ready(problems)
    policy = ClaimPolicy.current()
    with transaction.atomic():
        # Quoted again: an NPWP may have been added.
        locked = _lock_and_quote(claim, status=S.RETURNED)
        locked.sla_due = add_working_days(timezone.localdate(), policy.sla_days_review)
        locked.review_round += 1
        locked.save()
        ClaimCorrection.objects.filter(pk=correction.pk).update(
            resolved_at=timezone.now()
        )
        claim_transition(
            claim=locked, to=S.UNDER_REVIEW, actor=actor,
            note=gettext_noop("Corrected by the member and sent again."), notify=False,
        )  # fmt: skip
        claim_notify(
            claim=locked, event=S.UNDER_REVIEW, suffix=f":{locked.review_round}"
        )
    claim.refresh_from_db()
    return claim


def claim_appeal(*, claim: Claim, actor: AbstractBaseUser | None, reason: str) -> Claim:
    """The member answers a rejection: one appeal, reviewed by another officer."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Tell us why the decision should change."), code="reason"
        )
    if len(reason) > 2000:
        raise ApplicationError(
            _("Keep the appeal under 2000 characters."), code="reason"
        )
    try:
        with transaction.atomic():
            locked = Claim.objects.select_for_update().get(pk=claim.pk)
            if ClaimAppeal.objects.filter(claim=locked).exists():
                raise ApplicationError(
                    _("This claim was already appealed once; the decision is final."),
                    code="already_appealed",
                    status=409,
                )
            if locked.status != S.REJECTED:
                raise _not_allowed(locked)
            if (
                Claim.objects.active()
                .filter(participant=locked.participant_id)
                .exists()
            ):
                raise IntegrityError("another active claim")
            ClaimAppeal.objects.create(
                claim=locked, reason=reason, rejected_by=locked.decided_by
            )
            locked.review_round += 1
            locked.save(update_fields=["review_round", "updated_at"])
            claim_transition(
                claim=locked, to=S.APPEALED, actor=actor, note=reason, notify=False
            )
            claim_notify(claim=locked, event=S.APPEALED)
    except IntegrityError as exc:  # another claim became active meanwhile
        raise ApplicationError(
            _(
                "You have another claim in progress. Cancel it first to appeal "
                "this one."
            ),
            code="active_claim",
            status=409,
        ) from exc
    claim.refresh_from_db()
    return claim


def appeal_refuse_first_officer(*, claim: Claim, actor: AbstractBaseUser) -> None:
    """The officer who rejected the claim does not decide its appeal."""
    appeal = ClaimAppeal.objects.filter(claim=claim).first()
    if appeal is not None and appeal.rejected_by_id == actor.pk:
        raise ApplicationError(
            _(
                "You rejected this claim: another officer must decide the appeal "
                "(four eyes)."
            ),
            code="four_eyes_appeal",
            status=409,
        )


def appeal_decide(*, claim: Claim, actor: AbstractBaseUser, outcome: str) -> None:
    """Record the appeal's outcome (inside the deciding transaction)."""
    appeal_refuse_first_officer(claim=claim, actor=actor)
    ClaimAppeal.objects.filter(claim=claim).update(
        outcome=outcome, decided_by=actor, decided_at=timezone.now()
    )
