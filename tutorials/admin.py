from django.contrib import admin

from .models import (
    Branch,
    Faq,
    PrizeAward,
    QuizChoice,
    QuizEntry,
    QuizQuestion,
    QuizSession,
    Tutorial,
)


@admin.register(Tutorial)
class TutorialAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_id", "title_en", "position", "is_published"]
    list_editable = ["position", "is_published"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "address", "hours_id", "is_active"]


@admin.register(Faq)
class FaqAdmin(admin.ModelAdmin):
    list_display = ["question_id", "question_en", "position", "is_published"]
    list_editable = ["position", "is_published"]
    search_fields = ["question_id", "answer_id", "question_en", "answer_en"]


class QuizQuestionInline(admin.StackedInline):
    model = QuizQuestion
    extra = 1
    show_change_link = True


class QuizChoiceInline(admin.TabularInline):
    model = QuizChoice
    extra = 3


@admin.register(QuizSession)
class QuizSessionAdmin(admin.ModelAdmin):
    list_display = ["title_id", "starts_at", "mode", "status", "prize_count"]
    list_filter = ["status", "mode"]
    inlines = [QuizQuestionInline]
    readonly_fields = ["draw_seed", "awarded_at", "created_by"]


@admin.register(QuizQuestion)
class QuizQuestionAdmin(admin.ModelAdmin):
    list_display = ["text_id", "session", "position"]
    inlines = [QuizChoiceInline]


@admin.register(QuizEntry)
class QuizEntryAdmin(admin.ModelAdmin):
    # Entries are the participants' answers: read-only, changed by services only.
    list_display = ["session", "participant", "submitted_at", "score", "total"]
    readonly_fields = [f.name for f in QuizEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PrizeAward)
class PrizeAwardAdmin(admin.ModelAdmin):
    list_display = ["session", "rank", "entry", "handed_over_at", "handed_over_by"]
    readonly_fields = ["session", "entry", "rank", "handed_over_at", "handed_over_by"]
