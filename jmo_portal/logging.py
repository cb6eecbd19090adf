import logging
import re

# NIKs (16 digits), bank accounts and KPJ numbers are long digit runs: keep only
# the last four digits of any run of 8 or more, whatever logger wrote it.
_MIN_RUN = re.compile(r"\b\d{8,}\b")


def redact(text: str) -> str:
    return _MIN_RUN.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
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
