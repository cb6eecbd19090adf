from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Participant


class Notification(models.Model):
    """One message to a participant: shown in the in-app inbox, sent by email/SMS.

    `key` is unique, so a retried task or a repeated event never makes a second
    notification for the same thing.
    """

    class Channel(models.TextChoices):
        INBOX = "inbox", _("In-app only")
        EMAIL = "email", _("Email")
        EMAIL_SMS = "email_sms", _("Email and SMS")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="notifications"
    )
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

    def __str__(self) -> str:
        return self.title
