"""Claim types that need proof (JHT_RULES.md): never approved without it.

Leaving Indonesia for good needs the passport and evidence of the exit (a visa
or residence permit of the destination country, or the exit stamp); permanent
total disability needs the medical certificate. These claims always go to an
officer with these documents required, whatever the online cap and whatever the
policy's document list says. Death claims are made at a branch only (eligibility).
Which documents each type needs is its entry's `proof_documents` in the table of
claim types (claims/types.py).
"""

from claims.models import Claim
from claims.types import TYPES

PROOF_DOCUMENTS = {t.code: t.proof_documents for t in TYPES if t.needs_proof}


def proof_requirements(*, claim_type: str, requirements: list[dict]) -> list[dict]:
    """`requirements` plus the proof documents the claim type always needs."""
    have = {r["kind"] for r in requirements}
    extra = [
        {"kind": kind, "label": str(label)}
        for kind, label in PROOF_DOCUMENTS.get(claim_type, [])
        if kind not in have
    ]
    return [*requirements, *extra]


def proof_missing(*, claim: Claim) -> list[str]:
    """Labels of the proof documents not on file (empty: nothing missing)."""
    have = set(claim.documents.values_list("kind", flat=True))
    return [
        str(label)
        for kind, label in PROOF_DOCUMENTS.get(claim.claim_type, [])
        if kind not in have
    ]
