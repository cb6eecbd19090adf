from django.contrib import admin

from jmo_portal.admin import PolicyAdmin, ReadOnlyAdmin
from participants.models import AuditRecord, DataUpdate, ProfileChange

from .models import DeskPolicy, WalkInTicket


@admin.register(DeskPolicy)
class DeskPolicyAdmin(PolicyAdmin):
    list_display = ["__str__"]


@admin.register(WalkInTicket)
class WalkInTicketAdmin(ReadOnlyAdmin):
    list_display = ["label", "branch", "day", "reason", "status", "officer"]
    list_filter = ["branch", "reason", "status", "day"]


class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "participant"]
    list_filter = ["action"]
    search_fields = ["action", "actor__username", "participant__kpj"]


# The participants app may register its own (read-only) admin first.
if not admin.site.is_registered(AuditRecord):
    admin.site.register(AuditRecord, AuditRecordAdmin)


@admin.register(ProfileChange)
class ProfileChangeAdmin(ReadOnlyAdmin):
    """The data update's history: who changed which field, old -> new."""

    list_display = ["created_at", "participant", "field", "channel", "actor"]
    list_filter = ["channel", "field"]
    search_fields = ["participant__kpj"]


@admin.register(DataUpdate)
class DataUpdateAdmin(ReadOnlyAdmin):
    list_display = ["participant", "channel", "started_at", "confirmed_at"]
    list_filter = ["channel"]
    search_fields = ["participant__kpj"]
    exclude = ["code_hash"]
