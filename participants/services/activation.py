"""Account activation like JMO: registry match, email one-time code, password.

Step 1 (`activation_start`) compares NIK + KPJ + full name + birth date with the
registry; wrong combinations count per NIK through the shared guards and lock at
the policy limit. Step 2 sends and checks a 6-digit code. Step 3
(`activation_complete`) creates the login through `account_create`.

Failure counters are written outside any enclosing transaction on purpose: the
ApplicationError raised afterwards must not roll the count back.
"""

import datetime as dt
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jmo_portal.exceptions import ApplicationError
from participants.models import (
    AccountPolicy,
    ActivationRequest,
    BlockKind,
    Participant,
)

from ..validators import name_key
from .accounts import account_create, email_available
from .codes import code_clean, code_issue, code_problem
from .credentials import credential_check
from .guards import attempt_register_failure, attempt_reset, block_active

logger = logging.getLogger(__name__)
# Steps 2 and 3 must be finished within this time after the registry match.
REQUEST_VALID = dt.timedelta(hours=1)
# What sending a code changes: put back when the mail does not leave.
CODE_SEND_FIELDS = ("email", "email_verified_at", "code_hash", "code_sent_at",
                    "code_expires_at", "code_attempts", "codes_sent")  # fmt: skip


@dataclass(frozen=True)
class ActivationStart:
    """Step 1 passed: either a request to continue with, or an active account."""

    activation: ActivationRequest | None
    already_active: bool = False


def mail_unavailable_message() -> str:
    return _("The email could not be sent just now. Try again in a few minutes.")


def locked_error() -> ApplicationError:
    return ApplicationError(
        _(
            "Activation for this NIK is locked after too many wrong attempts. "
            "Please visit the front-office desk of a BPJS Ketenagakerjaan branch "
            "with your KTP to unlock it."
        ),
        code="activation_locked",
        status=423,
        extra={"attempts_left": 0},
    )


def no_match_error(attempts_left: int | None) -> ApplicationError:
    """The one message for every mismatch: it never says which field was wrong."""
    return ApplicationError(
        _(
            "The data does not match our membership records. Check your NIK, KPJ "
            "number, full name and birth date exactly as on your KTP and KPJ card."
        ),
        code="no_match",
        extra={"attempts_left": attempts_left},
    )


def activation_start(
    *, nik: str, kpj: str, full_name: str, birth_date: dt.date
) -> ActivationStart:
    """Match the typed data with the registry; count a wrong combination per NIK.

    The block is checked before anything else is compared, so a locked NIK cannot
    be probed further. An unknown NIK raises the same `no_match` error with
    `attempts_left=None` (there is nothing to count on).
    """
    participant = Participant.objects.filter(nik=nik).first()
    if participant is None:
        raise no_match_error(None)
    if block_active(participant=participant, kind=BlockKind.ACTIVATION):
        raise locked_error()
    matches = (
        secrets.compare_digest(kpj.encode(), participant.kpj.encode())
        and name_key(full_name) == name_key(participant.full_name)
        and birth_date == participant.birth_date
    )
    if not matches:
        state = attempt_register_failure(
            participant=participant,
            kind=BlockKind.ACTIVATION,
            max_attempts=AccountPolicy.current().activation_max_attempts,
            reason=gettext_noop("Too many wrong NIK/KPJ/name/birth date combinations"),
        )
        if state.blocked:
            raise locked_error()
        raise no_match_error(state.attempts_left)
    with transaction.atomic():
        attempt_reset(participant=participant, kind=BlockKind.ACTIVATION)
        if participant.user_id is not None:
            return ActivationStart(activation=None, already_active=True)
        activation = ActivationRequest(participant=participant, email=participant.email)
        activation.full_clean()
        activation.save()
    return ActivationStart(activation=activation)


def activation_get(*, request_id: str | None) -> ActivationRequest | None:
    """The open request behind a session id; None when unknown, done or too old."""
    try:
        pk = uuid.UUID(str(request_id))
    except ValueError:
        return None
    activation = (
        ActivationRequest.objects.select_related("participant")
        .filter(pk=pk, completed_at__isnull=True)
        .first()
    )
    if activation is None or timezone.now() - activation.created_at > REQUEST_VALID:
        return None
    return activation


def activation_code_send(
    *, activation: ActivationRequest, email: str
) -> ActivationRequest:
    """Generate a new one-time code for `email`, store its hash and mail it."""
    with transaction.atomic():
        activation = ActivationRequest.objects.select_for_update().get(pk=activation.pk)
        if activation.completed_at is not None:
            raise ApplicationError(
                _("This activation is already finished: log in instead."),
                code="already_active",
                status=409,
            )
        email = email_available(email)
        earlier = {field: getattr(activation, field) for field in CODE_SEND_FIELDS}
        code = code_issue(holder=activation)
        activation.email = email
        # A new address (or a new code) must be confirmed again.
        activation.email_verified_at = None
        activation.full_clean()
        activation.save()
    # The mail goes out after the row is saved, outside the transaction.
    context = {"code": code, "minutes": AccountPolicy.current().otp_valid_minutes}
    try:
        send_mail(
            subject=render_to_string(
                "participants/email/activation_code_subject.txt", context
            ).strip(),
            message=render_to_string("participants/email/activation_code.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    except OSError as exc:  # smtplib's errors, refused or timed-out connections
        logger.warning("activation code not sent: %s", type(exc).__name__)
        # The code never left: the request goes back to what it was (the earlier
        # code still works, the hourly allowance is not used up), unless a newer
        # code was issued meanwhile.
        ActivationRequest.objects.filter(
            pk=activation.pk, code_hash=activation.code_hash
        ).update(**earlier)
        raise ApplicationError(
            mail_unavailable_message(), code="email_unavailable", status=503
        ) from exc
    return activation


def activation_code_verify(
    *, activation: ActivationRequest, code: str, address: str | None = None
) -> ActivationRequest:
    """Check the emailed code: at most MAX_CODE_TRIES per code, within its validity,
    and every try counted by the credential guard per member and per `address`.
    A code that is not 6 digits is a typing slip and costs no try."""
    code = code_clean(code)
    return credential_check(
        kind="activation_code",
        account=str(activation.participant_id),
        address=address,
        verify=lambda: _activation_code_verify(activation, code),
    )


def _activation_code_verify(
    activation: ActivationRequest, code: str
) -> ActivationRequest:
    with transaction.atomic():
        activation = ActivationRequest.objects.select_for_update().get(pk=activation.pk)
        error = code_problem(holder=activation, code=code)
        if error is None:
            activation.email_verified_at = timezone.now()
            activation.save(update_fields=["email_verified_at"])
    # Raised after the commit so that a wrong try stays counted.
    if error is not None:
        raise error
    return activation


@transaction.atomic
def activation_complete(
    *, activation: ActivationRequest, phone: str, password: str
) -> AbstractBaseUser:
    """Create the login with the verified email; a second submit creates nothing."""
    # The row lock makes a double submit wait, then find the request completed.
    activation = ActivationRequest.objects.select_for_update().get(pk=activation.pk)
    if activation.completed_at is not None:
        raise ApplicationError(
            _("This membership already has an account: log in instead."),
            code="already_active",
            status=409,
        )
    if activation.email_verified_at is None:
        raise ApplicationError(
            _("Confirm your email with the code first."), code="email_unverified"
        )
    user = account_create(
        participant=activation.participant,
        email=activation.email,
        password=password,
        phone=phone,
    )
    activation.completed_at = timezone.now()
    activation.save(update_fields=["completed_at"])
    return user
