from django import forms

from accounts.models import Organization
from api.models import TOKEN_VALIDITY, Scope
from core.expiry import ExpiryFormMixin


class TokenForm(ExpiryFormMixin, forms.Form):
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
    expires_on = TOKEN_VALIDITY.form_field(
        "Ce jour compris ; deux ans au plus. Vide : dans un an. Ensuite, le jeton est refusé (erreur 401)."
    )
    validity = TOKEN_VALIDITY
