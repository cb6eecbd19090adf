"""Wizard steps of a draft claim: KPJ re-entry, bank account, documents.

Rules: wrong KPJ entries lock (JHT_RULES.md, "Identity checks"); NPWP above
Rp 50.000.000 or after a partial claim; documents above the online cap.
"""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from claims.bank import client as bank
from claims.bank.banks import BANK_CODES, names_match
from claims.documents import document_inspect
from claims.models import Claim, ClaimCorrection, ClaimDocument
from claims.selectors import npwp_required
from jmo_portal.exceptions import ApplicationError
from participants.models import AccountPolicy, BlockKind, Participant
from participants.services.guards import (
    attempt_register_failure,
    attempt_reset,
    attempt_state,
)
from participants.services.ratelimits import participant_rate_hit
from participants.validators import ascii_digits, digits_only, name_clean

from .bank_change import claim_bank_change_record
from .lifecycle import S, _not_allowed, _require_draft, claim_transition
from .review import correction_fix_allowed

# The account may change until the decision; after it only when a transfer failed.
BANK_EDITABLE = (S.DRAFT, S.PAYOUT_FAILED, S.RETURNED, S.UNDER_REVIEW, S.APPEALED)


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
    state = kpj_state(participant=participant)
    if state.blocked:
        raise _kpj_locked()
    entered = digits_only(kpj_number)  # typed as on the card: "2401-0000-001"
    if not (ascii_digits(entered) and len(entered) == 11):
        # Not counted, but the answer still says how many tries are left (API.md).
        raise ApplicationError(
            _("A KPJ number has 11 digits."),
            code="kpj_format",
            extra={"attempts_left": state.attempts_left},
        )
    if not secrets.compare_digest(entered, participant.kpj):
        state = attempt_register_failure(
            participant=participant,
            kind=BlockKind.KPJ,
            max_attempts=AccountPolicy.current().kpj_max_attempts,
            reason=gettext_noop("Too many wrong KPJ numbers during a claim"),
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

    Allowed on a draft, while the claim waits for an officer's decision, after
    a failed transfer (the payout is then queued again to the new account), and
    when an officer returned the claim to fix it. A change after submission is
    told on the old and new contact and delays the payout by the policy's
    cooling period.
    """
    claim.refresh_from_db()
    if claim.status not in BANK_EDITABLE:
        raise _not_allowed(claim)
    if claim.status == S.RETURNED:
        correction_fix_allowed(claim=claim, field=ClaimCorrection.BANK_ACCOUNT)
    if claim.status == S.DRAFT and claim.kpj_verified_at is None:
        raise ApplicationError(_("Enter your KPJ number first."), code="step_order")
    account_number = digits_only(account_number)
    if bank_code not in BANK_CODES:
        raise ApplicationError(_("Choose a bank from the list."), code="bank_code")
    if not (ascii_digits(account_number) and 6 <= len(account_number) <= 20):
        raise ApplicationError(
            _("An account number has 6 to 20 digits."), code="account_number"
        )
    account_holder = name_clean(account_holder)
    participant = claim.participant
    if not names_match(account_holder, participant.full_name):
        raise ApplicationError(
            _("The account must be in your own name (%(name)s).")
            % {"name": participant.full_name},
            code="holder_name",
        )
    npwp = digits_only(npwp)  # "12.345.678.9-012.345"
    if npwp and not (ascii_digits(npwp) and len(npwp) in (15, 16)):
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
        if locked.status not in BANK_EDITABLE:
            raise _not_allowed(locked)
        changed = locked.account_number and (
            (locked.bank_code, locked.account_number) != (bank_code, account_number)
        )
        old_account = f"{locked.bank_code} {locked.account_masked}"
        locked.bank_code = bank_code
        locked.account_number = account_number
        locked.account_holder = account_holder
        locked.bank_verified_name = bank_name
        locked.bank_verified_at = timezone.now()
        if npwp:
            locked.npwp = npwp
        if changed and locked.status != S.DRAFT:
            locked.bank_changed_at = locked.bank_verified_at
            if locked.status in (S.UNDER_REVIEW, S.APPEALED):
                # Officers approve the file they saw: earlier first approvals
                # (four eyes) do not cover the new account.
                locked.review_round += 1
        locked.save()
        if changed and locked.status != S.DRAFT:
            claim_bank_change_record(claim=locked, actor=actor, old_account=old_account)
        if locked.status == S.PAYOUT_FAILED:
            claim_transition(
                claim=locked, to=S.APPROVED, actor=actor,
                note=gettext_noop("Bank account changed; payout queued again."), notify=False,
            )  # fmt: skip
            payout_create(claim=locked, account_changed=bool(changed))
    claim.refresh_from_db()
    return claim


def claim_document_add(
    *, claim: Claim, kind: str, upload: UploadedFile
) -> ClaimDocument:
    """Store one required document (replacing an earlier upload of that kind).

    On a returned claim only the kinds the officer asked for can be replaced.
    """
    claim.refresh_from_db(fields=["status"])
    if claim.status == S.RETURNED:
        correction_fix_allowed(claim=claim, field=kind)
    else:
        _require_draft(claim)
    kinds = {r["kind"] for r in claim.requirements}
    if kind not in kinds:
        raise ApplicationError(
            _("This claim does not need that document."), code="document_kind"
        )
    # Counted before the file is read: a refused file costs a check too.
    participant_rate_hit(name="document_upload", participant=claim.participant)
    content_type, ext = document_inspect(upload)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status not in (S.DRAFT, S.RETURNED):
            raise _not_allowed(locked)
        old = ClaimDocument.objects.filter(claim=claim, kind=kind).first()
        if old is not None:
            # The old file goes once the new one is stored and committed: deleted
            # first, a failed save (disk full) rolled the row back onto no file.
            storage, name = old.file.storage, old.file.name
            transaction.on_commit(lambda: storage.delete(name))
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
