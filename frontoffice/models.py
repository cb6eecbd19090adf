"""Desk data: the staff permissions (on the desk policy) and the walk-in queue."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jmo_portal.fields import staff_link
from participants.models import PolicySingleton


class DeskPolicy(PolicySingleton):
    """Singleton (pk=1): desk numbers an admin may change. Policy.

    Also carries the staff permissions (Meta.permissions) the role groups get.
    """

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("desk policy")
        verbose_name_plural = _("desk policy")
        permissions = [
            ("desk_access", "Use the front-office desk (search, blocks, unblock)"),
            ("claims_review", "Review and decide claims above the online cap"),
            ("policy_edit", "Change portal policies"),
            ("audit_view", "Read the audit log"),
        ]

    def __str__(self) -> str:
        return str(_("Desk policy"))


class VisitReason(models.TextChoices):
    BIOMETRIC = "biometric", _("Face verification unblock")
    KPJ = "kpj", _("KPJ number unblock")
    ACTIVATION = "activation", _("Account activation unblock")
    OTHER = "other", _("Other")


# The letter printed before the number, so the hall can see the queue kind.
REASON_PREFIX = {
    VisitReason.BIOMETRIC: "A",
    VisitReason.KPJ: "B",
    VisitReason.OTHER: "C",
    VisitReason.ACTIVATION: "D",
}


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")


class WalkInTicketQuerySet(models.QuerySet):
    def waiting(self) -> "WalkInTicketQuerySet":
        return self.filter(status=TicketStatus.WAITING)


class WalkInTicket(models.Model):
    """A queue number taken at a branch kiosk ("A-012"), numbered per day."""

    branch = models.CharField(
        max_length=40, validators=[RegexValidator(r"^[a-z0-9-]+$")]
    )
    day = models.DateField()
    prefix = models.CharField(max_length=1)
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=16, choices=VisitReason.choices)
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    called_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    officer = staff_link()

    objects = WalkInTicketQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "day", "prefix", "number"],
                name="one_ticket_number_per_day",
            )
        ]
        indexes = [models.Index(fields=["branch", "day", "status"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.prefix}-{self.number:03d}"


class StaffPost(models.Model):
    """The branch where a staff member works: the staff menu's walk-in queue opens
    on it. Set with `create_staff --branch` or in the admin (frontoffice.staff)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_post"
    )
    branch = models.ForeignKey(
        "tutorials.Branch", on_delete=models.PROTECT, related_name="staff_posts"
    )

    class Meta:
        verbose_name = _("staff post")
        verbose_name_plural = _("staff posts")

    def __str__(self) -> str:
        return f"{self.user} @ {self.branch.code}"
