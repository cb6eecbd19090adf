"""The claim's life: start, wizard steps, submit, decision. Every status change
goes through `claim_transition` (one transaction, row lock, ClaimEvent)."""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import eligibility
from claims.bank import client as bank
from claims.bank.banks import BANK_CODES, names_match
from claims.documents import document_inspect
from claims.models import (
    Channel,
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimPolicy,
    ClaimStatus,
    ClaimType,
    DocumentRequirement,
)
from claims.selectors import (
    add_working_days,
    claim_quote,
    eligibility_facts,
    npwp_required,
    policy_rules,
)
from jmo_portal.exceptions import ApplicationError
from participants.models import AccountPolicy, BlockKind, Participant
from participants.services.guards import (
    attempt_register_failure,
    attempt_reset,
    attempt_state,
)

from .identity import selfie_passed
from .notify import claim_notify

S = ClaimStatus
# The only moves a claim can make. Anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.CANCELLED},
    S.SUBMITTED: {S.APPROVED, S.UNDER_REVIEW},
    S.UNDER_REVIEW: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.PAYOUT_PENDING, S.PAID, S.PAYOUT_FAILED},
    S.PAYOUT_PENDING: {S.PAID, S.PAYOUT_FAILED},
    S.PAYOUT_FAILED: {S.APPROVED},
    S.REJECTED: set(),
    S.PAID: set(),
    S.CANCELLED: set(),
}
NOTIFY_ON = {S.SUBMITTED, S.APPROVED, S.UNDER_REVIEW, S.REJECTED, S.PAYOUT_PENDING}


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
        raise ApplicationError(
            _("You already have a claim in progress."), code="active_claim", status=409
        )
    verdict = eligibility.evaluate(
        claim_type, eligibility_facts(participant), policy_rules()
    )
    if not verdict.eligible:
        raise _verdict_error(verdict)
    channel = Channel.ONLINE if verdict.online else Channel.REVIEW
    requirements = []
    if channel == Channel.REVIEW:
        requirements = [
            {"kind": r.kind, "label": r.label}
            for r in DocumentRequirement.objects.filter(
                claim_type=claim_type, active=True
            )
        ]
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
        raise ApplicationError(
            _("You already have a claim in progress."), code="active_claim", status=409
        ) from exc
    return claim


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _require_draft(claim: Claim) -> None:
    claim.refresh_from_db(fields=["status"])
    if claim.status != S.DRAFT:
        raise _not_allowed(claim)


def kpj_state(*, participant: Participant):
    return attempt_state(
        participant=participant,
        kind=BlockKind.KPJ,
        max_attempts=AccountPolicy.current().kpj_max_attempts,
    )


def _kpj_locked() -> ApplicationError:
    return ApplicationError(
        _(
            "Your KPJ number is locked after too many wrong entries. Please visit "
            "a BPJS Ketenagakerjaan branch office to unlock it."
        ),
        code="kpj_locked",
        status=423,
        extra={"attempts_left": 0},
    )


def claim_kpj_check(*, claim: Claim, kpj_number: str) -> Claim:
    """Re-enter the KPJ number; wrong entries count and lock at the policy limit."""
    _require_draft(claim)
    participant = claim.participant
    if kpj_state(participant=participant).blocked:
        raise _kpj_locked()
    entered = "".join(ch for ch in (kpj_number or "") if not ch.isspace())
    if not (entered.isdigit() and len(entered) == 11):
        raise ApplicationError(_("A KPJ number has 11 digits."), code="kpj_format")
    if not secrets.compare_digest(entered, participant.kpj):
        state = attempt_register_failure(
            participant=participant,
            kind=BlockKind.KPJ,
            max_attempts=AccountPolicy.current().kpj_max_attempts,
            reason=_("Too many wrong KPJ numbers during a claim"),
        )
        if state.blocked:
            raise _kpj_locked()
        raise ApplicationError(
            _("This KPJ number is not yours. Attempts left: %(n)s.")
            % {"n": state.attempts_left},
            code="kpj_wrong",
            extra={"attempts_left": state.attempts_left},
        )
    attempt_reset(participant=participant, kind=BlockKind.KPJ)
    Claim.objects.filter(pk=claim.pk).update(kpj_verified_at=timezone.now())
    claim.refresh_from_db()
    return claim


