"""The admin policy page and its live trade-off preview (JSON)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from claims.models import DocumentRequirement, TaxBracket
from jmo_portal.exceptions import ApplicationError
from participants.models import YieldRate
from participants.validators import ascii_digits

from .forms import PolicyForm
from .policy import BY_NAME, policy_history, policy_update, policy_values
from .policy import tradeoff_preview as preview
from .policy_rows import policy_rows_update
from .roles import ADMIN, role_required


@never_cache
@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def policy(request):
    if request.method == "POST" and request.POST.get("form") == "rows":
        return _rows_post(request)
    values = policy_values()
    form = PolicyForm(request.POST or None, initial_values=values)
    if request.method == "POST" and form.is_valid():
        changes = {n: form.cleaned_data[n] for n in form.changed_data if n in BY_NAME}
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("frontoffice:policy")
        try:
            policy_update(
                actor=request.user, changes=changes, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            for name, message in exc.extra.get("errors", {}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Policy saved. It applies from now on."))
            return redirect("frontoffice:policy")
    return render(
        request,
        "frontoffice/policy.html",
        {
            "form": form,
            "history": policy_history(),
            "preview": _percentages(preview(values)),
            "documents": DocumentRequirement.objects.all(),
            "brackets": TaxBracket.objects.all(),
            "yield_rates": YieldRate.objects.order_by("-year")[:5],
            "this_year": timezone.localdate().year,
        },
    )


def _rows_post(request):
    """The second form: document lists, tax bracket rates, one year's yield."""
    post = request.POST
    documents = {
        int(pk): f"doc_{pk}" in post
        for pk in post.getlist("doc_ids")
        if ascii_digits(pk)
    }
    brackets = {
        int(key[8:]): value
        for key, value in post.items()
        if key.startswith("bracket_") and ascii_digits(key[8:])
    }
    yields = {}
    if post.get("yield_rate", "").strip():
        yields[post.get("yield_year", "")] = post["yield_rate"]
    reason = " ".join(post.get("rows_reason", "").split())
    if not reason:
        # As the first form: every staff change names its reason (audit record).
        messages.error(request, _("Give the reason for the change."))
        return redirect("frontoffice:policy")
    try:
        result = policy_rows_update(
            actor=request.user,
            documents=documents,
            brackets=brackets,
            yield_rates=yields,
            reason=reason,
        )
    except ApplicationError as exc:
        for message in exc.extra.get("errors", {}).values() or [exc.message]:
            messages.error(request, message)
    else:
        if result["new"]:
            messages.success(request, _("Policy saved. It applies from now on."))
        else:
            messages.info(request, _("Nothing was changed."))
    return redirect("frontoffice:policy")


def _percentages(result: dict) -> dict:
    """The shares as '6.40%' for the first paint (tradeoff.js writes the same)."""
    keys = (
        "genuine_blocked",
        "impostor_accepted",
        "lookalike_accepted",
        "genuine_not_live",
        "attacks_live",
    )
    return {
        **result,
        **{
            f"{k}_pct": "–" if result.get(k) is None else f"{result[k] * 100:.2f}%"
            for k in keys
        },
    }


@never_cache
@role_required(ADMIN)
def tradeoff(request):
    """?threshold=0.47&max_attempts=3 (and optionally liveness_required=1,
    not_live_counts=1; else the saved values) → the expected shares, before saving."""
    values = policy_values()
    typed = {
        "match_threshold": request.GET.get("threshold"),
        "max_attempts": request.GET.get("max_attempts"),
        **{
            name: request.GET[name]
            for name in ("liveness_required", "not_live_counts")
            if name in request.GET
        },
    }
    try:
        values.update({name: BY_NAME[name].parse(raw) for name, raw in typed.items()})
    except ApplicationError as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=400)
    return JsonResponse(preview(values))
