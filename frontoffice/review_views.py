"""The claims officer's queue: claims above the online cap, documents, decisions."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from claims.models import Claim, ClaimDocument
from claims.selectors import claims_for_review, claims_returned
from jmo_portal.exceptions import ApplicationError

from .forms import DecisionForm
from .models import DeskPolicy
from .roles import CLAIMS_OFFICER, role_required
from .selectors import claim_review_get
from .services import claim_review_approve, claim_review_reject, claim_review_return


@never_cache
@role_required(CLAIMS_OFFICER)
def claims(request):
    return render(
        request,
        "frontoffice/claims.html",
        {
            "claims": claims_for_review(),
            "returned": claims_returned(),
            "policy": DeskPolicy.current(),
            "today": timezone.localdate(),
        },  # fmt: skip
    )


@never_cache
@role_required(CLAIMS_OFFICER)
def claim(request, reference: str):
    item = get_object_or_404(
        Claim.objects.select_related("participant"), reference=reference
    )
    return render(
        request,
        "frontoffice/claim.html",
        {
            **claim_review_get(claim=item),
            "form": DecisionForm(),
            "policy": DeskPolicy.current(),
        },
    )


@require_POST
@role_required(CLAIMS_OFFICER)
def decide(request, reference: str):
    item = get_object_or_404(Claim, reference=reference)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "approve":
            _claim, decided = claim_review_approve(
                claim=item, actor=request.user, note=note
            )
            messages.success(
                request,
                _("Approved; the payout is on its way.")
                if decided
                else _("First approval recorded: a second officer must approve."),
            )
        elif request.POST.get("decision") == "return":
            claim_review_return(
                claim=item, actor=request.user, reason=note,
                fields=request.POST.getlist("fields"),
            )  # fmt: skip
            messages.success(
                request, _("Returned; the participant is told what to fix.")
            )
        elif request.POST.get("decision") == "reject":
            claim_review_reject(claim=item, actor=request.user, reason=note)
            messages.success(request, _("Rejected; the participant is told why."))
        else:
            # Before, anything else (no button, a typo) rejected the claim.
            messages.error(request, _("Choose approve, return or reject."))
            return redirect("frontoffice:claim", reference=reference)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("frontoffice:claim", reference=reference)
    return redirect("frontoffice:claims")


@never_cache
@role_required(CLAIMS_OFFICER)
def document(request, reference: str, pk: int):
    """A claim document, streamed to claims officers only."""
    doc = get_object_or_404(ClaimDocument, pk=pk, claim__reference=reference)
    if not doc.file:
        raise Http404
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
