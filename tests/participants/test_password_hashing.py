"""Passwords are stored with Argon2id (jmo_portal.hashers); a member whose
password an earlier release stored with PBKDF2 still logs in, and that login
rehashes it. Through the doors: a registry member activated by the command, the
API's token login and the login page, with the deployed hasher list (the test
settings use a fast hasher)."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.test import override_settings
from rest_framework.test import APIClient

from jmo_portal import settings as deployed
from tests.journey import PASSWORD, activate, registry_member

ARGON2ID = "argon2$argon2id$v=19$m=19456,t=2,p=1$"
OLD_RELEASE = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _activate(tmp_path):
    return activate(registry_member(tmp_path))


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=deployed.PASSWORD_HASHERS)
def test_a_new_password_is_stored_with_argon2id(tmp_path):
    member = _activate(tmp_path)
    assert member.user.password.startswith(ARGON2ID)
    assert identify_hasher(member.user.password).algorithm == "argon2"
    assert check_password(PASSWORD, member.user.password)
    assert not check_password(PASSWORD + "x", member.user.password)


@pytest.mark.django_db
@pytest.mark.parametrize("door", ["api", "page"])
def test_a_pbkdf2_password_of_an_earlier_release_logs_in_and_is_rehashed(
    tmp_path, door
):
    with override_settings(PASSWORD_HASHERS=OLD_RELEASE):
        member = _activate(tmp_path)
    old = member.user.password
    assert old.startswith("pbkdf2_sha256$")
    with override_settings(PASSWORD_HASHERS=deployed.PASSWORD_HASHERS):
        if door == "api":
            response = APIClient().post(
                "/api/v1/auth/token/",
                {"username": member.email, "password": PASSWORD},
                format="json",
            )
            assert response.status_code == 200, response.content
        else:
            response = APIClient().post(
                "/login/", {"username": member.email, "password": PASSWORD}
            )
            assert response.status_code == 302, response.content
        member.user.refresh_from_db()
        assert member.user.password.startswith(ARGON2ID)
        assert check_password(PASSWORD, member.user.password)
