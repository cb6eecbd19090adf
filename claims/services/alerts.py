"""Alerts for the claims officers: an ERROR log line and an email to each of them.

Each email is a notification row written in the caller's transaction and
delivered by the notifications worker: a mail server that is down delays it
until the sweep finds the server back, it is never dropped.
"""

import logging

from django.contrib.auth import get_user_model
from django.db.models import Q

from notifications.services import notification_email

logger = logging.getLogger(__name__)
ALERTED_GROUPS = ("claims_officer", "admin")
# Claims supervisors: the portal admins (the role that holds every desk role).
SUPERVISOR_GROUPS = ("admin",)


def officers_alert(*, key: str, subject: str, body: str) -> int:
    """Tell the claims officers (log + email) once per `key`; returns how many."""
    logger.error("officer alert: %s: %s", subject, body)
    users = get_user_model().objects.filter(groups__name__in=ALERTED_GROUPS)
    return _email(users, key=key, kind="officer_alert", subject=subject, body=body)


def supervisors_alert(*, key: str, subject: str, body: str) -> int:
    """Tell the supervisors (log + email) once per `key`; returns how many."""
    logger.warning("supervisor alert: %s", subject)
    users = get_user_model().objects.filter(
        Q(groups__name__in=SUPERVISOR_GROUPS) | Q(is_superuser=True)
    )
    return _email(users, key=key, kind="supervisor_alert", subject=subject, body=body)


def _email(users, *, key: str, kind: str, subject: str, body: str) -> int:
    emails = set(
        users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )
    for email in sorted(emails):
        notification_email(
            email=email, key=key, kind=kind, title=f"[JMO Portal] {subject}", body=body
        )
    return len(emails)