def claim_bank_account_set(
    *,
    claim: Claim,
    bank_code: str,
    account_number: str,
    account_holder: str,
    npwp: str = "",
    actor: AbstractBaseUser | None = None,
) -> Claim:
    """Check the account with the bank's name inquiry, then save it on the claim.

    Allowed on a draft, and after a failed transfer (the payout is then queued
    again to the new account).
    """
    claim.refresh_from_db()
    if claim.status not in (S.DRAFT, S.PAYOUT_FAILED):
        raise _not_allowed(claim)
    if claim.status == S.DRAFT and claim.kpj_verified_at is None:
        raise ApplicationError(_("Enter your KPJ number first."), code="step_order")
    account_number = "".join((account_number or "").split())
    if bank_code not in BANK_CODES:
        raise ApplicationError(_("Choose a bank from the list."), code="bank_code")
    if not (account_number.isdigit() and 6 <= len(account_number) <= 20):
        raise ApplicationError(
            _("An account number has 6 to 20 digits."), code="account_number"
        )
    account_holder = " ".join((account_holder or "").split())
    participant = claim.participant
    if not names_match(account_holder, participant.full_name):
        raise ApplicationError(
            _("The account must be in your own name (%(name)s).")
            % {"name": participant.full_name},
            code="holder_name",
        )
    npwp = "".join(ch for ch in (npwp or "") if ch.isdigit())
    if npwp and len(npwp) not in (15, 16):
        raise ApplicationError(_("An NPWP has 15 or 16 digits."), code="npwp")
    if not npwp and not participant.npwp and npwp_required(claim=claim):
        raise ApplicationError(
            _(
                "Your NPWP is required for this claim (balance above Rp 50.000.000 "
                "or an earlier partial claim)."
            ),
            code="npwp_required",
        )
    # The bank call happens before (never inside) the transaction.
    try:
        found = bank.account_inquiry(
            bank_code=bank_code, account_number=account_number, name_hint=account_holder
        )
    except bank.BankTransientError as exc:
        raise ApplicationError(
            _("The bank does not answer right now. Please try again in a minute."),
            code="bank_unavailable",
            status=503,
        ) from exc
    except bank.BankError as exc:
        raise ApplicationError(
            _("The bank says this account is closed or does not exist."),
            code="account_not_found",
        ) from exc
    bank_name = found.get("account_holder_name", "")
    if not names_match(bank_name, participant.full_name):
        raise ApplicationError(
            _(
                "The bank has this account under another name, not %(name)s. Use an "
                "account in your own name."
            )
            % {"name": participant.full_name},
            code="name_mismatch",
        )
    from .payout import payout_create

    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status not in (S.DRAFT, S.PAYOUT_FAILED):
            raise _not_allowed(locked)
        changed = locked.account_number and (
            (locked.bank_code, locked.account_number) != (bank_code, account_number)
        )
        locked.bank_code = bank_code
        locked.account_number = account_number
        locked.account_holder = account_holder
        locked.bank_verified_name = bank_name
        locked.bank_verified_at = timezone.now()
        if npwp:
            locked.npwp = npwp
        locked.save()
        if locked.status == S.PAYOUT_FAILED:
            claim_transition(
                claim=locked, to=S.APPROVED, actor=actor,
                note=_("Bank account changed; payout queued again."), notify=False,
            )  # fmt: skip
            payout_create(claim=locked, account_changed=bool(changed))
    claim.refresh_from_db()
    return claim


