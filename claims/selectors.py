"""Reads that feed the claim pages, the API and the officer queue."""

import datetime as dt

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from biometrics.selectors import (
    biometric_status,
    face_reference_exists,
    selfie_verified_since,
)
from jmo_portal.compiled import CompiledQuery, row_instances, set_prefetched
from participants.models import Participant
from participants.services.data_update import data_update_is_valid

from . import eligibility
from .document_labels import requirements_labelled
from .models import (
    CANCELLABLE_STATUSES,
    PARTIAL_TYPES,
    Claim,
    ClaimAppeal,
    ClaimCorrection,
    ClaimDocument,
    ClaimEvent,
    ClaimPolicy,
    ClaimStatus,
    ClaimType,
    TaxBracket,
    TaxRegime,
)
from .tax import Bracket, PriorPayout, TaxResult, tax_compute
from .types import rule_for, waiting_fields


def policy_rules(policy: ClaimPolicy | None = None) -> eligibility.Rules:
    policy = policy or ClaimPolicy.current()
    return eligibility.Rules(
        online_cap=policy.online_cap,
        waiting_months={
            code: getattr(policy, name) for code, name in waiting_fields().items()
        },
        retirement_age=policy.retirement_age,
        partial_min_years=policy.partial_min_years,
    )


def partial_claimed(participant: Participant, exclude: Claim | None = None) -> bool:
    """A partial claim counts once it is submitted and not rejected or cancelled."""
    qs = Claim.objects.filter(participant=participant, claim_type__in=PARTIAL_TYPES)
    qs = qs.exclude(
        status__in=[ClaimStatus.DRAFT, ClaimStatus.REJECTED, ClaimStatus.CANCELLED]
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def eligibility_facts(
    participant: Participant, *, exclude: Claim | None = None
) -> eligibility.Facts:
    active = Claim.objects.active().filter(participant=participant)
    if exclude is not None:
        active = active.exclude(pk=exclude.pk)
    return eligibility.Facts(
        today=timezone.localdate(),
        birth_date=participant.birth_date,
        jobs=tuple(
            eligibility.Job(e.start, e.end) for e in participant.employments.all()
        ),
        balance=participant.balance,
        profile_confirmed=data_update_is_valid(participant=participant),
        has_face_reference=face_reference_exists(participant=participant),
        has_active_claim=active.exists(),
        partial_claimed=partial_claimed(participant, exclude=exclude),
        membership_start=participant.membership_start,
    )


FACE_BLOCKED_CHECK = eligibility.Check(
    "face_blocked",
    False,
    _(
        "Your face verification is blocked: a front-office desk must unblock it "
        "before you can claim online."
    ),
)


def face_status(*, participant: Participant) -> dict:
    """The face verification's attempts and block, as biometrics reports them."""
    return biometric_status(participant=participant)


def face_blocked(*, participant: Participant) -> bool:
    """True while the participant's face verification is blocked (desk unblocks)."""
    return bool(biometric_status(participant=participant)["blocked"])


def claim_verdicts(
    *, participant: Participant, blocked: bool | None = None
) -> list[dict]:
    """The 'three green ticks' page: every claim type with its conditions.

    `blocked`: whether face verification is blocked, when the caller read it.
    """
    facts = eligibility_facts(participant)
    rules = policy_rules()
    if blocked is None:
        blocked = face_blocked(participant=participant)
    rows = []
    for claim_type in ClaimType:
        verdict = eligibility.evaluate(claim_type.value, facts, rules)
        rule = rule_for(claim_type.value)
        checks = verdict.checks
        if blocked and rule.online:
            # Said here, before the work: the claim's selfie step would refuse.
            checks = (*checks, FACE_BLOCKED_CHECK)
        rows.append(
            {
                "claim_type": claim_type.value,
                "label": claim_type.label,
                "rule": rule,
                "checks": checks,
                "eligible": verdict.eligible and not (blocked and rule.online),
                "amount": verdict.amount,
                "allowed_from": verdict.allowed_from,
            }
        )
    return rows


def brackets(regime: str) -> list[Bracket]:
    return [
        Bracket(b.lower, b.upper, b.rate_bp)
        for b in TaxBracket.objects.filter(regime=regime)
    ]


def claim_quote(*, claim: Claim, on: dt.date | None = None) -> TaxResult:
    """Gross, tax and net if the claim were paid on `on` (today by default)."""
    participant = claim.participant
    policy = ClaimPolicy.current()
    gross = eligibility.claim_amount(claim.claim_type, participant.balance)
    prior = [
        PriorPayout(c.paid_at.date(), c.gross)
        for c in Claim.objects.filter(participant=participant, status=ClaimStatus.PAID)
        .exclude(pk=claim.pk)
        .exclude(paid_at__isnull=True)
    ]
    return tax_compute(
        gross=gross,
        paid_on=on or timezone.localdate(),
        lump_sum=brackets(TaxRegime.LUMP_SUM),
        progressive=brackets(TaxRegime.PROGRESSIVE),
        prior=prior,
        has_npwp=bool(claim.npwp or participant.npwp),
        surcharge_pct=policy.no_npwp_surcharge_pct,
    )


def npwp_required(*, claim: Claim) -> bool:
    policy = ClaimPolicy.current()
    participant = claim.participant
    return participant.balance > policy.npwp_required_above or partial_claimed(
        participant, exclude=claim
    )


def add_working_days(start: dt.date, days: int) -> dt.date:
    """`days` working days after `start`, skipping Saturdays and Sundays."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def claim_list(*, participant: Participant) -> QuerySet[Claim]:
    return (
        Claim.objects.for_participant(participant)
        .select_related("appeal")
        .prefetch_related("events")
    )


_CLAIMS_QUERY = CompiledQuery(
    lambda participant_id: Claim.objects.filter(
        participant_id=participant_id
    ).select_related("appeal"),
    participant_id=-515151,
)
_EVENTS_QUERY = CompiledQuery(
    lambda participant_id: ClaimEvent.objects.filter(
        claim__participant_id=participant_id
    ),
    participant_id=-515151,
)
_DOCUMENTS_QUERY = CompiledQuery(
    lambda participant_id: ClaimDocument.objects.filter(
        claim__participant_id=participant_id
    ),
    participant_id=-515151,
)


def claim_list_loaded(*, participant: Participant) -> list[Claim]:
    """`claim_list` with each claim's appeal, events and documents, read in three
    compiled queries (jmo_portal.compiled: the API's claim list is a hot read)."""
    claims = []
    for row in _CLAIMS_QUERY.rows(participant_id=participant.pk):
        claim, appeal = row_instances(_CLAIMS_QUERY, row, [Claim, ClaimAppeal])
        Claim.appeal.related.set_cached_value(claim, appeal)
        claims.append(claim)
    by_pk = {claim.pk: claim for claim in claims}
    for query, model, name in (
        (_EVENTS_QUERY, ClaimEvent, "events"),
        (_DOCUMENTS_QUERY, ClaimDocument, "documents"),
    ):
        related = {pk: [] for pk in by_pk}
        for row in query.rows(participant_id=participant.pk):
            (item,) = row_instances(query, row, [model])
            if item.claim_id in related:
                model.claim.field.set_cached_value(item, by_pk[item.claim_id])
                related[item.claim_id].append(item)
        for pk, items in related.items():
            set_prefetched(by_pk[pk], name, items)
    return claims


def claim_get(*, participant: Participant, reference: str) -> Claim:
    """The participant's own claim; anyone else's reference is a 404."""
    claim = (
        Claim.objects.select_related("participant", "appeal")
        .filter(participant=participant, reference=reference)
        .first()
    )
    if claim is None:
        raise Http404("No such claim")
    return claim


def claim_active(*, participant: Participant) -> Claim | None:
    return Claim.objects.active().filter(participant=participant).first()


def claims_for_review() -> QuerySet[Claim]:
    """The officer queue: claims (and appeals) waiting for a decision; those past
    their promised date first, then the oldest promise."""
    today = timezone.localdate()
    return (
        Claim.objects.filter(
            status__in=[ClaimStatus.UNDER_REVIEW, ClaimStatus.APPEALED]
        )
        .annotate(
            overdue=Case(
                When(sla_due__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("participant")
        .prefetch_related("documents")
        .order_by("-overdue", "sla_due", "submitted_at")
    )


def claims_returned() -> QuerySet[Claim]:
    """Claims waiting for the member's correction (shown below the queue)."""
    return (
        Claim.objects.filter(status=ClaimStatus.RETURNED)
        .select_related("participant")
        .order_by("updated_at")
    )


def correction_field_labels(*, claim: Claim) -> dict[str, str]:
    """What an officer may ask the member to fix: the bank account, or a document
    of the claim's own requirement snapshot."""
    labels = {ClaimCorrection.BANK_ACCOUNT: _("Bank account")}
    labels.update({r["kind"]: r["label"] for r in claim_requirements(claim=claim)})
    return labels


def claim_requirements(*, claim: Claim) -> list[dict]:
    """The claim's document list ({kind, label}), labels in the reader's language."""
    return requirements_labelled(claim.requirements)


def correction_open(*, claim: Claim) -> ClaimCorrection | None:
    return claim.corrections.filter(resolved_at__isnull=True).first()


def correction_unfixed(*, claim: Claim, correction: ClaimCorrection | None) -> list:
    """The asked items not changed since the return (empty: ready to send again)."""
    if correction is None:
        return []
    since = correction.created_at
    fixed_docs = set(
        claim.documents.filter(uploaded_at__gt=since).values_list("kind", flat=True)
    )
    missing = []
    for field in correction.fields:
        if field == ClaimCorrection.BANK_ACCOUNT:
            if claim.bank_verified_at is None or claim.bank_verified_at <= since:
                missing.append(field)
        elif field not in fixed_docs:
            missing.append(field)
    return missing


# Why a claim past its promised date is late, by the status it waits in.
DELAY_REASONS = {
    ClaimStatus.SUBMITTED: ("officer", _("waiting for an officer")),
    ClaimStatus.UNDER_REVIEW: ("officer", _("waiting for an officer")),
    ClaimStatus.APPEALED: ("officer", _("waiting for an officer")),
    ClaimStatus.APPROVED: ("bank", _("waiting for the bank")),
    ClaimStatus.PAYOUT_PENDING: ("bank", _("waiting for the bank")),
    ClaimStatus.RETURNED: ("member", _("returned to you for a correction")),
    ClaimStatus.PAYOUT_FAILED: ("member", _("waiting for your new bank account")),
}


def claim_delay(*, claim: Claim, today: dt.date | None = None) -> dict | None:
    """None while on time; else {code, reason, days_late} for a claim past its date."""
    today = today or timezone.localdate()
    if claim.sla_due is None or claim.sla_due >= today:
        return None
    if claim.status not in DELAY_REASONS:
        return None
    code, reason = DELAY_REASONS[claim.status]
    return {"code": code, "reason": reason, "days_late": (today - claim.sla_due).days}


def claims_overdue() -> QuerySet[Claim]:
    """Open claims past their promised date."""
    return Claim.objects.filter(
        status__in=list(DELAY_REASONS), sla_due__lt=timezone.localdate()
    )


def documents_missing(*, claim: Claim) -> list[dict]:
    have = set(claim.documents.values_list("kind", flat=True))
    return [r for r in claim.requirements if r["kind"] not in have]


def selfie_passed(*, claim: Claim) -> bool:
    """True when the participant's face matched after the claim was started."""
    attempt = selfie_verified_since(
        participant=claim.participant, since=claim.created_at
    )
    return attempt is not None


def biometric_blocked(*, claim: Claim) -> bool:
    return face_blocked(participant=claim.participant)


def claim_next_step(*, claim: Claim) -> str:
    """The first unfinished wizard step: a participant resumes where they left."""
    if claim.status != ClaimStatus.DRAFT:
        if claim.status == ClaimStatus.PAYOUT_FAILED:
            return "bank"
        return "detail"
    if claim.kpj_verified_at is None:
        return "kpj"
    if claim.bank_verified_at is None:
        return "bank"
    if documents_missing(claim=claim):
        return "documents"
    if not selfie_passed(claim=claim):
        return "selfie"
    return "review"


def correction_summary(*, claim: Claim) -> dict | None:
    """The open return for correction as the member reads it (None if none)."""
    if claim.status != ClaimStatus.RETURNED:
        return None
    correction = correction_open(claim=claim)
    if correction is None:
        return None
    labels = correction_field_labels(claim=claim)
    unfixed = set(correction_unfixed(claim=claim, correction=correction))
    return {
        "reason": correction.reason,
        "fields": [
            {"field": f, "label": str(labels.get(f, f)), "fixed": f not in unfixed}
            for f in correction.fields
        ],
        "returned_at": correction.created_at,
    }


def appeal_get(*, claim: Claim) -> ClaimAppeal | None:
    """The claim's appeal (no query when the claim was read with its appeal)."""
    try:
        return claim.appeal
    except ClaimAppeal.DoesNotExist:
        return None


def claim_cancellable(*, claim: Claim) -> bool:
    return claim.status in CANCELLABLE_STATUSES


def claim_appealable(*, claim: Claim) -> bool:
    return claim.status == ClaimStatus.REJECTED and appeal_get(claim=claim) is None
