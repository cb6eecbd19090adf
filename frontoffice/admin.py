from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from jmo_portal.admin import PolicyAdmin, ReadOnlyAdmin
from participants.models import AuditRecord, DataUpdate, ProfileChange
from tutorials.selectors import branch_list

from .models import DeskPolicy, StaffPost, WalkInTicket
from .selectors import audit_rows
from .staff import staff_post_set


@admin.register(DeskPolicy)
class DeskPolicyAdmin(PolicyAdmin):
    list_display = ["__str__"]


@admin.register(WalkInTicket)
class WalkInTicketAdmin(ReadOnlyAdmin):
    list_display = ["label", "branch", "day", "reason", "status", "officer"]
    list_filter = ["branch", "reason", "status", "day"]


@admin.register(StaffPost)
class StaffPostAdmin(admin.ModelAdmin):
    """Staff logins and their branch; saved through the audited service."""

    list_display = ["user", "branch"]
    list_filter = ["branch"]
    search_fields = ["user__username"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = branch_list()
        elif db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        staff_post_set(user=obj.user, branch=obj.branch.code, actor=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "participant"]
    list_filter = ["action"]
    search_fields = ["action", "actor__username", "participant__kpj"]
    # The stored old/new keep the facts (a corrected NIK in full); staff read them
    # masked (README, Privacy).
    exclude = ["old_value", "new_value"]
    readonly_fields = ["changes"]

    @admin.display(description=_("Old → new"))
    def changes(self, obj) -> str:
        return (
            format_html_join(
                "\n", "<div>{}: {} → {}</div>", audit_rows([obj])[0].changes
            )
            or "—"
        )


# The participants app may register its own (read-only) admin first.
if not admin.site.is_registered(AuditRecord):
    admin.site.register(AuditRecord, AuditRecordAdmin)


@admin.register(ProfileChange)
class ProfileChangeAdmin(ReadOnlyAdmin):
    """The data update's history: who changed which field, old -> new."""

    list_display = ["created_at", "participant", "field", "channel", "actor"]
    list_filter = ["channel", "field"]
    search_fields = ["participant__kpj"]
    # Identity numbers masked, as on every staff page; the record keeps the facts.
    exclude = ["old_value", "new_value"]
    readonly_fields = ["old_shown", "new_shown"]

    @admin.display(description=_("Old value"))
    def old_shown(self, obj) -> str:
        return obj.old_shown

    @admin.display(description=_("New value"))
    def new_shown(self, obj) -> str:
        return obj.new_shown


@admin.register(DataUpdate)
class DataUpdateAdmin(ReadOnlyAdmin):
    list_display = ["participant", "channel", "started_at", "confirmed_at"]
    list_filter = ["channel"]
    search_fields = ["participant__kpj"]
    exclude = ["code_hash"]