def claim_document_add(
    *, claim: Claim, kind: str, upload: UploadedFile
) -> ClaimDocument:
    """Store one required document (replacing an earlier upload of that kind)."""
    _require_draft(claim)
    kinds = {r["kind"] for r in claim.requirements}
    if kind not in kinds:
        raise ApplicationError(
            _("This claim does not need that document."), code="document_kind"
        )
    content_type, ext = document_inspect(upload)
    with transaction.atomic():
        Claim.objects.select_for_update().get(pk=claim.pk)
        old = ClaimDocument.objects.filter(claim=claim, kind=kind).first()
        if old is not None:
            old.file.delete(save=False)
            old.delete()
        document = ClaimDocument(
            claim=claim,
            kind=kind,
            content_type=content_type,
            size=upload.size,
            original_name=(upload.name or "")[:200],
        )
        document.file.save(f"{kind}-{secrets.token_hex(8)}.{ext}", upload, save=False)
        document.save()
    return document


def documents_missing(*, claim: Claim) -> list[dict]:
    have = set(claim.documents.values_list("kind", flat=True))
    return [r for r in claim.requirements if r["kind"] not in have]


def claim_cancel(*, claim: Claim, actor: AbstractBaseUser | None = None) -> Claim:
    return claim_transition(claim=claim, to=S.CANCELLED, actor=actor)


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
    if not selfie_passed(claim=claim):
        problems.append(_("Your selfie is not verified yet."))
    return problems


def claim_submit(*, claim: Claim, actor: AbstractBaseUser | None = None) -> Claim:
    """Final checks, amounts and SLA; then automatic approval or the officer queue."""
    _require_draft(claim)
    problems = submit_problems(claim=claim)
    if problems:
        raise ApplicationError(
            problems[0], code="not_ready", extra={"problems": problems}
        )
    policy = ClaimPolicy.current()
    from .payout import payout_create

    with transaction.atomic():
        locked = (
            Claim.objects.select_for_update()
            .select_related("participant")
            .get(pk=claim.pk)
        )
        if locked.status != S.DRAFT:  # the other tab was faster
            raise _not_allowed(locked)
        quote = claim_quote(claim=locked)
        online = locked.channel == Channel.ONLINE and quote.gross <= policy.online_cap
        now = timezone.now()
        days = policy.sla_days_online if online else policy.sla_days_review
        locked.gross, locked.tax, locked.net = quote.gross, quote.tax, quote.net
        locked.tax_regime = quote.regime
        locked.submitted_at = now
        locked.sla_due = add_working_days(timezone.localdate(now), days)
        locked.save()
        claim_transition(claim=locked, to=S.SUBMITTED, actor=actor)
        if online:
            locked.decided_at = now
            locked.decision_note = _("Approved automatically: online claim.")
            locked.save(update_fields=["decided_at", "decision_note", "updated_at"])
            claim_transition(claim=locked, to=S.APPROVED, note=locked.decision_note)
            payout_create(claim=locked)
        else:
            claim_transition(claim=locked, to=S.UNDER_REVIEW)
    claim.refresh_from_db()
    return claim


def claim_approve(*, claim: Claim, actor: AbstractBaseUser, note: str = "") -> Claim:
    """An officer approves a reviewed claim; the payout is queued after commit."""
    from .payout import payout_create

    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != S.UNDER_REVIEW:
            raise _not_allowed(locked)
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


def claim_reject(*, claim: Claim, actor: AbstractBaseUser, reason: str) -> Claim:
    """An officer rejects a reviewed claim with a reason the participant reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the rejection."), code="reason")
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != S.UNDER_REVIEW:
            raise _not_allowed(locked)
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = reason
        locked.save(
            update_fields=["decided_at", "decided_by", "decision_note", "updated_at"]
        )
        claim_transition(claim=locked, to=S.REJECTED, actor=actor, note=reason)
    claim.refresh_from_db()
    return claim
