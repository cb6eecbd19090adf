"""Slow down password guessing on the login page without sending anyone to a branch.

After LOGIN_MAX_FAILURES wrong passwords for one email, that email cannot log in
for LOGIN_PAUSE_SECONDS; the pause ends by itself (or with a password reset), so
it never needs the desk. Counts live in the cache (Redis in the full stack), keyed
by a hash of the email, never the email itself.
"""

from django.core.cache import cache
from django.utils.crypto import salted_hmac

LOGIN_MAX_FAILURES = 10
LOGIN_PAUSE_SECONDS = 15 * 60


def _key(username: str) -> str:
    digest = salted_hmac("participants.login", username.strip().lower()).hexdigest()
    return f"login-failures:{digest}"


def login_paused(*, username: str) -> bool:
    return cache.get(_key(username), 0) >= LOGIN_MAX_FAILURES


def login_failure_record(*, username: str) -> None:
    key = _key(username)
    # The pause runs from the first failure of the series.
    cache.add(key, 0, timeout=LOGIN_PAUSE_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LOGIN_PAUSE_SECONDS)


def login_failures_reset(*, username: str) -> None:
    cache.delete(_key(username))
