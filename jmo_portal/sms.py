"""SMS transport behind a small interface, like Django's mail backends.

The console backend is the default (development, tests); a gateway backend is
chosen with the SMS_BACKEND setting. Every app may send through `sms_send`.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from jmo_portal.logging import redact

logger = logging.getLogger(__name__)


class ConsoleSmsBackend:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        logger.info("SMS to %s: %s", redact(phone), text)


def sms_backend() -> ConsoleSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, phone: str, text: str) -> None:
    sms_backend().send(phone, text)
