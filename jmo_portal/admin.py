"""Shared Django admin pieces."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits or deletes through the app."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PolicyAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """A policy row: shown with its history, changed only on /desk/policy/ or
    PATCH /api/v1/policy/, which check the ranges, ask for a reason and write the
    audit record. Editing here skipped all three (a negative online cap saved)."""
