"""Reads for the desk pages and the desk API (masked, minimal personal data)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from biometrics.models import FaceReference, SelfieAttempt
from claims import eligibility
from claims.models import Claim, tax_regime_label
from claims.selectors import (
    appeal_get,
    claim_delay,
    claim_quote,
    correction_field_labels,
    eligibility_facts,
    policy_rules,
)
from participants.changes import change_rows
from participants.models import (
    AttemptCounter,
    AuditRecord,
    Block,
    BlockKind,
    FailedAttempt,
    Participant,
    ProfileChange,
    audit_action_label,
)
from tutorials.selectors import branch_list

from .models import StaffPost, VisitReason, WalkInTicket
from .policy_labels import policy_labels
from .roles import ROLE_LABELS

SEARCH_LIMIT = 50


def participant_search(*, q: str) -> QuerySet[Participant]:
    """By NIK (16 digits), KPJ (11 digits) or part of the name; empty q finds none."""
    q = (q or "").strip()
    if len(q) < 2:
        return Participant.objects.none()
    return Participant.objects.search(q).order_by("full_name")[:SEARCH_LIMIT]


def block_list(*, q: str = "") -> QuerySet[Block]:
    """Active blocks, newest first, optionally narrowed by NIK, KPJ or name."""
    blocks = Block.objects.active().select_related("participant")
    q = (q or "").strip()
    if q:
        blocks = blocks.filter(participant__in=Participant.objects.search(q))
    return blocks


@dataclass(frozen=True)
class DeskParticipant:
    participant: Participant
    active_blocks: list[Block]
    lifted_blocks: list[Block]
    counters: list[tuple[str, int, dt.datetime]]
    failed_entries: list[FailedAttempt]
    selfies: list[SelfieAttempt]
    references: list[FaceReference]
    profile_changes: list[ProfileChange]
    audit: list[AuditRecord]
    open_claims: list[Claim]


def participant_desk_get(*, participant: Participant) -> DeskParticipant:
    """Everything the officer needs to decide an unblock, and nothing more."""
    blocks = list(participant.blocks.select_related("lifted_by"))
    return DeskParticipant(
        participant=participant,
        active_blocks=[b for b in blocks if b.is_active],
        lifted_blocks=[b for b in blocks if not b.is_active][:10],
        counters=[
            (BlockKind(kind).label, used, updated)
            for kind, used, updated in AttemptCounter.objects.filter(
                participant=participant
            ).values_list("kind", "attempts_used", "updated_at")
        ],
        # Selfies have their own, richer history below.
        failed_entries=list(
            participant.failed_attempts.exclude(kind=BlockKind.BIOMETRIC)[:20]
        ),
        selfies=list(SelfieAttempt.objects.for_participant(participant)[:20]),
        references=list(participant.face_references.select_related("created_by")),
        profile_changes=list(participant.profile_changes.select_related("actor")[:20]),
        audit=list(
            AuditRecord.objects.filter(participant=participant).select_related("actor")[
                :20
            ]
        ),
        open_claims=list(Claim.objects.active().filter(participant=participant)),
    )


def claim_review_get(*, claim: Claim) -> dict:
    """Eligibility findings and a tax preview for the officer's decision."""
    verdict = eligibility.evaluate(
        claim.claim_type,
        eligibility_facts(claim.participant, exclude=claim),
        policy_rules(),
    )
    quote = claim_quote(claim=claim)
    return {
        "claim": claim,
        "verdict": verdict,
        "quote": quote,
        "regime_label": tax_regime_label(quote.regime),
        "documents": list(claim.documents.all()),
        "events": list(claim.events.select_related("actor")),
        "approvals": list(
            claim.desk_approvals.filter(round=claim.review_round).select_related(
                "officer"
            )
        ),
        # Return for correction: what may be asked; earlier returns; the appeal.
        "return_choices": list(correction_field_labels(claim=claim).items()),
        "corrections": list(claim.corrections.select_related("officer")),
        "appeal": appeal_get(claim=claim),
        "delay": claim_delay(claim=claim),
    }


def audit_list(*, action: str = "", q: str = "") -> QuerySet[AuditRecord]:
    records = AuditRecord.objects.select_related("actor", "participant")
    if action:
        records = records.filter(action=action)
    if q:
        records = records.filter(
            Q(participant__in=Participant.objects.search(q))
            | Q(actor__username__icontains=q)
        )
    return records


@dataclass(frozen=True)
class AuditRow:
    record: AuditRecord
    changes: list[tuple[str, str, str]]


def audit_rows(records: Iterable[AuditRecord]) -> list[AuditRow]:
    """Records with old → new for staff: policy settings and staff roles by their
    labels (frontoffice owns both, so participants.changes cannot name them)."""
    records = list(records)
    policy = [r for r in records if r.action == "policy_change"]
    labels = policy_labels(k for r in policy for k in [*r.old_value, *r.new_value])
    choices = {"roles": ROLE_LABELS}
    return [
        AuditRow(
            record=r,
            changes=change_rows(
                r.old_value,
                r.new_value,
                labels=labels if r.action == "policy_change" else None,
                choices=choices,
            ),
        )
        for r in records
    ]


def audit_actions() -> list[tuple[str, str]]:
    """(code, label) of every action on record, for the audit page's filter."""
    codes = (
        AuditRecord.objects.order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
    return sorted(((c, audit_action_label(c)) for c in codes), key=lambda a: a[1])


def visit_stats(*, days: int = 14, branch: str = "") -> list[dict]:
    """Tickets per day and reason for the last `days` days (newest first)."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    tickets = WalkInTicket.objects.filter(day__gte=since)
    if branch:
        tickets = tickets.filter(branch=branch)
    counts: dict[dt.date, dict[str, int]] = {}
    for row in tickets.values("day", "reason").annotate(n=Count("pk")):
        counts.setdefault(row["day"], {})[row["reason"]] = row["n"]
    rows = []
    for offset in range(days):
        day = timezone.localdate() - dt.timedelta(days=offset)
        per_reason = counts.get(day, {})
        rows.append(
            {
                "day": day,
                "by_reason": [per_reason.get(r, 0) for r in VisitReason.values],
                "total": sum(per_reason.values()),
            }
        )
    return rows


def staff_post_branch(*, user: AbstractBaseUser) -> str:
    """The code of the branch whose queue the staff menu opens: the member's own
    post while that branch is open, else the first open branch ("" if none)."""
    post = StaffPost.objects.filter(user_id=user.pk, branch__is_active=True)
    own = post.values_list("branch__code", flat=True).first()
    if own:
        return own
    first = branch_list().first()
    return first.code if first else ""
