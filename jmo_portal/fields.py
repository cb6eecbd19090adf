"""Model declarations several apps repeat: who did it, and "one open row per owner"."""

from django.conf import settings
from django.db import models
from django.db.models import Q


def staff_link(on_delete=models.PROTECT) -> models.ForeignKey:
    """The user who did something, if any; no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name="+",
    )


def one_open(owner: str, *, closed_by: str, name: str) -> models.UniqueConstraint:
    """At most one row per `owner` whose `closed_by` date is still empty."""
    return models.UniqueConstraint(
        fields=[owner], condition=Q(**{f"{closed_by}__isnull": True}), name=name
    )
