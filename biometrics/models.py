from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jmo_portal.fields import staff_link
from jmo_portal.i18n import stored_text
from participants.models import Participant, PolicySingleton

# Chosen by `manage.py evaluate_faces` on the dev set (README, "Face matching"): the
# largest threshold at which a look-alike (SE/East-Asian) impostor gets through in
# 5 tries at most 1% of the time, with jittered references and descriptor directions
# compared (faces.DESCRIPTOR_LENGTH; 0.415 before them). face_recognition's 0.6
# accepts ~26% of look-alike pairs on one try.
DEFAULT_MATCH_THRESHOLD = Decimal("0.430")


class BiometricPolicy(PolicySingleton):
    """Singleton (pk=1): attempt limit, match threshold, quality and image limits."""

    max_attempts = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Failed face comparisons before the participant is blocked."),
    )
    match_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_MATCH_THRESHOLD,
        validators=[
            MinValueValidator(Decimal("0.300")),
            MaxValueValidator(Decimal("0.650")),
        ],
        help_text=_("Largest face distance accepted as the same person."),
    )
    min_face_ratio = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(Decimal("0.02")), MaxValueValidator(1)],
        help_text=_("Face height as a share of the photo height, at least."),
    )
    min_brightness = models.PositiveSmallIntegerField(
        default=60,
        validators=[MaxValueValidator(255)],
        help_text=_("Mean brightness of the face (0-255), at least."),
    )
    max_brightness = models.PositiveSmallIntegerField(
        default=215,
        validators=[MaxValueValidator(255)],
        help_text=_("Mean brightness of the face (0-255), at most."),
    )
    min_sharpness = models.PositiveIntegerField(
        default=12,
        help_text=_("Variance of the Laplacian of the face at 128 px, at least."),
    )
    max_upload_bytes = models.PositiveIntegerField(
        default=12 * 1024 * 1024,
        validators=[MinValueValidator(64 * 1024)],
    )
    max_pixels = models.PositiveIntegerField(
        default=50_000_000,
        validators=[MinValueValidator(100_000), MaxValueValidator(150_000_000)],
        help_text=_("Largest width x height decoded; larger files are refused."),
    )
    retention_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days a selfie image is kept; distances and findings stay."),
    )
    liveness_required = models.BooleanField(
        default=False,
        help_text=_(
            "Selfies are a short camera burst answering a challenge (turn the head); "
            "a photo file upload is then refused."
        ),
    )
    liveness_blink = models.BooleanField(
        default=False,
        help_text=_("The challenge also asks for a blink."),
    )
    not_live_counts = models.BooleanField(
        default=True,
        help_text=_(
            "A result 'not live' (a photo held up to the camera) uses an attempt."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("biometric policy")
        verbose_name_plural = _("biometric policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1) & Q(max_attempts__lte=10),
                name="biometric_max_attempts_1_10",
            ),
            models.CheckConstraint(
                condition=Q(min_brightness__lt=models.F("max_brightness")),
                name="biometric_brightness_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Biometric policy"))

    @property
    def quality_limits(self) -> dict:
        """The photo-quality limits, as faces.face_analyse takes them."""
        return {
            "min_face_ratio": float(self.min_face_ratio),
            "min_brightness": self.min_brightness,
            "max_brightness": self.max_brightness,
            "min_sharpness": float(self.min_sharpness),
        }


class FaceReferenceSource(models.TextChoices):
    REGISTRY = "registry", _("Registry photo")
    DESK = "desk", _("Re-taken at the desk")
    DEMO = "demo", _("Demo world")
    SELFIE = "selfie", _("Matched selfie after a desk check")


def _reference_path(instance: "FaceReference", filename: str) -> str:
    return f"biometrics/references/{instance.participant_id}/{filename}"


def _selfie_path(instance: "SelfieAttempt", filename: str) -> str:
    return f"biometrics/selfies/{instance.participant_id}/{filename}"


class FaceReference(models.Model):
    """A reference encoding (128 floats) of a participant's face; photo is private."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="face_references"
    )
    encoding = models.JSONField(help_text="128 floats from face_recognition")
    source = models.CharField(max_length=16, choices=FaceReferenceSource.choices)
    photo = models.FileField(upload_to=_reference_path, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    created_by = staff_link(models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} reference of {self.participant_id}"


class SelfieStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Checking")
    MATCHED = "matched", _("Matched")
    NOT_MATCHED = "not_matched", _("Not matched")
    REJECTED_QUALITY = "rejected_quality", _("Photo not usable")
    ERROR = "error", _("Error")
    NOT_LIVE = "not_live", _("Not a live person")
    RETRY = "retry", _("Try the challenge again")


class SelfieAttemptQuerySet(models.QuerySet):
    def for_participant(self, participant: Participant) -> "SelfieAttemptQuerySet":
        return self.filter(participant=participant)

    def pending(self) -> "SelfieAttemptQuerySet":
        return self.filter(status__in=SelfieAttempt.PENDING)


class SelfieAttempt(models.Model):
    """One uploaded selfie and its outcome. The image is purged after retention."""

    PENDING = (SelfieStatus.QUEUED, SelfieStatus.PROCESSING)
    FINAL = (
        SelfieStatus.MATCHED,
        SelfieStatus.NOT_MATCHED,
        SelfieStatus.REJECTED_QUALITY,
        SelfieStatus.ERROR,
        SelfieStatus.NOT_LIVE,
        SelfieStatus.RETRY,
    )

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="selfie_attempts"
    )
    status = models.CharField(
        max_length=20, choices=SelfieStatus.choices, default=SelfieStatus.QUEUED
    )
    counted = models.BooleanField(
        default=False, help_text=_("Used up one of the allowed attempts.")
    )
    distance = models.FloatField(null=True, blank=True)
    threshold_used = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True
    )
    # Each finding's message and the guidance are English source texts (msgids),
    # translated when shown: the member and the desk may read different languages.
    quality_findings = models.JSONField(default=list, blank=True)
    guidance = models.CharField(max_length=300, blank=True)
    guidance_params = models.JSONField(default=dict, blank=True)
    image = models.FileField(upload_to=_selfie_path, null=True, blank=True)
    image_sha256 = models.CharField(max_length=64, db_index=True)
    image_purged_at = models.DateTimeField(null=True, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    timings = models.JSONField(
        default=dict, blank=True, help_text="milliseconds per step"
    )
    challenge = models.OneToOneField(
        "LivenessChallenge",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attempt",
    )
    frames = models.JSONField(
        default=list, blank=True, help_text="storage names of the liveness frames"
    )
    frame_times_ms = models.JSONField(default=list, blank=True)
    liveness = models.JSONField(
        default=dict, blank=True, help_text="staff only: outcome, reason, measures"
    )
    dispatch_count = models.PositiveSmallIntegerField(default=0)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SelfieAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(counted=False) | Q(status__in=["not_matched", "not_live"]),
                name="only_failures_are_counted",
            ),
            # The same photo is checked once (a retry after our own error aside).
            models.UniqueConstraint(
                fields=["participant", "image_sha256"],
                condition=~Q(status="error"),
                name="one_live_attempt_per_photo",
            ),
        ]

    def __str__(self) -> str:
        return f"selfie {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("biometrics:attempt", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def guidance_text(self) -> str:
        """The retry instruction in the active language."""
        return stored_text(self.guidance, self.guidance_params)

    @property
    def finding_texts(self) -> list[str]:
        """The quality findings in the active language (a finding stored without
        its text by its code); the measurements are not a finding."""
        return [
            stored_text(f["message"]) if f.get("message") else f["code"]
            for f in self.quality_findings
            if f["code"] != "metrics"
        ]

    @property
    def liveness_reason(self) -> str:
        """Why the camera check refused this attempt, for staff ("" if it did not).

        A `retry` for the picture itself (no face, too dark...) shows the
        instruction the member was given."""
        if self.status not in (SelfieStatus.NOT_LIVE, SelfieStatus.RETRY):
            return ""
        reason = (self.liveness or {}).get("reason", "")
        labels = {
            "flat": _("the face showed no depth: a photo or a screen?"),
            "different_faces": _("another face in some frames"),
            "no_turn": _("no head turn"),
            "unsteady": _("unsteady frames"),
            "no_blink": _("no blink"),
        }
        return str(labels[reason]) if reason in labels else self.guidance_text


class LivenessChallenge(models.Model):
    """A one-time nonce with the steps asked; expires after 2 minutes, used once."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="liveness_challenges"
    )
    nonce = models.CharField(max_length=64, unique=True)
    # Which login asked (an HMAC of its page session or API token): the frames must
    # come from the same one.
    session = models.CharField(max_length=64, blank=True, default="")
    steps = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"challenge {self.pk} ({', '.join(self.steps)})"


