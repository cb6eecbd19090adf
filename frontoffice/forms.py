from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import EmergencyRelation, Gender, MaritalStatus

from .models import VisitReason
from .policy import FIELDS


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("NIK, KPJ number or name"), max_length=100, required=False
    )


class IdentityChecklistForm(forms.Form):
    """The in-person identity checklist: every box must be ticked."""

    ektp_seen = forms.BooleanField(label=_("I have seen the original e-KTP."))
    ektp_matches = forms.BooleanField(
        label=_("The e-KTP's NIK and name match this participant.")
    )
    face_matches = forms.BooleanField(
        label=_("The person's face matches the e-KTP photo.")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UnblockForm(IdentityChecklistForm):
    photo = forms.FileField(
        label=_("New reference photo (optional, from the desk camera)"),
        required=False,
    )


class ReferenceForm(IdentityChecklistForm):
    photo = forms.FileField(label=_("Reference photo (from the desk camera)"))


class DeskDataUpdateForm(forms.Form):
    """The data update at the desk: documents seen, every field, a reason."""

    ktp_seen = forms.BooleanField(label=_("I have seen the original e-KTP."))
    kk_seen = forms.BooleanField(label=_("I have seen the original family card (KK)."))
    full_name = forms.CharField(label=_("Full name as on the e-KTP"), max_length=200)
    nik = forms.CharField(label="NIK", max_length=24)
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    phone = forms.CharField(label=_("Mobile phone number"), max_length=30)
    address = forms.CharField(label=_("Home address"), max_length=300)
    postal_code = forms.CharField(label=_("Postal code (5 digits)"), max_length=10)
    kk_number = forms.CharField(label=_("Family card (KK) number"), max_length=30)
    mother_maiden_name = forms.CharField(
        label=_("Mother's maiden name"), max_length=200
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=MaritalStatus.choices
    )
    npwp = forms.CharField(label=_("NPWP (optional)"), max_length=30, required=False)
    emergency_name = forms.CharField(label=_("Emergency contact"), max_length=200)
    emergency_relation = forms.ChoiceField(
        label=_("Relation"), choices=EmergencyRelation.choices
    )
    emergency_phone = forms.CharField(
        label=_("Emergency contact's phone"), max_length=30
    )
    reason = forms.CharField(
        label=_("Reason (what was checked or corrected)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    DOCUMENTS = {"ktp_seen": "ktp", "kk_seen": "kk"}

    def service_arguments(self) -> dict:
        """documents_seen, corrections and reason for `desk_data_update`."""
        data = dict(self.cleaned_data)
        documents = [doc for box, doc in self.DOCUMENTS.items() if data.pop(box)]
        reason = data.pop("reason")
        return {"documents_seen": documents, "corrections": data, "reason": reason}


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
                # The value the page showed goes back too (`changed_data`): only
                # what this page changed is saved, so a second tab opened earlier
                # does not put back what the first one changed.
                show_hidden_initial=True,
                widget=forms.NumberInput(
                    attrs={
                        "step": "any" if field.decimals else "1",
                        "data-policy": field.name,
                    }
                ),
            )
        self.order_fields([f.name for f in FIELDS] + ["reason"])
