"""The unblock desk: staff login, search, a participant's blocks, unblock, audit."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from biometrics.models import SelfieAttempt
from jmo_portal.exceptions import ApplicationError
from jmo_portal.querystring import query_text
from participants.forms import StaffLoginForm
from participants.models import Block, Participant
from participants.services.audit import audit_staff_view

from . import roles
from .forms import SearchForm, UnblockForm
from .roles import ADMIN, CLAIMS_OFFICER, FRONT_OFFICE, role_required
from .selectors import (
    audit_actions,
    audit_list,
    audit_rows,
    participant_desk_get,
    participant_search,
)
from .services import desk_unblock


class StaffLoginView(auth_views.LoginView):
    """The staff entry point; participants log in at participants:login."""

    template_name = "frontoffice/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = False
    next_page = reverse_lazy("frontoffice:index")


@role_required(FRONT_OFFICE, CLAIMS_OFFICER, roles.MANAGEMENT)
def index(request):
    if not roles.has_role(request.user, FRONT_OFFICE):
        if roles.has_role(request.user, CLAIMS_OFFICER):
            return redirect("frontoffice:claims")
        return redirect("insights:page")
    form = SearchForm(request.GET or None)
    results = []
    if form.is_valid():
        results = participant_search(q=form.cleaned_data["q"])
    return render(
        request,
        "frontoffice/index.html",
        {"form": form, "results": results, "searched": form.is_bound},
    )


@never_cache
@role_required(FRONT_OFFICE)
def participant(request, pk: int):
    person = get_object_or_404(Participant, pk=pk)
    return render(
        request,
        "frontoffice/participant.html",
        {"desk": participant_desk_get(participant=person)},
    )


@never_cache
@role_required(FRONT_OFFICE)
@require_http_methods(["GET", "POST"])
def unblock(request, pk: int):
    block = get_object_or_404(Block.objects.select_related("participant"), pk=pk)
    if not block.is_active:
        messages.info(request, _("This block was already lifted."))
        return redirect("frontoffice:participant", pk=block.participant_id)
    form = UnblockForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            desk_unblock(
                block=block,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                identity_checked=True,
                photo=form.cleaned_data["photo"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Unblocked. %(name)s can continue the claim online now.")
                % {"name": block.participant.full_name},
            )
            return redirect("frontoffice:participant", pk=block.participant_id)
    return render(request, "frontoffice/unblock.html", {"lock": block, "form": form})


@never_cache
@role_required(FRONT_OFFICE)
def selfie_thumbnail(request, pk: int):
    """A selfie image for the officer deciding an unblock (never public)."""
    selfie = get_object_or_404(SelfieAttempt, pk=pk)
    if not selfie.image:
        raise Http404
    audit_staff_view(
        actor=request.user, participant=selfie.participant, what="selfie", ref=pk
    )
    response = FileResponse(selfie.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(ADMIN)
def audit(request):
    action = query_text(request, "action")
    q = query_text(request, "q")
    page = Paginator(audit_list(action=action, q=q), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "frontoffice/audit.html",
        {
            "page": page,
            "rows": audit_rows(page),
            "action": action,
            "q": q,
            "actions": audit_actions(),
        },
    )
