from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jmo_portal.exceptions import ApplicationError
from participants.data_update_views import next_step_url, step_context
from participants.decorators import participant_required
from participants.selectors import data_update_status
from participants.services.audit import audit_staff_view

from .models import FaceReference, SelfieAttempt
from .selectors import (
    biometric_status,
    guidance_item_list,
    liveness_required,
    selfie_attempt_get,
)
from .services import selfie_submit

STAFF_GROUPS = ("front_office", "admin")


def _is_biometric_staff(user) -> bool:
    return user.is_superuser or user.groups.filter(name__in=STAFF_GROUPS).exists()


def safe_next(value: str | None) -> str:
    """Only a local path ("/claims/..."), never another host: no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return ""
    if "\\" in value or not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return ""
    return value


def tutorial_url(slug: str) -> str:
    return reverse("tutorials:detail", kwargs={"slug": slug})


def _context(request, **extra) -> dict:
    return {
        "status": biometric_status(participant=request.participant),
        "next": safe_next(request.GET.get("next") or request.POST.get("next")),
        "blocked_tutorial_url": tutorial_url("when-blocked"),
        **extra,
    }


@participant_required
def guidance(request):
    return render(
        request,
        "biometrics/guidance.html",
        _context(request, items=guidance_item_list()),
    )


@participant_required
@require_http_methods(["GET", "POST"])
def capture(request):
    context = _context(request, liveness=liveness_required())
    if request.method == "POST" and not context["status"]["blocked"]:
        image = request.FILES.get("image")
        try:
            if image is None:
                raise ApplicationError(_no_file_message(), code="no_file")
            attempt = selfie_submit(participant=request.participant, image=image)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            context = _context(request, liveness=liveness_required())
        else:
            url = attempt.get_absolute_url()
            return redirect(f"{url}?next={context['next']}" if context["next"] else url)
    return render(request, "biometrics/capture.html", context)


def _no_file_message() -> str:
    from django.utils.translation import gettext

    return gettext("Choose or take a photo first.")


@participant_required
def update_selfie(request):
    """The data update's selfie step: blocked, no reference (desk), done, or go."""
    status = data_update_status(participant=request.participant)
    if status.update is None:
        return redirect("participants:update")
    if status.done["biometric"]:
        return redirect(next_step_url(request.participant))
    here = reverse("biometrics:update-selfie")
    return render(
        request,
        "biometrics/update_selfie.html",
        {
            **step_context(status, "biometric"),
            "selfie": biometric_status(participant=request.participant),
            "has_reference": request.participant.face_references.exists(),
            "guidance_url": reverse("biometrics:guidance") + "?next=" + here,
            "blocked_tutorial_url": tutorial_url("when-blocked"),
        },
    )


@never_cache
@participant_required
def attempt(request, pk: int):
    selfie = selfie_attempt_get(participant=request.participant, attempt_id=pk)
    return render(request, "biometrics/attempt.html", _context(request, attempt=selfie))


@never_cache
@login_required
def selfie_image(request, pk: int):
    """Stream a selfie to its owner or to desk staff; never a public URL."""
    selfie = get_object_or_404(SelfieAttempt, pk=pk)
    owner = getattr(request.user, "participant", None)
    if owner != selfie.participant and not _is_biometric_staff(request.user):
        raise Http404
    if not selfie.image:
        raise Http404
    if owner != selfie.participant:
        audit_staff_view(
            actor=request.user, participant=selfie.participant, what="selfie", ref=pk
        )
    return FileResponse(selfie.image.open("rb"), content_type="image/jpeg")


@never_cache
@login_required
def reference_photo(request, pk: int):
    """A reference photo, for desk staff only."""
    if not _is_biometric_staff(request.user):
        raise Http404
    reference = get_object_or_404(FaceReference, pk=pk)
    if not reference.photo:
        raise Http404
    audit_staff_view(
        actor=request.user,
        participant=reference.participant,
        what="reference_photo",
        ref=pk,
    )
    return FileResponse(reference.photo.open("rb"), content_type="image/jpeg")
