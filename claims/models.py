"""JHT claims: policy rows, the claim and its timeline, documents and payouts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jmo_portal.fields import one_open, staff_link
from jmo_portal.i18n import stored_text
from jmo_portal.masking import mask_digits
from participants.models import Participant, PolicySingleton

from . import types as claim_types

# The choices come from the table of claim-type rules (claims/types.py): one
# member per entry, named after its code (ClaimType.RESIGN == "resign").
ClaimType = models.TextChoices(
    "ClaimType",
    [(rule.code.upper(), (rule.code, rule.label)) for rule in claim_types.TYPES],
    module=__name__,
)


PARTIAL_TYPES = claim_types.partial_codes()


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAYOUT_PENDING = "payout_pending", _("Payout sent to the bank")
    PAID = "paid", _("Paid")
    PAYOUT_FAILED = "payout_failed", _("Payout failed")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned for correction")
    APPEALED = "appealed", _("Appeal under review")


# A participant has at most one claim in these states (partial unique index).
ACTIVE_STATUSES = (
    ClaimStatus.DRAFT,
    ClaimStatus.SUBMITTED,
    ClaimStatus.UNDER_REVIEW,
    ClaimStatus.APPROVED,
    ClaimStatus.PAYOUT_PENDING,
    ClaimStatus.PAYOUT_FAILED,
    ClaimStatus.RETURNED,
    ClaimStatus.APPEALED,
)
# A member may cancel while no money is on its way (JHT_RULES.md, "Payout").
CANCELLABLE_STATUSES = (
    ClaimStatus.DRAFT,
    ClaimStatus.UNDER_REVIEW,
    ClaimStatus.RETURNED,
    ClaimStatus.APPEALED,
    ClaimStatus.PAYOUT_FAILED,
)


class ClaimPolicy(PolicySingleton):
    """Singleton (pk=1): the claim numbers an admin may change. Policy."""

    online_cap = models.BigIntegerField(
        default=15_000_000, help_text=_("Largest balance claimed online, in rupiah.")
    )
    sla_days_online = models.PositiveSmallIntegerField(default=1)
    sla_days_review = models.PositiveSmallIntegerField(default=5)
    waiting_months_resign = models.PositiveSmallIntegerField(default=1)
    waiting_months_termination = models.PositiveSmallIntegerField(default=1)
    waiting_months_contract_end = models.PositiveSmallIntegerField(default=1)
    retirement_age = models.PositiveSmallIntegerField(default=56)
    partial_min_years = models.PositiveSmallIntegerField(default=10)
    npwp_required_above = models.BigIntegerField(default=50_000_000)
    no_npwp_surcharge_pct = models.PositiveSmallIntegerField(default=20)
    bank_cooling_hours = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Hours a payout waits after the bank account was changed."),
    )
    four_eyes_above = models.BigIntegerField(
        default=50_000_000,
        help_text=_(
            "Claims with a gross amount above this need a second, different "
            "officer to approve (0 = always one officer)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim policy")
        verbose_name_plural = _("claim policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(four_eyes_above__gte=0), name="four_eyes_not_negative"
            )
        ]

    def __str__(self) -> str:
        return str(_("Claim policy"))


class DocumentRequirement(models.Model):
    """One document a claim type needs above the online cap. Policy."""

    claim_type = models.CharField(max_length=16, choices=ClaimType.choices)
    kind = models.SlugField(max_length=40)
    label = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim_type", "order", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim_type", "kind"], name="one_requirement_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_type}: {self.label}"


class TaxRegime(models.TextChoices):
    LUMP_SUM = "lump_sum", _("Lump sum (final)")
    PROGRESSIVE = "progressive", _("Progressive")


class TaxBracket(models.Model):
    """A layer of PPh 21 on JHT: `rate_bp` applies between lower and upper. Policy."""

    regime = models.CharField(max_length=16, choices=TaxRegime.choices)
    lower = models.BigIntegerField()
    upper = models.BigIntegerField(null=True, blank=True)
    rate_bp = models.PositiveIntegerField(help_text=_("Basis points: 500 = 5%"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["regime", "lower"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "lower"], name="one_bracket_per_lower"
            ),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gt=models.F("lower")),
                name="bracket_upper_above_lower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime} {self.lower}-{self.upper or '∞'} {self.rate_bp}bp"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online (automatic approval)")
    REVIEW = "review", _("Officer review")


class ClaimQuerySet(models.QuerySet):
    def active(self) -> "ClaimQuerySet":
        return self.filter(status__in=ACTIVE_STATUSES)

    def for_participant(self, participant: Participant) -> "ClaimQuerySet":
        return self.filter(participant=participant)


class Claim(models.Model):
    """A JHT claim; its status only changes through claims.services.claim_transition."""

    reference = models.CharField(max_length=20, unique=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="claims"
    )
    claim_type = models.CharField(max_length=16, choices=ClaimType.choices)
    status = models.CharField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The document list in force when the claim started (requirements never grow).
    requirements = models.JSONField(default=list, blank=True)
    balance_at_start = models.BigIntegerField()
    gross = models.BigIntegerField(null=True, blank=True)
    tax = models.BigIntegerField(null=True, blank=True)
    net = models.BigIntegerField(null=True, blank=True)
    tax_regime = models.CharField(max_length=16, blank=True)
    kpj_verified_at = models.DateTimeField(null=True, blank=True)
    bank_code = models.CharField(max_length=16, blank=True)
    account_number = models.CharField(max_length=24, blank=True)
    account_holder = models.CharField(max_length=120, blank=True)
    bank_verified_name = models.CharField(max_length=120, blank=True)
    bank_verified_at = models.DateTimeField(null=True, blank=True)
    # When a verified account was replaced after submission: the payout waits
    # the policy's cooling period from this moment.
    bank_changed_at = models.DateTimeField(null=True, blank=True)
    npwp = models.CharField(max_length=20, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sla_due = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = staff_link()
    decision_note = models.TextField(blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Each return for correction and the appeal start a new review round: first
    # approvals (four eyes) count only within the round they were given in.
    review_round = models.PositiveSmallIntegerField(default=0)
    # The promised date a supervisor was alerted about (once per breach).
    sla_alerted_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_claim_per_participant",
            ),
            models.CheckConstraint(
                condition=Q(gross__isnull=True) | Q(gross__gte=0),
                name="claim_gross_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("claims:detail", args=[self.reference])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def promise_shown(self) -> bool:
        """A promised date means nothing once the claim is cancelled or rejected."""
        return self.sla_due is not None and self.status not in (
            ClaimStatus.CANCELLED,
            ClaimStatus.REJECTED,
        )

    @property
    def account_masked(self) -> str:
        return mask_digits(self.account_number, fill="•")


class ClaimEvent(models.Model):
    """One step of the timeline: who moved the claim from which status to which."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=ClaimStatus.choices)
    actor = staff_link()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status}"

    # The statuses as the reader's language calls them (an unknown code as it is).
    @property
    def from_status_label(self) -> str:
        return status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return status_label(self.to_status)

    @property
    def note_text(self) -> str:
        """The note in the active language: the portal's own notes are stored as
        msgids; an officer's own words stay as typed."""
        return stored_text(self.note)