class CalibrationRun(models.Model):
    """Distances measured by `evaluate_faces` on a folder of people; feeds `tradeoff`."""

    dataset = models.CharField(max_length=300)
    people = models.PositiveIntegerField(default=0)
    photos = models.PositiveIntegerField(default=0)
    genuine_distances = models.JSONField(default=list, blank=True)
    impostor_distances = models.JSONField(default=list, blank=True)
    lookalike_distances = models.JSONField(
        default=list,
        blank=True,
        help_text="Impostor pairs within the hard (look-alike) slice.",
    )
    lookalike_label = models.CharField(max_length=100, blank=True)
    summary = models.JSONField(
        default=list, blank=True, help_text="One row per threshold."
    )
    timings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.created_at:%Y-%m-%d %H:%M})"


class LivenessRun(models.Model):
    """Outcomes counted by `evaluate_liveness` on a folder of people (no photos, no
    landmarks): the policy page's preview shows what liveness costs genuine members."""

    dataset = models.CharField(max_length=300)
    seed = models.IntegerField(null=True, blank=True)
    genuine = models.PositiveIntegerField(help_text="Genuine head-turn sequences.")
    genuine_not_live = models.PositiveIntegerField(default=0)
    genuine_retry = models.PositiveIntegerField(default=0)
    attacks = models.PositiveIntegerField(help_text="Photo attack sequences.")
    attacks_live = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    genuine_not_live__lte=models.F("genuine")
                    - models.F("genuine_retry")
                )
                & Q(attacks_live__lte=models.F("attacks")),
                name="liveness_run_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.created_at:%Y-%m-%d %H:%M})"


class GuidanceItem(models.Model):
    """One pre-selfie instruction with a pictogram; content an admin edits."""

    class Icon(models.TextChoices):
        NO_GLASSES = "no-glasses", _("No glasses")
        NO_LENSES = "no-lenses", _("No contact lenses")
        NO_HAT = "no-hat", _("No hat or mask")
        LIGHT = "light", _("Face the light")
        STILL = "still", _("Hold still")
        FRAME = "frame", _("Face inside the frame")

    order = models.PositiveSmallIntegerField(default=0)
    icon = models.CharField(max_length=20, choices=Icon.choices)
    title_id = models.CharField(max_length=120)
    title_en = models.CharField(max_length=120)
    text_id = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return (
            self.title_en
            if (get_language() or "id").startswith("en")
            else self.title_id
        )

    @property
    def text(self) -> str:
        return (
            self.text_en if (get_language() or "id").startswith("en") else self.text_id
        )

    @property
    def icon_path(self) -> str:
        return f"biometrics/img/{self.icon}.svg"
