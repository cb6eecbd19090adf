"""Staff logins: one role group each (frontoffice.roles); admins are superusers."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontoffice.models import StaffPost
from frontoffice.roles import ADMIN, CLAIMS_OFFICER, FRONT_OFFICE, MANAGEMENT
from jmo_portal.exceptions import ApplicationError
from participants.models import Participant
from participants.services.audit import audit_record
from participants.services.conflicts import staff_member_link
from participants.services.two_factor import TwoFactorSetup, staff_two_factor_setup
from tutorials.selectors import branch_get

STAFF_ROLES = (FRONT_OFFICE, CLAIMS_OFFICER, MANAGEMENT, ADMIN)


@dataclass(frozen=True)
class StaffResult:
    user: AbstractBaseUser
    created: bool
    generated_password: str | None
    two_factor: TwoFactorSetup | None = None


@transaction.atomic
def staff_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    nik: str = "",
    branch: str = "",
    two_factor_secret: str | None = None,
) -> StaffResult:
    """Create a staff login in one role group, or move an existing one to `role`.

    `nik` is the staff member's own NIK: staff are members too, and the services
    refuse any staff action on the member with this NIK (conflicts.py). `branch`
    is the code of the branch where they work (staff_post_set)."""
    if role not in STAFF_ROLES:
        raise ApplicationError(f"unknown role {role!r}", code="role")
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and Participant.objects.filter(user=user).exists():
        raise ApplicationError(f"{username} is a participant's login", code="taken")
    created = user is None
    user = user or User(username=username)
    generated = None
    if created and password is None:
        generated = password = secrets.token_urlsafe(12)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages), code="password") from exc
        user.set_password(password)
    old_roles = [] if created else list(user.groups.values_list("name", flat=True))
    old_roles = sorted(set(old_roles) & set(STAFF_ROLES))
    user.is_staff = True
    user.is_active = True
    user.is_superuser = role == ADMIN
    user.full_clean()
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=STAFF_ROLES).exclude(name=role))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if nik:
        staff_member_link(user=user, nik=nik)
    if branch:
        staff_post_set(user=user, branch=branch, actor=None)
    if old_roles != [role]:
        audit_record(
            actor=None,
            action="staff_role_set",
            old_value={"username": username, "roles": old_roles},
            new_value={"username": username, "roles": [role]},
        )
    two_factor = None
    if created or not TOTPDevice.objects.filter(user=user).exists():
        # Every staff login needs the second factor: the app's secret and the
        # recovery codes are shown once.
        two_factor = staff_two_factor_setup(user=user, secret=two_factor_secret)
    return StaffResult(
        user=user,
        created=created,
        generated_password=generated,
        two_factor=two_factor,
    )


@transaction.atomic
def staff_post_set(
    *, user: AbstractBaseUser, branch: str, actor: AbstractBaseUser | None
) -> StaffPost:
    """Post a staff member at the open branch with this code (audited)."""
    office = branch_get(code=branch)
    if office is None:
        raise ApplicationError(
            _("No open branch has the code %(code)s.") % {"code": branch},
            code="unknown_branch",
        )
    post = (
        StaffPost.objects.select_for_update(of=("self",))
        .select_related("branch")
        .filter(user=user)
        .first()
    )
    old = post.branch.code if post else None
    post = post or StaffPost(user=user)
    post.branch = office
    post.full_clean()
    post.save()
    if old != office.code:
        audit_record(
            actor=actor,
            action="staff_post_set",
            old_value={"username": user.get_username(), "branch": old},
            new_value={"username": user.get_username(), "branch": office.code},
        )
    return post
