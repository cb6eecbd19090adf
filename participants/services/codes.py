"""One-time codes (activation email, data-update SMS): one issuer, one checker.

A code is 6 digits from `secrets`; only a keyed hash is stored. Each code may be
tried MAX_CODE_TRIES times within the policy's validity, and a holder may ask for
MAX_CODES_PER_REQUEST codes, then for as many again CODES_WINDOW after the last
one (each code is an SMS or an email we pay for and someone receives). The caller
holds the row lock; a wrong try is saved on the row so the ApplicationError raised
after the commit cannot undo it.
"""

import datetime as dt
import math
import secrets

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import AccountPolicy, OneTimeCode
from participants.validators import ascii_digits, digits_only

CODE_DIGITS = 6
MAX_CODE_TRIES = 5
MAX_CODES_PER_REQUEST = 5
CODES_WINDOW = dt.timedelta(hours=1)


def _code_hash(holder: OneTimeCode, code: str) -> str:
    salt = f"participants.code.{holder._meta.label_lower}"
    return salted_hmac(salt, f"{holder.pk}:{code}", algorithm="sha256").hexdigest()


def code_issue(*, holder: OneTimeCode) -> str:
    """Give `holder` a new code (not saved: the caller saves); returns the clear code."""
    now = timezone.now()
    if holder.codes_sent >= MAX_CODES_PER_REQUEST:
        # Before, the holder stayed refused for good: an open data update could
        # never verify its phone online again.
        wait = (holder.code_sent_at + CODES_WINDOW - now).total_seconds()
        if wait > 0:
            raise ApplicationError(
                _(
                    "Too many codes were requested. Ask for a new code in "
                    "%(minutes)s minutes."
                )
                % {"minutes": math.ceil(wait / 60)},
                code="throttled",
                status=429,
                extra={"retry_after": math.ceil(wait)},
            )
        holder.codes_sent = 0
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    holder.code_hash = _code_hash(holder, code)
    holder.code_sent_at = now
    holder.code_expires_at = now + dt.timedelta(
        minutes=AccountPolicy.current().otp_valid_minutes
    )
    holder.code_attempts = 0
    holder.codes_sent += 1
    return code


def code_clean(code: str) -> str:
    """The code as typed ("123 456"), or a format error that costs no try: only a
    6-digit code can be right, so a letter or a short code is a typing slip."""
    code = digits_only(code)
    if not (ascii_digits(code) and len(code) == CODE_DIGITS):
        raise ApplicationError(_("The code has 6 digits."), code="code_format")
    return code


def code_problem(*, holder: OneTimeCode, code: str) -> ApplicationError | None:
    """What is wrong with `code` (counting a wrong try on the locked row), or None.
    `code` has been through code_clean."""
    if not holder.code_hash:
        return ApplicationError(_("Request a code first."), code="code_missing")
    if holder.code_attempts >= MAX_CODE_TRIES:
        return _code_exhausted()
    if timezone.now() >= holder.code_expires_at:
        minutes = AccountPolicy.current().otp_valid_minutes
        return ApplicationError(
            _("This code has expired. Send a new code and use it within %(n)s minutes.")
            % {"n": minutes},
            code="code_expired",
        )
    if constant_time_compare(_code_hash(holder, code), holder.code_hash):
        holder.code_hash = ""  # used once
        holder.save(update_fields=["code_hash"])
        return None
    holder.code_attempts += 1
    holder.save(update_fields=["code_attempts"])
    left = MAX_CODE_TRIES - holder.code_attempts
    if left <= 0:
        return _code_exhausted()
    return ApplicationError(
        _("The code is wrong. Tries left for this code: %(n)s.") % {"n": left},
        code="code_wrong",
        extra={"tries_left": left},
    )


def _code_exhausted() -> ApplicationError:
    return ApplicationError(
        _("Too many wrong codes. Send a new code to try again."),
        code="code_exhausted",
        extra={"tries_left": 0},
    )
