"""Logins for registry members: one user per participant, username = email."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import Participant

from .audit import audit_record

PARTICIPANT_GROUP = "participant"


def email_available(email: str) -> str:
    """The normalized login email; refused when it cannot be a username or another
    account already uses it."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    username = User._meta.get_field(User.USERNAME_FIELD)
    try:
        # Valid addresses may still break the username rules ("ma'ruf@...", over
        # 150 characters): refused here, before a code is sent, not at the end.
        username.run_validators(email)  # the username rules and its max_length
    except ValidationError as exc:
        raise ApplicationError(
            _(
                "This email address cannot be used to log in: use at most "
                "%(max)d characters, and only letters, digits and . _ + - "
                "before the @."
            )
            % {"max": username.max_length},
            code="email_unusable",
        ) from exc
    if User.objects.filter(username__iexact=email).exists():
        raise ApplicationError(
            _("This email is already used by another account."), code="email_taken"
        )
    return email


@transaction.atomic
def account_create(
    *,
    participant: Participant,
    email: str,
    password: str,
    phone: str = "",
    actor: AbstractBaseUser | None = None,
    assisted: bool = False,
) -> AbstractBaseUser:
    """Create the login of a registry member (once); `assisted` audits a desk activation."""
    User = get_user_model()
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.user_id is not None:
        raise ApplicationError(
            _("This membership already has an account: log in instead."),
            code="already_active",
            status=409,
        )
    email = email_available(email)
    user = User(username=email, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="password") from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=PARTICIPANT_GROUP)[0])
    participant.user = user
    participant.email = email
    if phone:
        participant.phone = phone
    participant.full_clean()
    participant.save(update_fields=["user", "email", "phone"])
    if assisted:
        audit_record(
            actor=actor,
            action="activate_member",
            participant=participant,
            new_value={"email": email},
        )
    return user
