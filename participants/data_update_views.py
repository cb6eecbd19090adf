"""The data update pages (pengkinian data): one task per screen, each step saved.

The selfie step lives in biometrics (`biometrics:update-selfie`); every other step
is here. A step always sends the member on to the first section still missing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jmo_portal.exceptions import ApplicationError
from participants.services.credentials import client_address

from .decorators import participant_required
from .forms import ContactForm, EmergencyForm, PhoneCodeForm, PopulationForm
from .selectors import data_update_status
from .services import data_update as services

STEP_URLS = {
    "membership": "participants:update-membership",
    "biometric": "biometrics:update-selfie",
    "contact": "participants:update-contact",
    "phone": "participants:update-phone",
    "population": "participants:update-population",
    "emergency": "participants:update-emergency",
}


def next_step_url(participant) -> str:
    """The first section still missing, or the review page."""
    section = data_update_status(participant=participant).next_section
    return reverse(STEP_URLS[section] if section else "participants:update-review")


SECTION_LABELS = {
    "membership": gettext_lazy("Membership data"),
    "biometric": gettext_lazy("Face verification"),
    "contact": gettext_lazy("Contact data"),
    "phone": gettext_lazy("Phone check"),
    "population": gettext_lazy("Family data"),
    "emergency": gettext_lazy("Emergency contact"),
}


def step_context(status, step: str) -> dict:
    """What the step list at the top of every data-update page shows."""
    steps = [
        {
            "name": name,
            "label": SECTION_LABELS[name],
            "done": status.done[name],
            "current": name == step,
            "url": reverse(STEP_URLS[name]),
        }
        for name in STEP_URLS
    ]
    return {"status": status, "step": step, "steps": steps}


def _render(request, template: str, status, step: str, **extra):
    return render(request, template, {**step_context(status, step), **extra})


def _open_status(request):
    status = data_update_status(participant=request.participant)
    return status if status.update is not None else None


@participant_required
@require_http_methods(["GET", "POST"])
def update(request):
    """The overview: what is done, what is left; POST starts or resumes."""
    if request.method == "POST":
        services.data_update_start(participant=request.participant)
        return redirect(next_step_url(request.participant))
    status = data_update_status(participant=request.participant)
    return _render(request, "participants/update.html", status, "overview")


@participant_required
@require_http_methods(["GET", "POST"])
def membership(request):
    if (status := _open_status(request)) is None:
        return redirect("participants:update")
    wrong = None
    if request.method == "POST":
        try:
            services.data_update_membership_check(
                participant=request.participant,
                correct=request.POST.get("correct") == "yes",
            )
        except ApplicationError as exc:
            wrong = exc.message
        else:
            return redirect(next_step_url(request.participant))
    return _render(
        request,
        "participants/update_membership.html",
        status,
        "membership",
        wrong=wrong,
    )


# The plain form steps: (form, service, initial values from the status).
SECTION_FORMS = {
    "contact": (
        ContactForm,
        services.data_update_contact_save,
        lambda status: {
            "phone": status.phone,
            "address": status.profile.address,
            "postal_code": status.profile.postal_code,
        },
    ),
    "population": (
        PopulationForm,
        services.data_update_population_save,
        lambda status: {
            "mother_maiden_name": status.profile.mother_maiden_name,
            "marital_status": status.profile.marital_status,
        },
    ),
    "emergency": (
        EmergencyForm,
        services.data_update_emergency_save,
        lambda status: {
            "name": status.profile.emergency_name,
            "relation": status.profile.emergency_relation,
            "phone": status.profile.emergency_phone,
        },
    ),
}


@participant_required
@require_http_methods(["GET", "POST"])
def section(request, step: str):
    """Bind the step's form, save it through its service, go on or show errors."""
    if (status := _open_status(request)) is None:
        return redirect("participants:update")
    form_class, service, initial = SECTION_FORMS[step]
    form = form_class(request.POST or None, initial=initial(status))
    if request.method == "POST" and form.is_valid():
        try:
            service(participant=request.participant, **form.cleaned_data)
        except ValidationError as exc:
            # The services name profile fields (`emergency_phone`), the emergency
            # form the person's (`phone`): each error goes under its own input.
            for name, errors in exc.message_dict.items():
                name = name.removeprefix(f"{step}_")
                form.add_error(name if name in form.fields else None, errors)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(next_step_url(request.participant))
    return _render(request, "participants/update_section.html", status, step, form=form)


@participant_required
@require_http_methods(["GET", "POST"])
def phone(request):
    """Send an SMS code to the phone on file, then check it."""
    if (status := _open_status(request)) is None:
        return redirect("participants:update")
    form = PhoneCodeForm(request.POST if "code" in request.POST else None)
    try:
        if request.POST.get("action") == "send":
            services.data_update_phone_code_send(participant=request.participant)
            messages.success(request, _sent_message(status.phone))
            return redirect("participants:update-phone")
        if form.is_bound and form.is_valid():
            services.data_update_phone_verify(
                participant=request.participant,
                code=form.cleaned_data["code"],
                address=client_address(request),
            )
            return redirect(next_step_url(request.participant))
    except ApplicationError as exc:
        # A refused code is the code box's error (announced, focused); a refused send
        # is the page's.
        form.add_error("code" if form.is_bound else None, exc.message)
    return _render(
        request,
        "participants/update_phone.html",
        status,
        "phone",
        form=form,
        code_sent=bool(status.update.code_hash),
    )


def _sent_message(phone: str) -> str:
    return _("We sent a 6-digit code by SMS to %(phone)s.") % {"phone": phone}


@participant_required
@require_http_methods(["GET", "POST"])
def review(request):
    # The service decides under its lock: a double tap's second POST may find
    # the update already confirmed, and is thanked the same.
    if request.method == "POST":
        try:
            services.data_update_confirm(participant=request.participant)
        except ApplicationError as exc:
            if exc.code != "already_confirmed":
                messages.error(request, exc.message)
                return redirect(next_step_url(request.participant))
        messages.success(request, _confirmed_message())
        return redirect("participants:dashboard")
    if (status := _open_status(request)) is None:
        return redirect("participants:update")
    return _render(request, "participants/update_review.html", status, "review")


def _confirmed_message() -> str:
    # Whether a claim is open also depends on the jobs, the waiting period and the
    # face check (the claims app, a floor above): its ticks page says which.
    return _(
        "Thank you: your data is up to date. The Claim JHT page shows which "
        "claims are open to you."
    )
