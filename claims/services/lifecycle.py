"""The claim's life: start, wizard steps, submit, decision. Every status change
goes through `claim_transition` (one transaction, row lock, ClaimEvent).

Rules: one active claim, automatic approval at or under the online cap with a
passed selfie, officer review above it (JHT_RULES.md, "The online channel").
"""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from claims import eligibility
from claims.models import (
    CANCELLABLE_STATUSES,
    Channel,
    Claim,
    ClaimEvent,
    ClaimPolicy,
    ClaimStatus,
    ClaimType,
    DocumentRequirement,
)
from claims.proof import proof_requirements
from claims.selectors import (
    add_working_days,
    biometric_blocked,
    claim_quote,
    documents_missing,
    eligibility_facts,
    policy_rules,
    selfie_passed,
)
from jmo_portal.exceptions import ApplicationError
from participants.models import Participant
from participants.services.conflicts import staff_conflict_refuse

from .notify import claim_notify

S = ClaimStatus
# The only moves a claim can make. Anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.CANCELLED},
    S.SUBMITTED: {S.APPROVED, S.UNDER_REVIEW},
    S.UNDER_REVIEW: {S.APPROVED, S.REJECTED, S.RETURNED, S.CANCELLED},
    # Returned for correction: the member fixes what was asked and sends it again.
    S.RETURNED: {S.UNDER_REVIEW, S.CANCELLED},
    S.APPROVED: {S.PAYOUT_PENDING, S.PAID, S.PAYOUT_FAILED},
    S.PAYOUT_PENDING: {S.PAID, S.PAYOUT_FAILED},
    # The bank moved no money: a new account, or the member gives up the claim.
    S.PAYOUT_FAILED: {S.APPROVED, S.CANCELLED},
    # One appeal per claim (ClaimAppeal is one-to-one), decided by another officer.
    S.REJECTED: {S.APPEALED},
    S.APPEALED: {S.APPROVED, S.REJECTED, S.CANCELLED},
    S.PAID: set(),
    S.CANCELLED: set(),
}
NOTIFY_ON = {
    S.SUBMITTED, S.APPROVED, S.UNDER_REVIEW, S.REJECTED, S.PAYOUT_PENDING,
    S.CANCELLED,
}  # fmt: skip
CANCELLABLE = CANCELLABLE_STATUSES


def _not_allowed(claim: Claim) -> ApplicationError:
    return ApplicationError(
        _("This is not possible while the claim is %(status)s.")
        % {"status": claim.get_status_display().lower()},
        code="conflict",
        status=409,
    )


def claim_transition(
    *,
    claim: Claim,
    to: str,
    actor: AbstractBaseUser | None = None,
    note: str = "",
    notify: bool = True,
) -> Claim:
    """Move the claim to `to` under a row lock and record the event."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if to not in TRANSITIONS[locked.status]:
            raise _not_allowed(locked)
        ClaimEvent.objects.create(
            claim=locked,
            from_status=locked.status,
            to_status=to,
            actor=actor if actor is not None and actor.is_authenticated else None,
            note=note,
        )
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        if notify and to in NOTIFY_ON:
            claim_notify(claim=locked, event=to, note=note)
    claim.status = locked.status
    return locked


def _not_ready(problems: list[str]) -> ApplicationError:
    return ApplicationError(problems[0], code="not_ready", extra={"problems": problems})


def _lock_and_quote(claim: Claim, *, status: str) -> Claim:
    """The claim's row, locked and still in `status`, with its amounts quoted anew."""
    locked = (
        Claim.objects.select_for_update().select_related("participant").get(pk=claim.pk)
    )
    if locked.status != status:  # the other tab was faster
        raise _not_allowed(locked)
    _quote_set(locked)
    return locked


def _quote_set(claim: Claim) -> None:
    """The claim's amounts and tax regime as paid today (not saved)."""
    quote = claim_quote(claim=claim)
    claim.gross, claim.tax, claim.net = quote.gross, quote.tax, quote.net
    claim.tax_regime = quote.regime


def _reference() -> str:
    return f"JHT{timezone.localdate():%y%m%d}{secrets.token_hex(3).upper()}"


def _verdict_error(verdict: eligibility.Verdict) -> ApplicationError:
    failure = verdict.failures[0]
    extra = {
        "checks": [
            {"code": c.code, "ok": c.ok, "reason": c.reason} for c in verdict.checks
        ]
    }
    if verdict.allowed_from:
        extra["allowed_from"] = verdict.allowed_from.isoformat()
    return ApplicationError(failure.reason, code=failure.code, extra=extra)


def claim_start(
    *, participant: Participant, claim_type: str, actor: AbstractBaseUser | None = None
) -> Claim:
    """Open a draft claim if the participant is eligible; snapshot the documents."""
    if claim_type not in ClaimType.values:
        raise ApplicationError(_("Unknown claim type."), code="claim_type")
    if Claim.objects.active().filter(participant=participant).exists():
        raise _active_claim()
    verdict = eligibility.evaluate(
        claim_type, eligibility_facts(participant), policy_rules()
    )
    if not verdict.eligible:
        if "one_active_claim" in {f.code for f in verdict.failures}:
            raise _active_claim()  # another tab's claim was saved meanwhile
        raise _verdict_error(verdict)
    channel = Channel.ONLINE if verdict.online else Channel.REVIEW
    requirements = []
    if channel == Channel.REVIEW:
        requirements = proof_requirements(
            claim_type=claim_type,
            requirements=[
                {"kind": r.kind, "label": r.label}
                for r in DocumentRequirement.objects.filter(
                    claim_type=claim_type, active=True
                )
            ],
        )
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                reference=_reference(),
                participant=participant,
                claim_type=claim_type,
                channel=channel,
                requirements=requirements,
                balance_at_start=participant.balance,
            )
            ClaimEvent.objects.create(
                claim=claim, to_status=S.DRAFT, actor=_user(actor)
            )
    except IntegrityError as exc:  # a second tab started one at the same moment
        raise _active_claim() from exc
    return claim


