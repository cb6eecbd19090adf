"""The officer's approval: every caller (desk page, API, Django admin) obeys the
same rules here, next to the claim data.

- Four eyes: above `ClaimPolicy.four_eyes_above` a first approval is recorded and
  a second, different officer completes it.
- No officer decides a claim on their own membership.
- Claim types that need proof (leaving Indonesia, disability) are approved only
  with the proof documents on file.
- The claim must still be payable when it is decided: an appeal is decided days or
  weeks after the submission, and meanwhile another claim of the member may have
  been paid (the whole balance, or the one partial claim of a membership). The
  amounts are quoted again on today's balance.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import eligibility
from claims.models import Claim, ClaimApproval, ClaimPolicy, ClaimStatus
from claims.proof import proof_missing
from claims.selectors import claim_quote, eligibility_facts, policy_rules
from jmo_portal.exceptions import ApplicationError
from participants.models import Participant
from participants.services.audit import audit_record
from participants.services.conflicts import staff_conflict_refuse

from .lifecycle import _not_allowed, _quote_set, claim_transition

S = ClaimStatus


def _needs_second_officer(claim: Claim) -> bool:
    limit = ClaimPolicy.current().four_eyes_above
    amount = claim.gross if claim.gross is not None else claim_quote(claim=claim).gross
    return limit > 0 and amount > limit


def _proof_refuse(claim: Claim) -> None:
    missing = proof_missing(claim=claim)
    if missing:
        raise ApplicationError(
            _(
                "This claim type needs proof before approval: %(documents)s. Return "
                "the claim to the member to add it."
            )
            % {"documents": ", ".join(missing)},
            code="proof_missing",
            status=409,
        )


# The eligibility checks that another claim of the member can change after this
# one was submitted (the others were met at submission and are the member's).
PAYABLE_CHECKS = ("one_active_claim", "once_only", "balance")


def _payable_requote(claim: Claim) -> None:
    """Refuse a claim that is no longer payable; else quote it on today's balance.

    The member's row is locked first, as every ledger writer locks it, so a payout
    of another claim cannot settle between this check and the approval."""
    if not claim.account_number:
        # Submission requires one; a claim made outside the product may lack it,
        # and the bank would refuse an empty transfer after the approval.
        raise ApplicationError(
            _(
                "This claim has no bank account to pay into: return it to the "
                "member to add one."
            ),
            code="no_account",
            status=409,
        )
    participant = Participant.objects.select_for_update().get(pk=claim.participant_id)
    claim.participant = participant
    verdict = eligibility.evaluate(
        claim.claim_type,
        eligibility_facts(participant, exclude=claim),
        policy_rules(),
    )
    failed = [c for c in verdict.failures if c.code in PAYABLE_CHECKS]
    if failed:
        raise ApplicationError(
            _(
                "This claim can no longer be paid: %(reason)s Reject it with this reason."
            )
            % {"reason": failed[0].reason},
            code="not_payable",
            status=409,
        )
    _quote_set(claim)
    claim.save(update_fields=["gross", "tax", "net", "tax_regime", "updated_at"])


def claim_approve(*, claim: Claim, actor: AbstractBaseUser, note: str = "") -> Claim:
    """An officer approves a reviewed claim; the payout is queued after commit.

    Above the four-eyes amount the first officer's approval is only recorded
    (the claim stays under review, an audit record names the officer); a second,
    different officer's approval decides. Check `claim.status` for the outcome.
    """
    from .payout import payout_create
    from .review import appeal_decide, appeal_refuse_first_officer

    staff_conflict_refuse(actor=actor, participant=claim.participant)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status not in (S.UNDER_REVIEW, S.APPEALED):
            raise _not_allowed(locked)
        if locked.status == S.APPEALED:
            appeal_refuse_first_officer(claim=locked, actor=actor)
        _proof_refuse(locked)
        if _needs_second_officer(locked):
            # Approvals of an earlier round (before a return or the appeal) no
            # longer count: the file has changed since.
            approvals = ClaimApproval.objects.filter(
                claim=locked, round=locked.review_round
            )
            if not approvals.exclude(officer=actor).exists():
                if approvals.filter(officer=actor).exists():
                    raise ApplicationError(
                        _("A second, different officer must approve this claim."),
                        code="four_eyes",
                        status=409,
                    )
                ClaimApproval.objects.create(
                    claim=locked, officer=actor, note=note, round=locked.review_round
                )
                audit_record(
                    actor=actor,
                    action="claim_first_approval",
                    participant=locked.participant,
                    reason=note,
                    new_value={"claim": locked.reference},
                )
                claim.refresh_from_db()
                return claim
        _payable_requote(locked)
        if locked.status == S.APPEALED:
            appeal_decide(claim=locked, actor=actor, outcome=S.APPROVED)
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note
        locked.save(
            update_fields=["decided_at", "decided_by", "decision_note", "updated_at"]
        )
        claim_transition(claim=locked, to=S.APPROVED, actor=actor, note=note)
        payout_create(claim=locked)
    claim.refresh_from_db()
    return claim
