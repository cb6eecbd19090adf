import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jmo_portal.i18n import stored_text
from jmo_portal.masking import mask_digits
from jmo_portal.policy_cache import policy_changed, policy_read

from .validators import validate_kpj, validate_nik


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Employer(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class ParticipantQuerySet(models.QuerySet):
    def search(self, q: str) -> "ParticipantQuerySet":
        q = q.strip()
        if q.isdigit() and len(q) == 16:
            return self.filter(nik=q)
        if q.isdigit() and len(q) == 11:
            return self.filter(kpj=q)
        return self.filter(full_name__icontains=q)


class Participant(models.Model):
    """A registry member (peserta); `user` is set once the account is activated.

    The balance fields are a maintained ledger: every contribution, yield posting
    and payout updates them in the same transaction (participants.services.ledger).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    nik = models.CharField(max_length=16, unique=True, validators=[validate_nik])
    kpj = models.CharField(max_length=11, unique=True, validators=[validate_kpj])
    full_name = models.CharField(max_length=200)
    birth_date = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=5, default="id")
    npwp = models.CharField(max_length=20, blank=True)
    membership_start = models.DateField(null=True, blank=True)
    balance = models.BigIntegerField(default=0)
    contributions_total = models.BigIntegerField(default=0)
    yield_total = models.BigIntegerField(default=0)
    paid_out_total = models.BigIntegerField(default=0)
    balance_as_of = models.DateField(null=True, blank=True)
    profile_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The member's channels besides the in-app inbox (always on).
    notify_email = models.BooleanField(default=True)
    notify_sms = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="balance_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} (KPJ {self.kpj})"

    @property
    def nik_masked(self) -> str:
        return mask_digits(self.nik)

    @property
    def kpj_masked(self) -> str:
        return mask_digits(self.kpj)


class Employment(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="employments"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="employment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.participant_id} @ {self.employer_id} {self.start}–{self.end or ''}"
        )


class Contribution(models.Model):
    """One month of JHT: 2% of the wage from the worker, 3.7% from the employer."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="contributions"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT)
    period = models.DateField(help_text="First day of the month")
    wage = models.BigIntegerField()
    worker_share = models.BigIntegerField()
    employer_share = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "period"], name="one_contribution_per_month"
            ),
            models.CheckConstraint(condition=Q(wage__gt=0), name="wage_positive"),
        ]
        indexes = [models.Index(fields=["participant", "-period"])]

    @property
    def amount(self) -> int:
        return self.worker_share + self.employer_share


class YieldRate(models.Model):
    """The development yield credited for a year, in basis points (600 = 6%). Policy."""

    year = models.PositiveIntegerField(unique=True)
    rate_bp = models.PositiveIntegerField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.year}: {self.rate_bp / 100:.2f}%"


class YieldPosting(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="yield_postings"
    )
    year = models.PositiveIntegerField()
    rate_bp = models.PositiveIntegerField()
    base = models.BigIntegerField()
    amount = models.BigIntegerField()
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "year"], name="one_yield_per_year"
            )
        ]


class YearlyBalance(models.Model):
    """Closing balance per year, maintained with the ledger; feeds the chart."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="yearly_balances"
    )
    year = models.PositiveIntegerField()
    contributions = models.BigIntegerField(default=0)
    yield_amount = models.BigIntegerField(default=0)
    paid_out = models.BigIntegerField(default=0)
    closing_balance = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "year"], name="one_row_per_year"
            )
        ]


class PolicySingleton(models.Model):
    """A policy row (pk=1) an admin edits; `current()` is the one way to read one.

    `current()` reads the row once per process and policy version (see
    jmo_portal.policy_cache): every save, from the services or the admin, makes
    all processes read it again. Each call returns its own copy.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not getattr(self, "_defaults_row", False):
            policy_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        policy_changed()
        return result

    @classmethod
    def _current_values(cls) -> tuple:
        policy = cls.objects.filter(pk=1).first()
        if policy is None:  # the defaults, written down once: not a change
            policy = cls(pk=1)
            policy._defaults_row = True
            try:
                with transaction.atomic():
                    policy.save(force_insert=True)
            except IntegrityError:  # another process wrote it first
                policy = cls.objects.get(pk=1)
        return tuple(getattr(policy, f.attname) for f in cls._meta.concrete_fields)

    @classmethod
    def current(cls):
        values = policy_read(cls._meta.label, cls._current_values)
        names = [f.attname for f in cls._meta.concrete_fields]
        return cls.from_db("default", names, values)


