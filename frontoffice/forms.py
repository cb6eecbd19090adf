from django import forms
from django.utils.translation import gettext_lazy as _

from .models import VisitReason
from .policy import FIELDS


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("NIK, KPJ number or name"), max_length=100, required=False
    )


class UnblockForm(forms.Form):
    """The in-person identity checklist: every box must be ticked."""

    ektp_seen = forms.BooleanField(label=_("I have seen the original e-KTP."))
    ektp_matches = forms.BooleanField(
        label=_("The e-KTP's NIK and name match this participant.")
    )
    face_matches = forms.BooleanField(
        label=_("The person's face matches the e-KTP photo.")
    )
    reason = forms.CharField(
        label=_("Reason for the unblock"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = forms.FileField(
        label=_("New reference photo (optional, from the desk camera)"),
        required=False,
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the unblock."))
        return reason


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note or reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TicketForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for your visit"),
        choices=VisitReason.choices,
        widget=forms.RadioSelect,
    )


class PolicyForm(forms.Form):
    """One field per editable policy number; the service re-validates."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=300)

    def __init__(self, *args, initial_values: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            # Plain text: the service checks the range and says why (one place).
            self.fields[field.name] = forms.CharField(
                label=field.label,
                help_text=f"{field.minimum}–{field.maximum}",
                initial=initial_values[field.name],
                widget=forms.NumberInput(
                    attrs={
                        "step": "any" if field.decimals else "1",
                        "data-policy": field.name,
                    }
                ),
            )
        self.order_fields([f.name for f in FIELDS] + ["reason"])
