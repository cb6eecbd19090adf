from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.models import Participant


class Notification(models.Model):
    """One message to a participant: shown in the in-app inbox, sent by email/SMS.

    `key` is unique, so a retried task or a repeated event never makes a second
    notification for the same thing. One with an `email` goes by email to that
    address only (a replaced contact, a staff member) and is no inbox message.
    """

    class Channel(models.TextChoices):
        INBOX = "inbox", _("In-app only")
        EMAIL = "email", _("Email")
        EMAIL_SMS = "email_sms", _("Email and SMS")

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    email = models.EmailField(blank=True)
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["participant", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(participant__isnull=False) | ~Q(email=""),
                name="notification_has_a_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SmsMessage(models.Model):
    """One SMS through the gateway; `reference` is its Idempotency-Key there.

    Queued -> accepted by the gateway -> delivered or failed (its delivery report,
    by callback or by the sweep's poll); the first final status wins.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        ACCEPTED = "accepted", _("Accepted by the gateway")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="sms_messages"
    )
    reference = models.CharField(max_length=64, unique=True)
    phone = models.CharField(max_length=20)
    text = models.CharField(max_length=480)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    gateway_id = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sweeps = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.status}"
