"""Participant claim pages: the ticks page, the wizard steps, the timeline."""

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from jmo_portal.exceptions import ApplicationError
from jmo_portal.gateway import token_matches
from participants.decorators import participant_required

from . import selectors, services
from .forms import AppealForm, BankAccountForm, DocumentForm, KpjForm
from .models import Channel, ClaimDocument, ClaimStatus
from .types import rule_for


def own_claim(view):
    """Load the participant's own claim by reference; anyone else's is a 404."""

    @participant_required
    @wraps(view)
    def wrapper(request, reference, *args, **kwargs):
        claim = selectors.claim_get(
            participant=request.participant, reference=reference
        )
        return view(request, claim, *args, **kwargs)

    return wrapper


def help_url() -> str:
    return reverse("tutorials:detail", kwargs={"slug": "claim-jht"})


def branches_url() -> str:
    return reverse("tutorials:branches")


def wizard_steps(claim, current: str) -> list[dict]:
    names = ["kpj", "bank"]
    if claim.channel == Channel.REVIEW:
        names.append("documents")
    names += ["selfie", "review"]
    labels = {
        "kpj": _("KPJ"), "bank": _("Bank"), "documents": _("Documents"),
        "selfie": _("Selfie"), "review": _("Review"),
    }  # fmt: skip
    upcoming = selectors.claim_next_step(claim=claim)
    done = True
    steps = []
    for name in names:
        if name == upcoming:
            done = False
        steps.append({"name": name, "label": labels[name], "done": done,
                      "current": name == current})  # fmt: skip
    return steps


def _render(request, template, claim, step, **context):
    return render(
        request,
        template,
        {"claim": claim, "claim_rule": rule_for(claim.claim_type),
         "steps": wizard_steps(claim, step), "help_url": help_url(), **context},
    )  # fmt: skip


@participant_required
def index(request):
    face = selectors.face_status(participant=request.participant)
    return render(
        request,
        "claims/index.html",
        {
            "verdicts": selectors.claim_verdicts(
                participant=request.participant, blocked=face["blocked"]
            ),
            "face": face,
            "claims": selectors.claim_list(participant=request.participant),
            "help_url": help_url(),
            "branches_url": branches_url(),
        },
    )


