"""Rate limits: selfie uploads per participant, the kiosk and every anonymous POST.

One mechanism, the credential guard's counter table, with a fixed window: at
most `limit` requests per `window` seconds for a key, counted in one atomic
upsert (exact under parallel requests, shared by every web process). Past the
limit: RateLimited, a 429 with `retry_after` (the API answers JSON, pages show
the 429 page). Limits come from settings.RATE_LIMITS ({name: (limit, window)}).
"""

import math
import time

from django.conf import settings
from django.db import connection
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import CredentialCounter, Participant

_TABLE = CredentialCounter._meta.db_table
_SCOPE = "rate"
_HIT_SQL = f"""
INSERT INTO {_TABLE} (kind, scope, key, failures, last_at)
VALUES (%s, %s, %s, 1, %s)
ON CONFLICT (kind, scope, key) DO UPDATE SET
    failures = CASE WHEN {_TABLE}.last_at <= %s THEN 1
                    ELSE {_TABLE}.failures + 1 END,
    last_at = CASE WHEN {_TABLE}.last_at <= %s THEN excluded.last_at
                   ELSE {_TABLE}.last_at END
WHERE {_TABLE}.last_at <= %s OR {_TABLE}.failures < %s
RETURNING failures
"""  # noqa: S608 - the table name is ours, every value is a parameter


class RateLimited(ApplicationError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            _("Too many requests. Wait %(seconds)s seconds and try again.")
            % {"seconds": retry_after},
            code="throttled",
            status=429,
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after


def participant_rate_hit(*, name: str, participant: Participant) -> None:
    """Count one request of `name` against the participant's limit (429 past it)."""
    rate_hit(name=name, key=f"participant:{participant.pk}")


def rate_hit(*, name: str, key: str) -> None:
    """Count one request of `name` for `key`; raise RateLimited past the limit."""
    limit, window = settings.RATE_LIMITS[name]
    hashed = salted_hmac(f"ratelimits.{name}", str(key)).hexdigest()[:64]
    now = time.time()
    window_before = now - window
    with connection.cursor() as cursor:
        cursor.execute(
            _HIT_SQL,
            [
                name,
                _SCOPE,
                hashed,
                now,
                window_before,
                window_before,
                window_before,
                limit,
            ],
        )
        if cursor.fetchone() is not None:
            return
    started = (
        CredentialCounter.objects.filter(kind=name, scope=_SCOPE, key=hashed)
        .values_list("last_at", flat=True)
        .first()
    )
    raise RateLimited(max(1, math.ceil((started or now) + window - now)))
