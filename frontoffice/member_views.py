"""The desk's member work: enrol a reference photo, do the data update in person."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jmo_portal.exceptions import ApplicationError
from participants.models import Participant
from participants.services.data_update import profile_get

from .forms import DeskDataUpdateForm, ReferenceForm
from .roles import FRONT_OFFICE, role_required
from .services import desk_data_update, desk_reference_enrol


@never_cache
@role_required(FRONT_OFFICE)
@require_http_methods(["GET", "POST"])
def reference(request, pk: int):
    """Take (or re-take) the member's reference photo with the desk camera."""
    person = get_object_or_404(Participant, pk=pk)
    form = ReferenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            desk_reference_enrol(
                participant=person,
                actor=request.user,
                image=form.cleaned_data["photo"],
                reason=form.cleaned_data["reason"],
                identity_checked=True,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The reference photo is on file."))
            return redirect("frontoffice:participant", pk=person.pk)
    return render(
        request, "frontoffice/reference.html", {"person": person, "form": form}
    )


def _initial(person: Participant) -> dict:
    # The one staff page that shows the full NIK and KK number: the officer checks
    # them against the e-KTP and KK in hand and corrects them here. Everywhere else
    # (headers, change lists, audit, admin) staff read them masked.
    profile = profile_get(participant=person)
    fields = DeskDataUpdateForm.base_fields
    values = {name: getattr(person, name, None) for name in fields}
    values.update(
        {name: getattr(profile, name) for name in fields if hasattr(profile, name)}
    )
    return {k: v for k, v in values.items() if v not in (None, "")}


@never_cache
@role_required(FRONT_OFFICE)
@require_http_methods(["GET", "POST"])
def data_update(request, pk: int):
    """The whole data update at the desk, for a member who cannot do it online."""
    person = get_object_or_404(Participant, pk=pk)
    form = DeskDataUpdateForm(request.POST or None, initial=_initial(person))
    if request.method == "POST" and form.is_valid():
        try:
            desk_data_update(
                participant=person, actor=request.user, **form.service_arguments()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Data confirmed. %(name)s can claim online now.")
                % {"name": person.full_name},
            )
            return redirect("frontoffice:participant", pk=person.pk)
    return render(
        request,
        "frontoffice/data_update.html",
        {
            "person": person,
            "form": form,
            "has_reference": person.face_references.exists(),
        },
    )
