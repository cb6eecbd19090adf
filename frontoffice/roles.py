"""Staff roles: Django groups carrying the frontoffice permissions.

A role is checked through its permission (`user.has_perm`), so a superuser
(admin) passes everywhere and a participant has none of them. Pages send an
anonymous visitor to the staff login; the API answers 401/403 as JSON.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

PARTICIPANT = "participant"
FRONT_OFFICE = "front_office"
CLAIMS_OFFICER = "claims_officer"
ADMIN = "admin"
MANAGEMENT = "management"

# The permission each role stands for; the admin group holds all of them.
ROLE_PERMISSIONS = {
    FRONT_OFFICE: "frontoffice.desk_access",
    CLAIMS_OFFICER: "frontoffice.claims_review",
    ADMIN: "frontoffice.policy_edit",
    # The effectiveness figures (insights app); the admin group holds it too.
    MANAGEMENT: "insights.insights_view",
}
AUDIT_PERMISSION = "frontoffice.audit_view"
# What each role (the group's name, as audit records write it) is called on the
# staff pages.
ROLE_LABELS = {
    PARTICIPANT: _("Participant"),
    FRONT_OFFICE: _("Front-office officer"),
    CLAIMS_OFFICER: _("Claims officer"),
    ADMIN: _("Administrator"),
    MANAGEMENT: _("Management"),
}


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of the roles; admins hold every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm(ROLE_PERMISSIONS[ADMIN]):
        return True
    return any(user.has_perm(ROLE_PERMISSIONS[role]) for role in roles)


def is_staff_member(user) -> bool:
    return has_role(user, FRONT_OFFICE, CLAIMS_OFFICER)


def role_required(*roles: str) -> Callable:
    """Page decorator: staff login for anonymous visitors, 403 for other roles."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(
                    request.get_full_path(), reverse("frontoffice:login")
                )
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RolePermission(BasePermission):
    """DRF permission: subclasses name the roles (admin always passes)."""

    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, *self.roles)


class IsFrontOffice(RolePermission):
    roles = (FRONT_OFFICE,)


class IsClaimsOfficer(RolePermission):
    roles = (CLAIMS_OFFICER,)


class IsPortalAdmin(RolePermission):
    roles = (ADMIN,)


class IsManagement(RolePermission):
    roles = (MANAGEMENT,)
