from django import forms
from django.utils.translation import gettext_lazy as _

from .bank.banks import BANKS


class KpjForm(forms.Form):
    kpj_number = forms.CharField(
        label=_("Your KPJ number"),
        max_length=20,
        help_text=_("11 digits, printed on your KPJ card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class BankAccountForm(forms.Form):
    bank_code = forms.ChoiceField(
        label=_("Bank"), choices=[("", _("Choose your bank"))] + BANKS
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_holder = forms.CharField(
        label=_("Account holder name"),
        max_length=120,
        help_text=_("As printed in your savings book: it must be your own name."),
    )
    npwp = forms.CharField(
        label=_("NPWP (tax number)"),
        max_length=25,
        required=False,
        # Shown only when the step asks for it (npwp_required).
        help_text=_(
            "Required: your balance is above Rp 50.000.000 or you made a partial "
            "claim before."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class DocumentForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("File"),
        help_text=_("JPG, PNG or PDF, at most 6 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,application/pdf"}
        ),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=1000)


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the decision change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One appeal per claim. A different officer reviews it; add any new facts."
        ),
    )
