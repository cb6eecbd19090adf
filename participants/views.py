"""Account pages: activation in three steps, login and password reset (urls.py)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.mail import get_connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from jmo_portal.exceptions import ApplicationError
from jmo_portal.throttled import throttled_page
from participants.models import AccountPolicy
from participants.services import activation as services
from participants.services.credentials import (
    CredentialThrottled,
    client_address,
    credential_reserve,
    credential_succeeded,
)
from participants.services.sessions import sessions_revoke_all

from .forms import (
    ActivationCodeForm,
    ActivationEmailForm,
    ActivationMatchForm,
    ActivationPasswordForm,
    CheckedConnectionPasswordResetForm,
)

# The session keeps only the id of the ActivationRequest (never the NIK).
SESSION_KEY = "activation_request_id"
PROBES_KEY = "activation_probes"


def _has_account(request: HttpRequest) -> bool:
    return request.user.is_authenticated and hasattr(request.user, "participant")


def _unknown_nik_error(request: HttpRequest, nik: str) -> ApplicationError:
    """Count a NIK the registry does not know like a real one, in this session only,
    so the page never tells an unknown NIK from a known one. Only a keyed hash of
    the NIK is kept."""
    key = salted_hmac("participants.activation.probe", nik).hexdigest()[:16]
    probes = request.session.get(PROBES_KEY, {})
    probes[key] = probes.get(key, 0) + 1
    request.session[PROBES_KEY] = probes
    left = AccountPolicy.current().activation_max_attempts - probes[key]
    return services.locked_error() if left <= 0 else services.no_match_error(left)


@sensitive_post_parameters("nik", "kpj", "full_name", "birth_date")
@never_cache
def activate(request: HttpRequest) -> HttpResponse:
    """Step 1: NIK + KPJ + full name + birth date must match the registry."""
    if _has_account(request):
        return redirect("participants:dashboard")
    form = ActivationMatchForm(request.POST or None)
    context = {"form": form, "step": 1}
    if request.method == "POST" and form.is_valid():
        try:
            result = services.activation_start(**form.cleaned_data)
        except ApplicationError as exc:
            if exc.code == "no_match" and exc.extra["attempts_left"] is None:
                exc = _unknown_nik_error(request, form.cleaned_data["nik"])
            form.add_error(None, exc.message)
            context["locked"] = exc.code == "activation_locked"
            context["attempts_left"] = exc.extra.get("attempts_left")
        else:
            if result.already_active:
                return render(request, "participants/activate_already.html")
            request.session[SESSION_KEY] = str(result.activation.pk)
            return redirect("participants:activate_email")
    return render(request, "participants/activate.html", context)


def activation_required(view):
    """Steps 2 and 3 need the open request whose id is in the session."""

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _has_account(request):
            return redirect("participants:dashboard")
        activation = services.activation_get(
            request_id=request.session.get(SESSION_KEY)
        )
        if activation is None:
            request.session.pop(SESSION_KEY, None)
            messages.warning(
                request, _("Your activation has timed out. Please start again.")
            )
            return redirect("participants:activate")
        return view(request, activation, *args, **kwargs)

    return wrapper


@activation_required
def activate_email(request: HttpRequest, activation) -> HttpResponse:
    """Step 2a: confirm (or change) the email and send the one-time code."""
    form = ActivationEmailForm(
        request.POST or None, initial={"email": activation.email}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activation_code_send(
                activation=activation, email=form.cleaned_data["email"]
            )
        except ApplicationError as exc:
            form.add_error("email", exc.message)
        else:
            return redirect("participants:activate_code")
    return render(
        request,
        "participants/activate_email.html",
        {"form": form, "activation": activation, "step": 2},
    )


@sensitive_post_parameters("code")
@activation_required
def activate_code(request: HttpRequest, activation) -> HttpResponse:
    """Step 2b: type the code from the email."""
    if not activation.code_hash:
        return redirect("participants:activate_email")
    form = ActivationCodeForm(request.POST or None)
    need_new_code = False
    if request.method == "POST" and form.is_valid():
        try:
            services.activation_code_verify(
                activation=activation,
                code=form.cleaned_data["code"],
                address=client_address(request),
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
            need_new_code = exc.code in ("code_expired", "code_exhausted")
        else:
            return redirect("participants:activate_password")
    return render(
        request,
        "participants/activate_code.html",
        {
            "form": form,
            "activation": activation,
            "step": 2,
            "need_new_code": need_new_code,
        },
    )


@require_POST
@activation_required
def activate_code_resend(request: HttpRequest, activation) -> HttpResponse:
    """The "send a new code" button: a fresh code to the same address."""
    if not activation.email:
        return redirect("participants:activate_email")
    try:
        services.activation_code_send(activation=activation, email=activation.email)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("participants:activate_email")
    messages.success(request, _("A new code is on its way. Check your email."))
    return redirect("participants:activate_code")


@sensitive_post_parameters("password1", "password2")
@activation_required
def activate_password(request: HttpRequest, activation) -> HttpResponse:
    """Step 3: phone number and password; creates the login and logs in."""
    if activation.email_verified_at is None:
        return redirect("participants:activate_code")
    form = ActivationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activation_complete(
                activation=activation,
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password1"],
            )
        except ApplicationError as exc:
            if exc.code == "already_active":
                return render(request, "participants/activate_already.html")
            form.add_error("password1" if exc.code == "password" else None, exc.message)
        else:
            login(request, user, backend="participants.backends.GuardedModelBackend")
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request, _("Your account is active. Welcome to JMO Portal.")
            )
            return redirect("participants:dashboard")
    return render(
        request,
        "participants/activate_password.html",
        {"form": form, "activation": activation, "step": 3},
    )


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session and API token of this login, this browser's too."""
    sessions_revoke_all(user=request.user)
    logout(request)
    messages.success(request, _("You are logged out on every device."))
    return redirect("home")


class MailCheckedPasswordResetView(auth_views.PasswordResetView):
    """When the mail server cannot be reached, say so to everyone who asks.

    Django logs a reset email that fails and shows "we have sent it a link"
    anyway. The server is tried before any account is looked up, so the answer
    is the same for an address with an account and one without; the email then
    goes through that same connection (one SMTP session per reset).
    """

    form_class = CheckedConnectionPasswordResetForm

    def form_valid(self, form):
        form.connection = get_connection()
        try:
            form.connection.open()
        except OSError:  # smtplib's errors, refused or timed-out connections
            form.add_error("email", services.mail_unavailable_message())
            return self.form_invalid(form)
        try:
            return super().form_valid(form)
        finally:
            form.connection.close()


class GuardedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Each try of a reset link counts in the credential guard (per account, per
    address): guessing links gets a 429 page long before it could succeed."""

    def dispatch(self, *args, **kwargs):
        if kwargs.get("token") == self.reset_url_token:  # the link was already checked
            return super().dispatch(*args, **kwargs)
        who = {
            "kind": "password_reset",
            "account": kwargs.get("uidb64", ""),
            "address": client_address(self.request),
        }
        try:
            credential_reserve(**who)
        except CredentialThrottled as exc:
            return throttled_page(
                self.request, message=exc.message, retry_after=exc.retry_after
            )
        response = super().dispatch(*args, **kwargs)
        if self.validlink:
            credential_succeeded(**who)
        return response
