from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims import papers

register = template.Library()

LABELS = {
    papers.RECEIPT: _("Submission receipt (PDF)"),
    papers.PAYMENT: _("Proof of payment (PDF)"),
    papers.TAX_SLIP: _("PPh 21 withholding slip, bukti potong (PDF)"),
}


@register.inclusion_tag("claims/_papers.html")
def claim_papers(claim):
    """The papers of the claim that exist so far, with their download links."""
    ready = [
        {"kind": kind, "label": LABELS[kind],
         "url": reverse(f"claims:{kind}", args=[claim.reference])}
        for kind in papers.KINDS
        if papers.paper_ready(claim=claim, kind=kind)
    ]  # fmt: skip
    return {"papers": ready}
