"""Forms of the Pass Numérique pages: recording a pass at a place, and choosing the month of the statements."""

import datetime

from django import forms
from django.utils import timezone

from vouchers.models import SERVICE_CHOICES, month_start
from vouchers.serials import parse_serial


class RedeemForm(forms.Form):
    """The place's form: which place (when the user works for several), the serial typed or scanned, the service
    delivered. The check character is verified here already (no lookup); the service does the rest."""

    place = forms.ModelChoiceField(label="Lieu", queryset=None, empty_label=None)
    serial = forms.CharField(
        label="Numéro du pass",
        max_length=64,
        help_text="Les 12 caractères imprimés sous le code QR, par exemple PN7K-4M2Q-X9TC. Les tirets et les "
        "espaces sont facultatifs.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    service = forms.ChoiceField(label="Service rendu", choices=[("", "Choisissez…"), *SERVICE_CHOICES])

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        only = list(places[:2])
        if len(only) == 1:
            self.fields["place"].widget = forms.HiddenInput()
            self.fields["place"].initial = only[0].pk

    def clean_serial(self):
        return parse_serial(self.cleaned_data["serial"])


class MonthForm(forms.Form):
    month = forms.DateField(
        label="Mois",
        help_text="Au format AAAA-MM.",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def clean_month(self):
        month = month_start(self.cleaned_data["month"])
        if month > month_start(timezone.localdate()):
            raise forms.ValidationError("Ce mois n'a pas encore commencé.")
        return month


def previous_month(today=None):
    today = today or timezone.localdate()
    return month_start(month_start(today) - datetime.timedelta(days=1))
