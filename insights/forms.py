"""The period and filters of the insights page and API (GET parameters)."""

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimType
from tutorials.selectors import branch_list

from .selectors import Period

MAX_DAYS = 3 * 366
DEFAULT_DAYS = 365
# Dates a period may hold: year 9999 or 1 overflowed the day arithmetic (a 500).
DATE_LIMITS = [
    MinValueValidator(dt.date(2000, 1, 1)),
    MaxValueValidator(dt.date(2100, 12, 31)),
]


def _branches() -> list[tuple[str, str]]:
    branches = branch_list(open_only=False).values_list("code", "name")
    return [("", _("All branches")), *branches]


def default_period() -> tuple[dt.date, dt.date]:
    """The last twelve full months (the current month is not complete yet)."""
    end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    for _month in range(11):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


class PeriodForm(forms.Form):
    """`from` and `to` as in the API; `from` is a keyword, so it is added in __init__."""

    to = forms.DateField(
        label=_("To"),
        required=False,
        validators=DATE_LIMITS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    branch = forms.ChoiceField(label=_("Branch"), required=False, choices=_branches)
    claim_type = forms.ChoiceField(
        label=_("Claim type"),
        required=False,
        choices=[("", _("All claim types")), *ClaimType.choices],
    )

    def __init__(self, data, *args, **kwargs) -> None:
        super().__init__(data, *args, **kwargs)
        start = forms.DateField(
            label=_("From"),
            required=False,
            validators=DATE_LIMITS,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.fields = {"from": start, **self.fields}

    def clean(self) -> dict:
        data = super().clean()
        start, end = default_period()
        if data.get("to") and not data.get("from"):
            start = data["to"] - dt.timedelta(days=DEFAULT_DAYS - 1)
        if data.get("from") and not data.get("to"):
            end = max(end, timezone.localdate())  # a start in this month: up to today
        data["from"] = data.get("from") or start
        data["to"] = data.get("to") or end
        if data["from"] > data["to"]:
            raise forms.ValidationError(
                _("The start of the period must be on or before its end."), code="order"
            )
        if (data["to"] - data["from"]).days >= MAX_DAYS:
            raise forms.ValidationError(
                _("Choose a period of at most three years."), code="too_long"
            )
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["from"], data["to"], data["branch"], data["claim_type"])
