"""SMS transport behind a small interface, like Django's mail backends.

The console backend is the default (development, tests); the gateway backend is
chosen with the SMS_BACKEND setting. Every app may send through `sms_send`.

The gateway contract (modelled on Indonesian SMS APIs, like the bank's):
`POST {SMS_API_URL}/messages` with headers `X-API-Key` and `Idempotency-Key` and
JSON `{to, text, reference, callback_url}` answers `{id, reference, status:
"ACCEPTED"|"DELIVERED"|"FAILED", error_code}`; a repeated key returns the first
message, never a second SMS. `GET /messages?reference=` lists them. The gateway
reports delivery by `POST {callback_url}` with `{id, reference, status,
error_code}` and the header `X-Callback-Token` (SMS_CALLBACK_TOKEN).
"""

import itertools
import logging
import uuid

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from jmo_portal.gateway import (
    answer_json,
    described,
    never_sent,
    refusal,
    request_within,
)
from jmo_portal.logging import redact

logger = logging.getLogger(__name__)
ACCEPTED, DELIVERED, FAILED = "ACCEPTED", "DELIVERED", "FAILED"


class SmsError(Exception):
    """The gateway refused the message for good (4xx): sending it again won't help."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class SmsTransientError(Exception):
    """Timeout, cut connection, 5xx or no readable answer: the same message may be
    sent again (the Idempotency-Key keeps it one SMS)."""


class SmsNotSent(SmsTransientError):
    """No connection to the gateway was made: the message surely did not go."""


class ConsoleSmsBackend:
    """Logs the message and keeps it in `sent` (tests read the codes there)."""

    sent: list[tuple[str, str]] = []
    _ids = itertools.count(1)

    def send(self, phone: str, text: str, reference: str = "") -> dict:
        self.sent.append((phone, text))
        logger.info("SMS to %s: %s", redact(phone), text)
        return {"id": f"console-{next(self._ids)}", "reference": reference,
                "status": DELIVERED, "error_code": ""}  # fmt: skip

    def lookup(self, reference: str) -> dict | None:
        return None


class HttpSmsBackend:
    """The SMS gateway over HTTP (SMS_API_URL); never call inside atomic()."""

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-API-Key": settings.SMS_API_KEY, **kwargs.pop("headers", {})}
        url = settings.SMS_API_URL.rstrip("/") + path
        try:
            response = request_within(
                method, url, headers=headers, timeout=(3.05, settings.SMS_TIMEOUT),
                **kwargs,
            )  # fmt: skip
        except requests.RequestException as exc:  # also a body cut short
            error = SmsNotSent if never_sent(exc) else SmsTransientError
            raise error(f"{method} {path}: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise SmsTransientError(f"{method} {path}: HTTP {response.status_code}")
        return response

    def send(self, phone: str, text: str, reference: str = "") -> dict:
        reference = reference or f"adhoc-{uuid.uuid4().hex}"
        callback = settings.SITE_URL.rstrip("/") + reverse("notifications:sms-report")
        response = self._request(
            "POST", "/messages", headers={"Idempotency-Key": reference},
            json={"to": phone, "text": text, "reference": reference,
                  "callback_url": callback},
        )  # fmt: skip
        if response.status_code not in (200, 201):
            # Only the gateway's own refusal fails the message for good.
            body = refusal(response, {400, 422})
            if body is None:
                raise SmsTransientError(described(response, "not a refusal"))
            raise SmsError(
                body.get("message", f"HTTP {response.status_code}"),
                code=body["error_code"],
            )
        answer = answer_json(response, dict)
        if answer is None:
            raise SmsTransientError(described(response, "unreadable answer"))
        logger.info("SMS %s to %s accepted by the gateway", reference, redact(phone))
        return answer

    def lookup(self, reference: str) -> dict | None:
        """The gateway's record of a message; None when it never arrived there."""
        response = self._request("GET", "/messages", params={"reference": reference})
        if response.status_code != 200:
            raise SmsTransientError(f"GET /messages: HTTP {response.status_code}")
        found = answer_json(response, list)
        if found is None or not all(isinstance(row, dict) for row in found):
            raise SmsTransientError(described(response, "unreadable answer"))
        return found[0] if found else None


def sms_backend() -> ConsoleSmsBackend | HttpSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, phone: str, text: str, reference: str = "") -> dict:
    return sms_backend().send(phone, text, reference)