def _active_claim() -> ApplicationError:
    return ApplicationError(
        _("You already have a claim in progress."), code="active_claim", status=409
    )


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _require_draft(claim: Claim) -> None:
    claim.refresh_from_db(fields=["status"])
    if claim.status != S.DRAFT:
        raise _not_allowed(claim)


def _not_cancellable_reason(claim: Claim) -> str:
    """Why a claim cannot be cancelled, true to its status."""
    if claim.status == S.CANCELLED:
        return _("This claim is already cancelled.")
    if claim.status == S.REJECTED:
        return _(
            "This claim was rejected, so there is nothing to cancel: nothing will "
            "be paid for it."
        )
    return _(
        "This claim can no longer be cancelled: it is %(status)s and the money is "
        "on its way or paid."
    ) % {"status": claim.get_status_display().lower()}


def claim_cancel(*, claim: Claim, actor: AbstractBaseUser | None = None) -> Claim:
    """The member withdraws the claim before any money is on its way.

    Counters (KPJ entries, selfie attempts) are not touched: cancelling is no
    way to reset them.
    """
    from claims.models import Payout, PayoutStatus

    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status not in CANCELLABLE:
            raise ApplicationError(
                _not_cancellable_reason(locked), code="not_cancellable", status=409
            )
        # After a failed transfer: only when the bank holds no open or paid order.
        if (
            Payout.objects.filter(claim=locked)
            .exclude(status=PayoutStatus.FAILED)
            .exists()
        ):
            raise _not_allowed(locked)
        claim_transition(
            claim=locked, to=S.CANCELLED, actor=actor,
            note=gettext_noop("Cancelled by the member."),
        )  # fmt: skip
    claim.refresh_from_db()
    return claim


def submit_problems(*, claim: Claim) -> list[str]:
    """What still stops the submission, in plain words (empty: ready)."""
    problems = []
    verdict = eligibility.evaluate(
        claim.claim_type, eligibility_facts(claim.participant, exclude=claim),
        policy_rules(),
    )  # fmt: skip
    problems += [c.reason for c in verdict.failures]
    if claim.kpj_verified_at is None:
        problems.append(_("Your KPJ number is not checked yet."))
    if claim.bank_verified_at is None:
        problems.append(_("Your bank account is not checked yet."))
    if documents_missing(claim=claim):
        problems.append(_("Some documents are missing."))
    if biometric_blocked(claim=claim):
        # Failed selfies after the pass: someone may be claiming in their name.
        problems.append(
            _(
                "Face verification is blocked after too many failed attempts. Please "
                "visit a BPJS Ketenagakerjaan front-office desk with your e-KTP to "
                "unblock it."
            )
        )
    elif not selfie_passed(claim=claim):
        problems.append(_("Your selfie is not verified yet."))
    return problems


def claim_submit(*, claim: Claim, actor: AbstractBaseUser | None = None) -> Claim:
    """Final checks, amounts and SLA; then automatic approval or the officer queue.

    A claim returned for correction is sent again through `claim_resubmit`.
    """
    claim.refresh_from_db(fields=["status"])
    if claim.status == S.RETURNED:
        from .review import claim_resubmit

        return claim_resubmit(claim=claim, actor=actor)
    _require_draft(claim)
    problems = submit_problems(claim=claim)
    if problems:
        raise _not_ready(problems)
    policy = ClaimPolicy.current()
    from .payout import payout_create

    with transaction.atomic():
        locked = _lock_and_quote(claim, status=S.DRAFT)
        online = locked.channel == Channel.ONLINE and locked.gross <= policy.online_cap
        now = timezone.now()
        days = policy.sla_days_online if online else policy.sla_days_review
        locked.submitted_at = now
        locked.sla_due = add_working_days(timezone.localdate(now), days)
        locked.save()
        claim_transition(claim=locked, to=S.SUBMITTED, actor=actor)
        if online:
            locked.decided_at = now
            locked.decision_note = gettext_noop("Approved automatically: online claim.")
            locked.save(update_fields=["decided_at", "decision_note", "updated_at"])
            claim_transition(claim=locked, to=S.APPROVED, note=locked.decision_note)
            payout_create(claim=locked)
        else:
            claim_transition(claim=locked, to=S.UNDER_REVIEW)
    claim.refresh_from_db()
    return claim


def claim_reject(*, claim: Claim, actor: AbstractBaseUser, reason: str) -> Claim:
    """An officer rejects a reviewed claim (or its appeal) with a reason the
    participant reads. An appeal is decided by another officer than the first."""
    from .review import appeal_decide

    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the rejection."), code="reason")
    staff_conflict_refuse(actor=actor, participant=claim.participant)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status not in (S.UNDER_REVIEW, S.APPEALED):
            raise _not_allowed(locked)
        appealed = locked.status == S.APPEALED
        if appealed:
            appeal_decide(claim=locked, actor=actor, outcome=S.REJECTED)
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = reason
        locked.save(
            update_fields=["decided_at", "decided_by", "decision_note", "updated_at"]
        )
        claim_transition(
            claim=locked, to=S.REJECTED, actor=actor, note=reason, notify=not appealed
        )
        if appealed:  # the first rejection's notification key is taken
            claim_notify(claim=locked, event=S.REJECTED, note=reason, suffix=":appeal")
    claim.refresh_from_db()
    return claim