def status_label(code: str) -> str:
    """'under_review' -> 'Under review' (translated); '' -> ''; else the code."""
    return str(ClaimStatus(code).label) if code in ClaimStatus.values else code


def tax_regime_label(code: str) -> str:
    """'lump_sum' -> 'Lump sum (final)' (translated); else the code."""
    return str(TaxRegime(code).label) if code in TaxRegime.values else code


def _document_path(instance: "ClaimDocument", filename: str) -> str:
    return f"claims/{instance.claim.reference}/{filename}"


class ClaimDocument(models.Model):
    """An uploaded document (private media, streamed after an access check)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.SlugField(max_length=40)
    file = models.FileField(upload_to=_document_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "kind"], name="one_document_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind}"


class PayoutStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending to the bank")
    PENDING = "pending", _("Accepted by the bank")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class Payout(models.Model):
    """One transfer order. `idempotency_key` goes to the bank as Idempotency-Key.

    The first payout of a claim uses the claim reference; a re-send after a FAILED
    transfer (account fixed) gets `<reference>-R<n>`: the bank never moved money
    for the failed one, and at most one payout of a claim is open at a time.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payouts")
    idempotency_key = models.CharField(max_length=40, unique=True)
    amount = models.BigIntegerField()
    bank_code = models.CharField(max_length=16)
    account_number = models.CharField(max_length=24)
    account_holder = models.CharField(max_length=120)
    status = models.CharField(
        max_length=12, choices=PayoutStatus.choices, default=PayoutStatus.QUEUED
    )
    bank_id = models.CharField(max_length=64, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)
    # Times a beat sweep sent or polled it again; officers are alerted once at N.
    sweeps = models.PositiveIntegerField(default=0)
    alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    # What the participant reads (in their language) when the bank refuses.
    FAILURE_REASONS = {
        "ACCOUNT_CLOSED": _("the account is closed"),
        "NAME_MISMATCH": _("the account holder's name does not match yours"),
        "INVALID_ACCOUNT": _("the account number does not exist at this bank"),
    }

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=~Q(status="failed"),
                name="one_open_payout_per_claim",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payout_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.status}"

    @property
    def failure_reason(self):
        return self.FAILURE_REASONS.get(
            self.failure_code, _("the bank refused the transfer")
        )


class ClaimApproval(models.Model):
    """A first approval waiting for a second officer (four-eyes rule)."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="desk_approvals"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    round = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "officer", "round"],
                name="one_approval_per_officer_and_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} approved by {self.officer_id}"


class ClaimCorrection(models.Model):
    """An officer returned the claim: what the member must fix, and why.

    `fields` holds `bank_account` and/or document kinds of the claim's own
    requirement snapshot; nothing else can be asked for.
    """

    BANK_ACCOUNT = "bank_account"

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="corrections"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    fields = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_open(
                "claim", closed_by="resolved_at", name="one_open_correction_per_claim"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} returned: {', '.join(self.fields)}"


class AppealOutcome(models.TextChoices):
    PENDING = "", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ClaimAppeal(models.Model):
    """The member's one appeal against a rejection, decided by another officer."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="appeal")
    reason = models.TextField()
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        max_length=10, choices=AppealOutcome.choices, blank=True, default=""
    )
    decided_by = staff_link()
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"appeal of {self.claim_id}"
