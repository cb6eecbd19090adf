from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jmo_portal.admin import PolicyAdmin

from .models import (
    BiometricPolicy,
    CalibrationRun,
    FaceReference,
    GuidanceItem,
    LivenessRun,
    SelfieAttempt,
)


@admin.register(BiometricPolicy)
class BiometricPolicyAdmin(PolicyAdmin):
    list_display = ["__str__", "max_attempts", "match_threshold", "retention_days"]


@admin.register(GuidanceItem)
class GuidanceItemAdmin(SimpleHistoryAdmin):
    list_display = ["order", "icon", "title_id", "title_en", "active"]
    list_editable = ["active"]
    list_display_links = ["title_id"]


@admin.register(FaceReference)
class FaceReferenceAdmin(admin.ModelAdmin):
    list_display = ["participant", "source", "created_by", "created_at"]
    list_filter = ["source"]
    raw_id_fields = ["participant"]
    readonly_fields = ["encoding", "photo", "photo_sha256", "created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # through face_reference_create (desk or import) only


@admin.register(SelfieAttempt)
class SelfieAttemptAdmin(admin.ModelAdmin):
    list_display = ["pk", "participant", "status", "counted", "distance", "created_at"]
    list_filter = ["status", "counted"]
    raw_id_fields = ["participant"]
    exclude = ["image"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalibrationRun)
class CalibrationRunAdmin(admin.ModelAdmin):
    list_display = ["dataset", "people", "photos", "created_at"]
    exclude = ["genuine_distances", "impostor_distances", "lookalike_distances"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LivenessRun)
class LivenessRunAdmin(admin.ModelAdmin):
    """Counts from `evaluate_liveness` (or its `--import`), not typed in by hand."""

    list_display = ["dataset", "seed", "genuine", "genuine_not_live", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
