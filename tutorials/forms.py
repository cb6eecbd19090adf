from django import forms
from django.utils.translation import gettext_lazy as _

from jmo_portal.exceptions import ApplicationError

from .models import Branch, QuizMode, WinnerRule
from .services import QuestionSpec, quiz_questions_parse


class JoinCodeForm(forms.Form):
    code = forms.CharField(label=_("Event code"), max_length=12)


class QuizSessionForm(forms.Form):
    title_id = forms.CharField(label=_("Title (Bahasa Indonesia)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    mode = forms.ChoiceField(label=_("Where"), choices=QuizMode.choices)
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.filter(is_active=True),
        required=False,
    )
    place = forms.CharField(label=_("Place (room, event)"), required=False)
    prize_id = forms.CharField(label=_("Prize (Bahasa Indonesia)"), max_length=200)
    prize_en = forms.CharField(label=_("Prize (English)"), max_length=200)
    prize_count = forms.IntegerField(
        label=_("Number of prizes"), min_value=1, max_value=1000
    )
    winner_rule = forms.ChoiceField(label=_("Winners"), choices=WinnerRule.choices)
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One question per line as “Indonesian | English”, its choices below it "
            "starting with * (correct) or - (wrong)."
        ),
    )

    def clean_questions(self) -> list[QuestionSpec]:
        try:
            return quiz_questions_parse(self.cleaned_data["questions"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict:
        data = super().clean()
        if data.get("mode") == QuizMode.BRANCH and not data.get("branch"):
            self.add_error("branch", _("Choose the branch of the event."))
        return data
