from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from jmo_portal.admin import PolicyAdmin, ReadOnlyAdmin
from jmo_portal.exceptions import ApplicationError
from jmo_portal.masking import mask_digits

from . import services
from .forms import RejectForm
from .models import (
    Claim,
    ClaimApproval,
    ClaimDocument,
    ClaimEvent,
    ClaimPolicy,
    ClaimStatus,
    DocumentRequirement,
    Payout,
    TaxBracket,
)


@admin.register(ClaimPolicy)
class ClaimPolicyAdmin(PolicyAdmin):
    pass


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(PolicyAdmin):
    list_display = ("claim_type", "kind", "label", "order", "active")
    list_filter = ("claim_type", "active")


@admin.register(TaxBracket)
class TaxBracketAdmin(PolicyAdmin):
    list_display = ("regime", "lower", "upper", "rate_bp")
    list_filter = ("regime",)


class EventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "note", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


class DocumentInline(admin.TabularInline):
    model = ClaimDocument
    extra = 0
    can_delete = False
    fields = ("kind", "content_type", "size", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PayoutInline(admin.TabularInline):
    model = Payout
    extra = 0
    can_delete = False
    fields = (
        "idempotency_key",
        "amount",
        "status",
        "bank_id",
        "failure_code",
        "attempts",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Read-only: status changes only through the actions (the services)."""

    list_display = ("reference", "claim_type", "status", "channel", "gross", "sla_due")
    list_filter = ("status", "claim_type", "channel")
    search_fields = ("reference", "participant__kpj", "participant__full_name")
    inlines = [EventInline, DocumentInline, PayoutInline]
    actions = ["approve", "reject"]
    exclude = ("account_number",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Claim._meta.fields if f.name != "account_number"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve selected claims under review"))
    def approve(self, request, queryset):
        for claim in queryset:
            try:
                claim = services.claim_approve(
                    claim=claim, actor=request.user, note="admin"
                )
            except ApplicationError as exc:
                self.message_user(request, f"{claim}: {exc.message}", messages.ERROR)
            else:
                done = claim.status not in (
                    ClaimStatus.UNDER_REVIEW,
                    ClaimStatus.APPEALED,
                )
                self.message_user(
                    request,
                    f"{claim}: "
                    + (
                        _("approved")
                        if done
                        else _("first approval recorded; a second officer decides")
                    ),
                    messages.SUCCESS if done else messages.WARNING,
                )

    @admin.action(description=_("Reject selected claims (asks for a reason)"))
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "claims/admin_reject.html",
                {**self.admin_site.each_context(request), "form": form,
                 "claims": queryset, "opts": self.model._meta},
            )  # fmt: skip
        for claim in queryset:
            try:
                services.claim_reject(
                    claim=claim, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                self.message_user(request, f"{claim}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{claim}: rejected", messages.SUCCESS)
        return None


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "amount", "status", "attempts", "updated_at")
    list_filter = ("status",)
    search_fields = ("idempotency_key", "bank_id")

    # The account is masked on the claim; the payout shows only its last digits.
    exclude = ("account_number",)

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in Payout._meta.fields if f.name != "account_number"]
        return [*fields, "account_masked"]

    @admin.display(description=_("Account number"))
    def account_masked(self, obj: Payout) -> str:
        return mask_digits(obj.account_number)

    def has_add_permission(self, request):
        return False


@admin.register(ClaimApproval)
class ClaimApprovalAdmin(ReadOnlyAdmin):
    """First approvals under the four-eyes rule: read only."""

    list_display = ["claim", "officer", "created_at"]
