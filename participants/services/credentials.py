"""One credential guard for every place a secret is tried.

Passwords (participant login, API token, desk and admin login, through the
authentication backend `participants.backends.GuardedModelBackend`), activation
codes, password-reset links and phone codes all go through `credential_check`.

Each try is counted *before* the secret is checked, per account and per client
address, in one atomic upsert (`INSERT ... ON CONFLICT DO UPDATE ... WHERE
failures < limit`): under a parallel burst exactly `limit` tries get through to
the check and the rest are refused. A correct secret gives its try back. After the
limit the door stays shut for the cool-off, counted from the last counted try; a
quiet cool-off also forgets the count. The pause lifts itself: nobody needs the
desk for it.

Call it outside any transaction that may roll back (a rolled-back count would
be lost); the upsert itself commits on its own in autocommit mode.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection
from django.db.models import F
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import CredentialCounter

T = TypeVar("T")


@dataclass(frozen=True)
class Limit:
    per_account: int
    per_address: int
    cool_off_seconds: int


COOL_OFF = 15 * 60
LIMITS: dict[str, Limit] = {
    "password": Limit(per_account=10, per_address=30, cool_off_seconds=COOL_OFF),
    "activation_code": Limit(per_account=10, per_address=30, cool_off_seconds=COOL_OFF),
    "password_reset": Limit(per_account=10, per_address=30, cool_off_seconds=COOL_OFF),
    "phone_otp": Limit(per_account=10, per_address=30, cool_off_seconds=COOL_OFF),
    "staff_otp": Limit(per_account=5, per_address=30, cool_off_seconds=COOL_OFF),
}
ACCOUNT, ADDRESS = "account", "address"


class CredentialThrottled(ApplicationError):
    """Too many tries: 429 with `retry_after` seconds on the API."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            _(
                "Too many wrong tries. Wait %(minutes)s minutes and try again, or "
                "reset your password."
            )
            % {"minutes": minutes},
            code="throttled",
            status=429,
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after


def _key(kind: str, scope: str, value: str) -> str:
    normal = (value or "").strip().lower()
    return salted_hmac(f"credentials.{kind}.{scope}", normal).hexdigest()[:64]


_TABLE = CredentialCounter._meta.db_table

_RESERVE_SQL = f"""
INSERT INTO {_TABLE} (kind, scope, key, failures, last_at)
VALUES (%s, %s, %s, 1, %s)
ON CONFLICT (kind, scope, key) DO UPDATE SET
    failures = CASE WHEN {_TABLE}.last_at <= %s THEN 1
                    ELSE {_TABLE}.failures + 1 END,
    last_at = excluded.last_at
WHERE {_TABLE}.last_at <= %s OR {_TABLE}.failures < %s
RETURNING failures
"""  # noqa: S608 - the table name is ours, every value is a parameter


def _reserve(kind: str, scope: str, key: str, limit: int, cool_off: int) -> bool:
    now = time.time()
    expired_before = now - cool_off
    with connection.cursor() as cursor:
        cursor.execute(
            _RESERVE_SQL,
            [kind, scope, key, now, expired_before, expired_before, limit],
        )
        return cursor.fetchone() is not None


def _give_back(kind: str, scope: str, key: str) -> None:
    CredentialCounter.objects.filter(
        kind=kind, scope=scope, key=key, failures__gt=0
    ).update(failures=F("failures") - 1)


def _retry_after(kind: str, scopes: list[tuple[str, str]], cool_off: int) -> int:
    now = time.time()
    waits = [
        math.ceil(row.last_at + cool_off - now)
        for scope, key in scopes
        for row in CredentialCounter.objects.filter(kind=kind, scope=scope, key=key)
    ]
    return max([1, *waits])


def credential_reserve(*, kind: str, account: str, address: str | None) -> None:
    """Count one try of `kind` for the account and the address, or raise 429."""
    limit = LIMITS[kind]
    account_key = _key(kind, ACCOUNT, account)
    if not _reserve(
        kind, ACCOUNT, account_key, limit.per_account, limit.cool_off_seconds
    ):
        raise CredentialThrottled(
            _retry_after(kind, [(ACCOUNT, account_key)], limit.cool_off_seconds)
        )
    if address:
        address_key = _key(kind, ADDRESS, address)
        if not _reserve(
            kind, ADDRESS, address_key, limit.per_address, limit.cool_off_seconds
        ):
            _give_back(kind, ACCOUNT, account_key)
            raise CredentialThrottled(
                _retry_after(kind, [(ADDRESS, address_key)], limit.cool_off_seconds)
            )


def credential_succeeded(*, kind: str, account: str, address: str | None) -> None:
    """A right secret: forget the account's count and give the address its try back."""
    CredentialCounter.objects.filter(
        kind=kind, scope=ACCOUNT, key=_key(kind, ACCOUNT, account)
    ).delete()
    if address:
        _give_back(kind, ADDRESS, _key(kind, ADDRESS, address))


def credential_paused(*, kind: str, account: str) -> bool:
    """True while the account's door for `kind` is shut (no try is counted)."""
    limit = LIMITS[kind]
    row = CredentialCounter.objects.filter(
        kind=kind, scope=ACCOUNT, key=_key(kind, ACCOUNT, account)
    ).first()
    return bool(
        row
        and row.failures >= limit.per_account
        and row.last_at > time.time() - limit.cool_off_seconds
    )


def credential_check(
    *, kind: str, account: str, address: str | None, verify: Callable[[], T]
) -> T:
    """Count the try, run `verify`, and give the try back when it succeeds.

    `verify` returns a truthy value for a right secret (returned as is) and a
    falsy one or raises (an ApplicationError, say) for a wrong one; either way a
    wrong secret stays counted. Raises CredentialThrottled (429, `retry_after`)
    before `verify` runs when the account or the address used up its tries.

    For a phone code: ``credential_check(kind="phone_otp", account=str(participant.pk),
    address=client_address(request), verify=lambda: code_matches(...))``.
    """
    credential_reserve(kind=kind, account=account, address=address)
    result = verify()
    if result:
        credential_succeeded(kind=kind, account=account, address=address)
    return result


def client_address(request) -> str | None:
    """The client's IP address (the proxy in front sets REMOTE_ADDR for gunicorn)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
