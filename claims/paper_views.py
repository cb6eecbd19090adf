"""The member's papers on the claim page, and the public check of a paper's code."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import papers
from .paper_pdf import pdf_response


@never_cache
@login_required
def paper(request, reference, kind):
    """A PDF for the claim's owner or claims staff; 404 until it exists."""
    claim = papers.paper_claim_get(user=request.user, reference=reference, kind=kind)
    return pdf_response(claim, kind)


@never_cache
def paper_verify(request, code):
    """Anyone holding a paper checks its code: masked facts and "valid", or not."""
    found = papers.paper_verify(code=code)
    facts = papers.paper_public_facts(claim=found[0], kind=found[1]) if found else None
    return render(
        request,
        "claims/paper_verify.html",
        {"facts": facts, "code": code},
        status=200 if facts else 404,
    )
