"""The role groups carry permissions; the checks read the permissions."""

import pytest
from django.contrib.auth.models import Group

from frontoffice.roles import ADMIN, CLAIMS_OFFICER, FRONT_OFFICE, has_role
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("participant", set()),
        ("front_office", {FRONT_OFFICE}),
        ("claims_officer", {CLAIMS_OFFICER}),
        ("admin", {FRONT_OFFICE, CLAIMS_OFFICER, ADMIN}),
    ],
)
def test_each_group_grants_its_roles_and_admin_passes_everywhere(db, group, expected):
    user = UserFactory(username=f"role-{group}")  # not a superuser
    user.groups.add(Group.objects.get(name=group))
    roles = {r for r in (FRONT_OFFICE, CLAIMS_OFFICER, ADMIN) if has_role(user, r)}
    assert roles == expected


def test_an_inactive_officer_has_no_role(db):
    user = UserFactory(username="gone", is_active=False)
    user.groups.add(Group.objects.get(name="front_office"))
    assert not has_role(user, FRONT_OFFICE)


def test_the_admin_group_may_edit_policies_in_the_django_admin(db):
    perms = set(
        Group.objects.get(name="admin").permissions.values_list("codename", flat=True)
    )
    assert {"change_biometricpolicy", "change_claimpolicy", "view_auditrecord"} <= perms
    assert "change_auditrecord" not in perms and "delete_auditrecord" not in perms
