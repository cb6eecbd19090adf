"""Tutorials, FAQ, branches (the desk's address) and quiz sessions with prizes."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jmo_portal.fields import staff_link


class InLanguage:
    """`obj.<name>`: the `<name>_en` value when the page is in English, else
    `<name>_id` (also when the English one is empty)."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None) -> str:
        if obj is None:
            return self
        lang = (get_language() or "id")[:2]
        value = getattr(obj, f"{self.name}_en" if lang == "en" else f"{self.name}_id")
        return value or getattr(obj, f"{self.name}_id")


class Tutorial(models.Model):
    """One video tutorial; its media files come from `record_tutorials`."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    title_id = models.CharField(max_length=120)
    title_en = models.CharField(max_length=120)
    summary_id = models.CharField(max_length=300, blank=True)
    summary_en = models.CharField(max_length=300, blank=True)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("tutorials:detail", kwargs={"slug": self.slug})

    title = InLanguage()

    summary = InLanguage()


class TutorialView(models.Model):
    """A member's first view of a tutorial page (for the effectiveness figures)."""

    tutorial = models.ForeignKey(
        Tutorial, on_delete=models.CASCADE, related_name="member_views"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    first_viewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tutorial", "participant"], name="one_view_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} viewed {self.tutorial_id}"


class Branch(models.Model):
    """A branch office with a front-office desk (unblocking, quiz events)."""

    name = models.CharField(max_length=120)
    # The branch in its kiosk and queue addresses (/desk/kiosk/<code>/) and on its
    # walk-in tickets (frontoffice.WalkInTicket.branch): a code no branch has
    # gets no queue number.
    code = models.SlugField(
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9-]+$")],
        help_text=_("Lowercase letters, digits and dashes: /desk/kiosk/<code>/"),
    )
    address = models.TextField()
    hours_id = models.CharField(max_length=200)
    hours_en = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.name

    hours = InLanguage()


class Faq(models.Model):
    question_id = models.CharField(max_length=300)
    answer_id = models.TextField()
    question_en = models.CharField(max_length=300)
    answer_en = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQ"

    def __str__(self) -> str:
        return self.question_en

    question = InLanguage()

    answer = InLanguage()


class QuizMode(models.TextChoices):
    ONLINE = "online", _("Online")
    BRANCH = "branch", _("At a branch")


class WinnerRule(models.TextChoices):
    FIRST_CORRECT = "first_correct", _("First correct answers by submission time")
    DRAW = "draw", _("Fair draw among correct answers")


class QuizStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    AWARDED = "awarded", _("Winners chosen")


class QuizSession(models.Model):
    """A Q&A session about the app; correct answerers can win prizes."""

    title_id = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=QuizMode.choices)
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(max_length=200, blank=True)
    # Participants at a branch event join with this code (shown on the screen).
    join_code = models.CharField(max_length=12, blank=True)
    prize_id = models.CharField(max_length=200)
    prize_en = models.CharField(max_length=200)
    prize_count = models.PositiveSmallIntegerField(default=1)
    winner_rule = models.CharField(max_length=20, choices=WinnerRule.choices)
    status = models.CharField(
        max_length=10, choices=QuizStatus.choices, default=QuizStatus.OPEN
    )
    # The draw's seed and rule are public so anyone can re-check the winners.
    draw_seed = models.CharField(max_length=64, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    created_by = staff_link(models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="quiz_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(prize_count__gte=1), name="quiz_session_prize_count"
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("tutorials:quiz_detail", kwargs={"pk": self.pk})

    title = InLanguage()

    prize = InLanguage()


class QuizQuestion(models.Model):
    session = models.ForeignKey(
        QuizSession, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text_id = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text_en

    text = InLanguage()


class QuizChoice(models.Model):
    question = models.ForeignKey(
        QuizQuestion, on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text_id = models.CharField(max_length=200)
    text_en = models.CharField(max_length=200)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text_en

    text = InLanguage()


class QuizEntry(models.Model):
    """One participant's answers to one session (at most one: a DB constraint)."""

    session = models.ForeignKey(
        QuizSession, on_delete=models.CASCADE, related_name="entries"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    joined_with_code = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="quiz_entry_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.score}/{self.total})"

    def get_absolute_url(self) -> str:
        return reverse("tutorials:quiz_entry", kwargs={"pk": self.pk})

    @property
    def all_correct(self) -> bool:
        return self.total > 0 and self.score == self.total


class QuizAnswer(models.Model):
    entry = models.ForeignKey(
        QuizEntry, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        QuizQuestion, on_delete=models.PROTECT, related_name="+"
    )
    choice = models.ForeignKey(QuizChoice, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "question"], name="quiz_answer_once_per_question"
            )
        ]


class PrizeAward(models.Model):
    """A prize won by an entry; staff mark it handed over."""

    session = models.ForeignKey(
        QuizSession, on_delete=models.CASCADE, related_name="awards"
    )
    entry = models.OneToOneField(
        QuizEntry, on_delete=models.CASCADE, related_name="award"
    )
    rank = models.PositiveSmallIntegerField()
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = staff_link(models.SET_NULL)

    class Meta:
        ordering = ["session", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "rank"], name="prize_award_rank_unique"
            )
        ]

    def __str__(self) -> str:
        return f"prize {self.rank} of session {self.session_id}"
