"""Staff two-factor authentication (django-otp): a TOTP app and recovery codes.

Every staff login (desk, admin, API token) needs the password and a code from
the authenticator app, or one of the single-use recovery codes. The codes are
tried through the credential guard like every other secret (django-otp's own
throttling is off: one counting mechanism). A staff session without a verified
second factor counts as no login at all (jmo_portal.middleware).
"""

import secrets
from base64 import b32decode, b32encode
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jmo_portal.exceptions import ApplicationError

from .credentials import credential_check

RECOVERY_CODES = 10


@dataclass(frozen=True)
class TwoFactorSetup:
    secret: str  # base32, for the authenticator app
    config_url: str  # otpauth:// URL (a QR code of it sets up the app)
    recovery_codes: list[str]


def needs_second_factor(user: AbstractBaseUser) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


@transaction.atomic
def staff_two_factor_setup(
    *, user: AbstractBaseUser, secret: str | None = None
) -> TwoFactorSetup:
    """(Re)create the user's TOTP device and recovery codes; old ones stop working.

    `secret` (base32) is for the demo world only, so its codes are reproducible.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    key = b32decode(secret) if secret else secrets.token_bytes(20)
    totp = TOTPDevice.objects.create(
        user=user, name="authenticator", key=key.hex(), confirmed=True
    )
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return TwoFactorSetup(
        secret=b32encode(key).decode(),
        config_url=totp.config_url,
        recovery_codes=codes,
    )


def staff_second_factor_check(
    *, user: AbstractBaseUser, code: str, address: str | None
) -> Device:
    """The device whose code this is (TOTP or a recovery code, used up), or 400.

    Counted by the credential guard per staff login and per address (429).
    """
    code = "".join((code or "").split())
    if not code:
        raise ApplicationError(
            _("Enter the 6-digit code from your authenticator app."),
            code="otp_required",
        )
    device = credential_check(
        kind="staff_otp",
        account=user.get_username(),
        address=address,
        verify=lambda: match_token(user, code),
    )
    if device is None:
        raise ApplicationError(
            _(
                "The code is wrong. Enter the current code from your authenticator "
                "app, or one of your recovery codes."
            ),
            code="otp_wrong",
        )
    return device
