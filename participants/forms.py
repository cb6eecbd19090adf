"""Account forms: parse and validate only; the services do the rest."""

import datetime as dt
import logging

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jmo_portal.exceptions import ApplicationError

from .models import EmergencyRelation, MaritalStatus
from .services.credentials import CredentialThrottled, client_address
from .services.two_factor import needs_second_factor, staff_second_factor_check
from .validators import (
    digits_only,
    normalize_phone,
    validate_kpj,
    validate_nik,
)

logger = logging.getLogger(__name__)


class ActivationMatchForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (16 digits on your KTP)"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}
        ),
    )
    kpj = forms.CharField(
        label=_("KPJ number (11 digits on your KPJ card)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Full name as on your KTP"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_nik(self) -> str:
        nik = digits_only(self.cleaned_data["nik"])
        validate_nik(nik)
        return nik

    def clean_kpj(self) -> str:
        kpj = digits_only(self.cleaned_data["kpj"])
        validate_kpj(kpj)
        return kpj

    def clean_birth_date(self) -> dt.date:
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise ValidationError(
                _("Birth date cannot be in the future."), code="future"
            )
        return born


class ActivationEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send a 6-digit code to this address. You log in with it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ActivationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from the email"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        ),
    )


class ActivationPasswordForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        help_text=_("For example 081234567890 or +6281234567890."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; not only numbers, not a common word."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self) -> dict:
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class GuardedLoginMixin:
    """Shows the credential guard's pause as a form error (every login form)."""

    def clean(self):
        try:
            return super().clean()
        except CredentialThrottled as exc:
            raise ValidationError(
                _(
                    "Too many wrong passwords for this account. Wait %(minutes)s "
                    "minutes and try again, or reset your password now."
                ),
                code="throttled",
                params={"minutes": max(1, -(-exc.retry_after // 60))},
            ) from exc


def _otp_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code from the authenticator app (or a recovery code)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class SecondFactorMixin:
    """Staff give the code of their authenticator app after the password; the
    verified device is kept on the session by django-otp at login."""

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and needs_second_factor(user):
            try:
                user.otp_device = staff_second_factor_check(
                    user=user,
                    code=cleaned.get("otp_token", ""),
                    address=client_address(self.request),
                )
            except CredentialThrottled as exc:
                raise ValidationError(
                    _("Too many wrong codes. Wait %(minutes)s minutes and try again."),
                    code="throttled",
                    params={"minutes": max(1, -(-exc.retry_after // 60))},
                ) from exc
            except ApplicationError as exc:
                raise ValidationError(exc.message, code=exc.code) from exc
        return cleaned


class StaffLoginForm(SecondFactorMixin, GuardedLoginMixin, AuthenticationForm):
    """`/desk/login/`: password and the second factor."""

    otp_token = _otp_field()


class AdminLoginForm(SecondFactorMixin, GuardedLoginMixin, AdminAuthenticationForm):
    """`/admin/login/`: password and the second factor."""

    otp_token = _otp_field()


class EmailLoginForm(GuardedLoginMixin, AuthenticationForm):
    """Participants log in with their email as the username."""

    username = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The email or password is wrong. Check both and try again, or reset "
            "your password."
        ),
    }

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        # Participant usernames are stored lowercased (account_create); staff
        # usernames are left as typed.
        return username.lower() if "@" in username else username


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=30,
        help_text=_("We send a code to this number to check it."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Home address"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code (5 digits)"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class PopulationForm(forms.Form):
    kk_number = forms.CharField(
        label=_("Family card (KK) number, 16 digits"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    mother_maiden_name = forms.CharField(
        label=_("Mother's maiden name"), max_length=200
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"),
        choices=[("", "—"), *MaritalStatus.choices],
    )
    npwp = forms.CharField(
        label=_("NPWP (tax number, optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class EmergencyForm(forms.Form):
    name = forms.CharField(label=_("Name of your emergency contact"), max_length=200)
    relation = forms.ChoiceField(
        label=_("Relation to you"), choices=[("", "—"), *EmergencyRelation.choices]
    )
    phone = forms.CharField(
        label=_("Their mobile phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )


class CheckedConnectionPasswordResetForm(PasswordResetForm):
    """Django's reset form, mailing through `connection`: the SMTP connection the
    view opened to check the server (before, Django opened a second one)."""

    connection = None

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email,
        to_email, html_email_template_name=None,
    ):  # fmt: skip
        subject = render_to_string(subject_template_name, context)
        body = render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(
            "".join(subject.splitlines()), body, from_email, [to_email],
            connection=self.connection,
        )  # fmt: skip
        if html_email_template_name is not None:
            html = render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        try:
            message.send()
        except OSError:  # smtplib's errors; the page says the same to everyone
            logger.exception("password reset email to user %s not sent",
                             context["user"].pk)  # fmt: skip
