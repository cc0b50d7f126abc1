from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.models import Organization
from api.models import TOKEN_MAX_DAYS, Scope, check_token_expiry, default_expiry


class TokenForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organization.objects.order_by("name", "pk"),
        help_text="Les chiffres lus avec ce jeton sont ceux de cette organisation.",
    )
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Le système qui l'utilisera, par exemple « SIG du PETR » ou « site de la mairie ».",
    )
    scopes = forms.MultipleChoiceField(
        label="Droits",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.PLACES_READ],
        help_text="Les lieux et les séances sont publics : un jeton n'y donne qu'une limite de requêtes plus haute.",
    )
    expires_on = forms.DateField(
        label="Valable jusqu'au",
        required=False,
        initial=default_expiry,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Ce jour compris ; deux ans au plus. Vide : dans un an. Ensuite, le jeton est refusé (erreur 401).",
        error_messages={"invalid": "Saisissez une date valide dans « Valable jusqu'au » (jj/mm/aaaa)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].widget.attrs.update(
            {"min": today.isoformat(), "max": (today + timedelta(days=TOKEN_MAX_DAYS)).isoformat()}
        )

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"] or default_expiry()
        check_token_expiry(expires_on)
        return expires_on
