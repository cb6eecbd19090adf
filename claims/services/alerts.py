"""Alerts for the claims officers: an ERROR log line and an email to each of them."""

import logging
import smtplib

from django.contrib.auth import get_user_model
from django.core.mail import send_mail

logger = logging.getLogger(__name__)
ALERTED_GROUPS = ("claims_officer", "admin")


def officers_alert(*, subject: str, body: str) -> int:
    """Tell the claims officers (log + email); returns how many were emailed."""
    logger.error("officer alert: %s: %s", subject, body)
    emails = sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=ALERTED_GROUPS)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not emails:
        return 0
    try:
        send_mail(f"[JMO Portal] {subject}", body, None, emails)
    except (OSError, smtplib.SMTPException):
        logger.exception("officer alert not emailed: %s", subject)
        return 0
    return len(emails)


# Claims supervisors: the portal admins (the role that holds every desk role).
SUPERVISOR_GROUPS = ("admin",)


def supervisors_alert(*, subject: str, body: str) -> int:
    """Tell the supervisors (log + email); returns how many were emailed."""
    logger.warning("supervisor alert: %s", subject)
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    emails = sorted(
        set(
            users.filter(groups__name__in=SUPERVISOR_GROUPS).values_list(
                "email", flat=True
            )
        )
        | set(users.filter(is_superuser=True).values_list("email", flat=True))
    )
    if not emails:
        return 0
    try:
        send_mail(f"[JMO Portal] {subject}", body, None, emails)
    except (OSError, smtplib.SMTPException):
        logger.exception("supervisor alert not emailed: %s", subject)
        return 0
    return len(emails)
