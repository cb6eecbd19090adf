"""The documents a member keeps: submission receipt, proof of payment, tax slip.

Each paper exists once its moment has passed (submitted; paid) and carries a
verification code: `<reference>-<letter><mac>`, an HMAC of the paper's figures
under the site's secret key. Nothing is stored; the public page recomputes the
code from the claim as it is, so a forged or altered code is "not valid".

Rules: JHT_RULES.md, "Tax (PPh 21, final, withheld before payout)".
"""

import base64
import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from jmo_portal.masking import mask_digits
from participants.validators import mask_name

from .models import Claim, ClaimStatus, PayoutStatus, TaxRegime
from .selectors import brackets

RECEIPT, PAYMENT, TAX_SLIP = "receipt", "payment", "tax-slip"
KINDS = (RECEIPT, PAYMENT, TAX_SLIP)
_LETTER = {RECEIPT: "R", PAYMENT: "P", TAX_SLIP: "T"}
_KIND = {letter: kind for kind, letter in _LETTER.items()}
STAFF_GROUPS = ("claims_officer", "admin")


@dataclass(frozen=True)
class Layer:
    """The part of this payment taxed at one bracket's rate."""

    lower: int
    upper: int | None
    rate_bp: int
    taxed: int


def paper_ready(*, claim: Claim, kind: str) -> bool:
    """A receipt once submitted; payment proof and tax slip once paid."""
    if kind == RECEIPT:
        return claim.submitted_at is not None and claim.gross is not None
    if kind in (PAYMENT, TAX_SLIP):
        return claim.status == ClaimStatus.PAID and claim.paid_at is not None
    return False


def paper_claim_get(*, user, reference: str, kind: str) -> Claim:
    """The claim for its owner or claims staff, if the paper exists; else 404."""
    claim = (
        Claim.objects.select_related("participant").filter(reference=reference).first()
    )
    if claim is None or kind not in KINDS:
        raise Http404("No such claim")
    owner = getattr(user, "participant", None) == claim.participant
    staff = user.is_authenticated and (
        user.is_superuser or user.groups.filter(name__in=STAFF_GROUPS).exists()
    )
    if not (owner or staff) or not paper_ready(claim=claim, kind=kind):
        raise Http404("No such document")
    return claim


def _issued(claim: Claim, kind: str) -> dt.datetime:
    return claim.submitted_at if kind == RECEIPT else claim.paid_at


def _mac(claim: Claim, kind: str) -> str:
    facts = [kind, claim.reference, claim.participant.nik, claim.gross, claim.tax,
             claim.net, _issued(claim, kind).isoformat()]  # fmt: skip
    digest = salted_hmac(
        "claims.papers", "|".join(str(f) for f in facts), algorithm="sha256"
    ).digest()
    return base64.b32encode(digest).decode()[:16]


def paper_code(*, claim: Claim, kind: str) -> str:
    return f"{claim.reference}-{_LETTER[kind]}{_mac(claim, kind)}"


def paper_verify_url(*, code: str) -> str:
    path = reverse("claims:paper-verify", args=[code])
    return settings.SITE_URL.rstrip("/") + path


def paper_verify(*, code: str) -> tuple[Claim, str] | None:
    """(claim, kind) when `code` is the code of a paper that exists; else None."""
    reference, _sep, tail = (code or "").strip().upper().rpartition("-")
    kind = _KIND.get(tail[:1])
    if not reference or kind is None:
        return None
    claim = (
        Claim.objects.select_related("participant").filter(reference=reference).first()
    )
    if claim is None or not paper_ready(claim=claim, kind=kind):
        return None
    if not secrets.compare_digest(tail[1:].encode(), _mac(claim, kind).encode()):
        return None
    return claim, kind


def paper_public_facts(*, claim: Claim, kind: str) -> dict:
    """What the public check shows: masked identity, the paper's own figures."""
    participant = claim.participant
    return {
        "kind": kind,
        "reference": claim.reference,
        "name": mask_name(participant.full_name),
        "nik": mask_digits(participant.nik),
        "issued": timezone.localtime(_issued(claim, kind)),
        "gross": claim.gross,
        "tax": claim.tax,
        "net": claim.net,
    }


def _earlier_in_window(claim: Claim) -> int:
    """Gross of the member's JHT paid before this one in its two-year lump-sum window."""
    paid = [
        (c.paid_at.date(), c.gross)
        for c in Claim.objects.filter(
            participant=claim.participant,
            status=ClaimStatus.PAID,
            paid_at__lt=claim.paid_at,
        ).exclude(pk=claim.pk)
    ]
    if not paid:
        return 0
    first_year = min(on.year for on, _gross in paid)
    return sum(gross for on, gross in paid if on.year <= first_year + 1)


def tax_layers(*, claim: Claim) -> list[Layer]:
    """This payment split over the brackets of its regime (what the slip lists).

    The lump-sum layers are shared with earlier payments of the window, so this
    payment starts where they ended; progressive layers start at zero.
    """
    start = 0
    if claim.tax_regime == TaxRegime.LUMP_SUM:
        start = _earlier_in_window(claim)
    end = start + (claim.gross or 0)
    layers = []
    for b in sorted(brackets(claim.tax_regime), key=lambda b: b.lower):
        top = end if b.upper is None else min(end, b.upper)
        taxed = max(0, top - max(start, b.lower))
        layers.append(Layer(b.lower, b.upper, b.rate_bp, taxed))
    return layers


def has_npwp(*, claim: Claim) -> bool:
    return bool(claim.npwp or claim.participant.npwp)


def npwp_masked(*, claim: Claim) -> str:
    return mask_digits(claim.npwp or claim.participant.npwp)


def payout_settled(*, claim: Claim):
    """The completed transfer of a paid claim (None before)."""
    return claim.payouts.filter(status=PayoutStatus.COMPLETED).first()