class AccountPolicy(PolicySingleton):
    """Singleton (pk=1): attempt limits for KPJ entry and activation. Policy."""

    kpj_max_attempts = models.PositiveSmallIntegerField(default=3)
    activation_max_attempts = models.PositiveSmallIntegerField(default=3)
    default_yield_rate_bp = models.PositiveIntegerField(default=600)
    otp_valid_minutes = models.PositiveSmallIntegerField(default=10)
    data_revalidation_months = models.PositiveSmallIntegerField(
        default=12,
        help_text=_("Months a confirmed data update stays valid for claims."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "account policy"


class OneTimeCode(models.Model):
    """The fields of a one-time code sent to a person (email or SMS); hash only."""

    code_hash = models.CharField(max_length=128, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class ActivationRequest(OneTimeCode):
    """One activation in progress after the registry match (email code, password).

    The browser session holds only this row's id: no NIK in the session or URL.
    The email code is stored as a keyed hash, never in clear.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="activation_requests"
    )
    email = models.EmailField(blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Activation {self.pk} of {self.participant_id}"


class BlockKind(models.TextChoices):
    BIOMETRIC = "biometric", _("Face verification")
    KPJ = "kpj", _("KPJ number entry")
    ACTIVATION = "activation", _("Account activation")


class AttemptCounter(models.Model):
    """Failed attempts of one kind; reset on success or when the desk unblocks."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attempt_counters"
    )
    kind = models.CharField(max_length=16, choices=BlockKind.choices)
    attempts_used = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind"], name="one_counter_per_kind"
            )
        ]


class FailedAttempt(models.Model):
    """One counted failure (wrong KPJ entry, wrong activation data, unmatched selfie).

    The desk's history of what led to a block; what was typed is not kept.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="failed_attempts"
    )
    kind = models.CharField(max_length=16, choices=BlockKind.choices)
    caused_block = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["participant", "-created_at"])]


class BlockQuerySet(models.QuerySet):
    def active(self) -> "BlockQuerySet":
        return self.filter(lifted_at__isnull=True)


class Block(models.Model):
    """Every kind of lock (biometric, KPJ, activation); only the desk lifts one."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="blocks"
    )
    kind = models.CharField(max_length=16, choices=BlockKind.choices)
    # An English source text (a msgid) and its values, shown in the reader's
    # language (reason_text).
    reason = models.CharField(max_length=300)
    reason_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    lift_reason = models.CharField(max_length=500, blank=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_block_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} block of {self.participant_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def reason_text(self) -> str:
        """Why it was blocked, in the active language."""
        return stored_text(self.reason, self.reason_params)


# What each audit action is called on the staff pages (the `action` codes the
# callers of participants.services.audit.audit_record write). Unknown codes show
# as they are.
AUDIT_ACTION_LABELS = {
    "activate_member": _("Account activated"),
    "claim_first_approval": _("First approval of a claim"),
    "data_update_desk": _("Data update at the desk"),
    "face_reference_create": _("Reference photo taken"),
    "identity_correct": _("Identity data corrected"),
    "logout_everywhere": _("Logged out everywhere"),
    "policy_change": _("Policy changed"),
    "staff_post_set": _("Staff branch set"),
    "staff_role_set": _("Staff role set"),
    "view_selfie": _("Selfie viewed"),
}


def audit_action_label(action: str) -> str:
    """'unblock_kpj' -> 'Unblock: KPJ number entry' (translated); else the code."""
    if action in AUDIT_ACTION_LABELS:
        return str(AUDIT_ACTION_LABELS[action])
    kind = action.removeprefix("unblock_")
    if kind != action and kind in BlockKind.values:
        return str(_("Unblock: %(kind)s") % {"kind": BlockKind(kind).label})
    return action


class AuditRecord(models.Model):
    """Immutable record of a sensitive staff action (unblock, reference change, ...)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=64)
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    old_value = models.JSONField(default=dict, blank=True)
    new_value = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def get_absolute_url(self) -> str:
        return reverse("admin:participants_auditrecord_change", args=[self.pk])

    @property
    def action_label(self) -> str:
        return audit_action_label(self.action)


class CredentialCounter(models.Model):
    """Failed tries of a secret (password, code, reset link) per account or address.

    Written only by `participants.services.credentials` with one atomic upsert, so
    parallel tries never count past the limit. `key` is a keyed hash: no email,
    NIK or IP address in clear.
    """

    kind = models.CharField(max_length=32)
    scope = models.CharField(max_length=8)  # "account" or "address"
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    last_at = models.FloatField(default=0.0)  # epoch seconds of the last failure

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope", "key"], name="credential_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.scope} {self.failures}"


class LoginSession(models.Model):
    """A browser session opened by a login, so "log out everywhere" can end it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class StaffProfile(models.Model):
    """A staff login's own NIK: staff are members too, and never act on themselves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    nik = models.CharField(max_length=16, validators=[validate_nik], db_index=True)

    def __str__(self) -> str:
        return f"staff {self.user_id} ({mask_digits(self.nik)})"


# The data update (pengkinian data) models live beside, in their own module.
from .profile_models import (  # noqa: E402, F401
    DataUpdate,
    DataUpdateChannel,
    EmergencyRelation,
    MaritalStatus,
    ParticipantProfile,
    ProfileChange,
)