@participant_required
@require_POST
def start(request):
    try:
        claim = services.claim_start(
            participant=request.participant,
            claim_type=request.POST.get("claim_type", ""),
            actor=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("claims:index")
    return redirect("claims:continue", reference=claim.reference)


@own_claim
def resume(request, claim):
    step = selectors.claim_next_step(claim=claim)
    if step == "detail":
        return redirect(claim.get_absolute_url())
    return redirect(f"claims:{step}", reference=claim.reference)


@never_cache
@own_claim
def detail(request, claim):
    return render(
        request,
        "claims/detail.html",
        {"claim": claim, "events": claim.events.all(), "help_url": help_url(),
         **_after_submit(claim)},
    )  # fmt: skip


def _after_submit(claim) -> dict:
    """What the detail page shows after submission: delay, return, appeal."""
    return {
        "delay": selectors.claim_delay(claim=claim),
        "correction": selectors.correction_summary(claim=claim),
        "appeal": selectors.appeal_get(claim=claim),
        "can_cancel": selectors.claim_cancellable(claim=claim),
        "can_appeal": selectors.claim_appealable(claim=claim),
        "appeal_form": AppealForm(),
    }


# Steps a member may open again after submission: the bank account after a
# failed transfer or before the decision, the bank account and documents when an
# officer returned it.
REOPENED_STEPS = {
    ClaimStatus.PAYOUT_FAILED: {"bank"},
    ClaimStatus.RETURNED: {"bank", "documents"},
    # Before the decision the account may change (name inquiry, cooling period).
    ClaimStatus.UNDER_REVIEW: {"bank"},
    ClaimStatus.APPEALED: {"bank"},
}


def _step_guard(claim, step):
    """A step of a submitted claim, or one skipped ahead, goes back to the wizard."""
    if claim.status != ClaimStatus.DRAFT and step not in REOPENED_STEPS.get(
        claim.status, ()
    ):
        return redirect(claim.get_absolute_url())
    return None


@own_claim
def kpj(request, claim):
    if response := _step_guard(claim, "kpj"):
        return response
    form = KpjForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_kpj_check(
                claim=claim, kpj_number=form.cleaned_data["kpj_number"]
            )
        except ApplicationError as exc:
            form.add_error("kpj_number", exc.message)
        else:
            return redirect("claims:continue", reference=claim.reference)
    state = services.kpj_state(participant=request.participant)
    return _render(
        request, "claims/step_kpj.html", claim, "kpj", form=form, state=state
    )


@own_claim
def bank(request, claim):
    if response := _step_guard(claim, "bank"):
        return response
    form = BankAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_bank_account_set(
                claim=claim, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("claims:continue", reference=claim.reference)
    return _render(
        request, "claims/step_bank.html", claim, "bank", form=form,
        npwp_required=selectors.npwp_required(claim=claim),
    )  # fmt: skip


@own_claim
def documents(request, claim):
    if response := _step_guard(claim, "documents"):
        return response
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.claim_document_add(
                    claim=claim,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Document saved."))
        else:
            messages.error(request, _upload_error(form))
        if claim.status == ClaimStatus.RETURNED:
            return redirect(claim.get_absolute_url())
        return redirect("claims:documents", reference=claim.reference)
    have = {d.kind: d for d in claim.documents.all()}
    rows = [
        {**r, "document": have.get(r["kind"])}
        for r in selectors.claim_requirements(claim=claim)
    ]
    if claim.status == ClaimStatus.RETURNED:  # only what the officer asked for
        asked = getattr(selectors.correction_open(claim=claim), "fields", [])
        rows = [r for r in rows if r["kind"] in asked]
    return _render(
        request, "claims/step_documents.html", claim, "documents", rows=rows,
        complete=not selectors.documents_missing(claim=claim),
    )  # fmt: skip


def _upload_error(form: DocumentForm) -> str:
    """The file's own error (an empty file...); with no file chosen, ask for one."""
    if form.has_error("file") and not form.has_error("file", "required"):
        return " ".join(form.errors["file"])
    return _("Choose a file to upload.")


@own_claim
def selfie(request, claim):
    if response := _step_guard(claim, "selfie"):
        return response
    if selectors.selfie_passed(claim=claim):
        return redirect("claims:continue", reference=claim.reference)
    back = reverse("claims:continue", args=[claim.reference])
    guidance = reverse("biometrics:guidance") + "?next=" + back
    return _render(
        request, "claims/step_selfie.html", claim, "selfie", guidance=guidance,
        face=selectors.face_status(participant=request.participant),
    )  # fmt: skip


@own_claim
def review(request, claim):
    if response := _step_guard(claim, "review"):
        return response
    if request.method == "POST":
        try:
            services.claim_submit(claim=claim, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(claim.get_absolute_url())
    return _render(
        request, "claims/step_review.html", claim, "review",
        quote=selectors.claim_quote(claim=claim),
        problems=services.submit_problems(claim=claim),
        sla_days=_sla_days(claim),
        sla_date=selectors.add_working_days(timezone.localdate(), _sla_days(claim)),
    )  # fmt: skip


def _sla_days(claim) -> int:
    from .models import ClaimPolicy

    policy = ClaimPolicy.current()
    return (
        policy.sla_days_online
        if claim.channel == Channel.ONLINE
        else policy.sla_days_review
    )


def _claim_act(request, claim, service, done: str, **kwargs) -> HttpResponse:
    """Run one of the owner's claim actions; say how it went on the claim's page."""
    try:
        service(claim=claim, actor=request.user, **kwargs)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(claim.get_absolute_url())


@own_claim
@require_http_methods(["GET", "POST"])
def cancel(request, claim):
    """Cancelling cannot be undone: a page asks first, and only its POST cancels."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        done = _("Your claim is cancelled. Nothing was paid.")
        return _claim_act(request, claim, services.claim_cancel, done)
    if not selectors.claim_cancellable(claim=claim):
        return redirect(claim.get_absolute_url())
    return render(
        request, "claims/cancel_confirm.html", {"claim": claim, "help_url": help_url()}
    )


@own_claim
@require_POST
def resubmit(request, claim):
    """Send a returned claim again once the asked items are fixed."""
    done = _("Sent again: an officer reviews your correction.")
    return _claim_act(request, claim, services.claim_resubmit, done)


@own_claim
@require_POST
def appeal(request, claim):
    form = AppealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    done = _("Appeal sent: a different officer reviews it.")
    return _claim_act(request, claim, services.claim_appeal, done, reason=reason)


@never_cache
@login_required
def document_file(request, reference, pk):
    """Stream a document to its owner or to claims staff; never a public URL."""
    document = get_object_or_404(
        ClaimDocument.objects.select_related("claim__participant"),
        pk=pk, claim__reference=reference,
    )  # fmt: skip
    owner = getattr(request.user, "participant", None)
    staff = (
        request.user.is_superuser
        or request.user.groups.filter(name__in=["claims_officer", "admin"]).exists()
    )
    if owner != document.claim.participant and not staff:
        raise Http404
    return FileResponse(document.file.open("rb"), content_type=document.content_type)


@csrf_exempt
@require_POST
def bank_callback(request):
    """The bank's final status of a transfer (shared token; repeats are harmless)."""
    token = request.headers.get("X-Callback-Token", "")
    if not token_matches(token, settings.BANK_CALLBACK_TOKEN):
        return JsonResponse({"detail": "bad token"}, status=403)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "bad json"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": "bad json"}, status=400)
    payout = services.payout_callback(
        external_id=str(body.get("external_id", "")),
        bank_status=str(body.get("status", "")),
        bank_id=str(body.get("id", "")),
        failure_code=str(body.get("failure_code") or ""),
    )
    if payout is None:
        return JsonResponse({"detail": "unknown transfer"}, status=404)
    return HttpResponse(status=204)
