"""Claim types that need proof (JHT_RULES.md): never approved without it.

Leaving Indonesia for good needs the passport and evidence of the exit (a visa
or residence permit of the destination country, or the exit stamp); permanent
total disability needs the medical certificate. These claims always go to an
officer with these documents required, whatever the online cap and whatever the
policy's document list says. Death claims are made at a branch only (eligibility).
"""

from django.utils.translation import gettext_lazy as _

from claims.eligibility import PROOF_TYPES
from claims.models import Claim

PROOF_DOCUMENTS: dict[str, list[tuple[str, object]]] = {
    "leave_country": [
        ("passport", _("Passport")),
        (
            "exit_visa",
            _("Exit or visa evidence (visa or residence permit abroad, exit stamp)"),
        ),
    ],
    "disability": [("doctor_letter", _("Medical certificate (doctor's statement)"))],
}
assert set(PROOF_DOCUMENTS) == set(PROOF_TYPES)


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
