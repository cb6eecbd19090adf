import logging
import re

from jmo_portal.masking import mask_digits

# NIKs (16 digits), bank accounts and KPJ numbers are long digit runs: keep only
# the last four digits of any run of 8 or more, whatever logger wrote it.
_MIN_RUN = re.compile(r"\b\d{8,}\b")


def redact(text: str) -> str:
    return _MIN_RUN.sub(lambda m: mask_digits(m.group()), text)


# What a LogRecord holds before any `extra=`: everything else was added by the
# caller (Django's request logging adds `request`, whose repr holds the query
# string: a desk search by NIK) and is written out by the JSON formatter.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class RedactPersonalData(logging.Filter):
    """Mask long digit runs in everything a log line can carry: the message, the
    extra fields (as text) and the traceback. Before, only the message was masked:
    a 403 on `/desk/?q=<NIK>` wrote the NIK in full in the `request` field."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and not isinstance(value, int | float | bool):
                setattr(record, name, redact(str(value)))
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(
                record.exc_info
            )
            record.exc_info = None
            record.exc_text = redact(text)
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time, level, logger, message, request_id."""
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
        rename_fields={"levelname": "level", "correlation_id": "request_id"},
    )


def celery_handlers_configure(logger: logging.Logger) -> None:
    """Give the handlers Celery set up in a worker the portal's filters and format."""
    from django.conf import settings
    from django_guid.log_filters import CorrelationId

    for handler in logger.handlers:
        handler.addFilter(RedactPersonalData())
        handler.addFilter(CorrelationId())
        if settings.LOG_JSON:
            handler.setFormatter(json_formatter())
