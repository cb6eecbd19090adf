"""The data update (pengkinian data): the profile it fills, its runs and their history.

Rule (JHT_RULES.md, "The online channel"): the claim's "data updated" tick is a
confirmed data update younger than the policy's revalidation period. It is earned
online (membership check, biometric selfie, phone code, contact, population and
emergency data, confirm) or at a desk (documents seen, identity corrections).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jmo_portal.fields import one_open, staff_link

from .models import OneTimeCode, Participant
from .validators import validate_kk, validate_phone, validate_postal_code


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Not married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class EmergencyRelation(models.TextChoices):
    SPOUSE = "spouse", _("Husband or wife")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other family or friend")


class ParticipantProfile(models.Model):
    """Contact, population and emergency data beyond the registry record."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    address = models.CharField(max_length=300, blank=True)
    postal_code = models.CharField(
        max_length=5, blank=True, validators=[validate_postal_code]
    )
    kk_number = models.CharField(max_length=16, blank=True, validators=[validate_kk])
    mother_maiden_name = models.CharField(max_length=200, blank=True)
    marital_status = models.CharField(
        max_length=16, choices=MaritalStatus.choices, blank=True
    )
    emergency_name = models.CharField(max_length=200, blank=True)
    emergency_relation = models.CharField(
        max_length=16, choices=EmergencyRelation.choices, blank=True
    )
    emergency_phone = models.CharField(
        max_length=20, blank=True, validators=[validate_phone]
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.participant_id}"


class DataUpdateChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At a front-office desk")


class DataUpdate(OneTimeCode):
    """One run of the data update; the one-time code fields verify the phone.

    Each section's time is set when that section is done in this run; the
    confirmation copies to `Participant.profile_confirmed_at` (the claim tick).
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="data_updates"
    )
    channel = models.CharField(
        max_length=8, choices=DataUpdateChannel.choices, default="online"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    membership_checked_at = models.DateTimeField(null=True, blank=True)
    biometric_verified_at = models.DateTimeField(null=True, blank=True)
    contact_saved_at = models.DateTimeField(null=True, blank=True)
    population_saved_at = models.DateTimeField(null=True, blank=True)
    emergency_saved_at = models.DateTimeField(null=True, blank=True)
    code_phone = models.CharField(max_length=20, blank=True)
    # A new number typed at the contact step: it becomes the number on file (SMS
    # notices, codes) only once its own SMS code was entered.
    phone_pending = models.CharField(max_length=20, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = staff_link()
    documents_seen = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            one_open(
                "participant", closed_by="confirmed_at", name="one_open_data_update"
            )
        ]

    def __str__(self) -> str:
        return f"Data update {self.pk} of {self.participant_id}"


class ProfileChange(models.Model):
    """One changed field of a participant's data: who, when, old -> new."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="profile_changes"
    )
    field = models.CharField(max_length=64)
    old_value = models.CharField(max_length=300, blank=True)
    new_value = models.CharField(max_length=300, blank=True)
    actor = staff_link()
    channel = models.CharField(max_length=8, choices=DataUpdateChannel.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["participant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.field} of {self.participant_id} at {self.created_at:%Y-%m-%d}"

    # What staff read of the change: a label, identity numbers masked (the
    # stored values keep the facts).
    @property
    def field_label(self) -> str:
        from .changes import field_label

        return field_label(self.field)

    @property
    def old_shown(self) -> str:
        from .changes import value_shown

        return value_shown(self.field, self.old_value)

    @property
    def new_shown(self) -> str:
        from .changes import value_shown

        return value_shown(self.field, self.new_value)
