"""Forms of the person pages. Validation is server-side, in French, shown inline with the error summary."""

from django import forms

from geo.forms import CommuneField
from people.duplicates import normalize_phone, possible_duplicates
from people.models import LANGUAGE_CHOICES, Consent, Person, SpecificNeed, validate_birth_year
from people.services import IDENTITY_FIELDS

CONSENT_REQUIRED = (
    "Le consentement de la personne est obligatoire pour créer sa fiche : expliquez-lui à quoi servent ses "
    "données, puis cochez cette case."
)

FIELDSETS = [
    ("Identité", ["first_name", "last_name", "birth_year", "commune"]),
    ("Contact", ["phone", "email", "no_direct_contact"]),
    ("Langues et besoins", ["languages", "other_languages", "specific_needs"]),
    ("Organisation et consentement", ["organization", "consent", "consent_method"]),
]


class PersonForm(forms.ModelForm):
    """Identity and contact, for creation and rectification."""

    commune = CommuneField(required=False, prefer_served_departement=True, help_text="Facultatif. Nom ou code postal.")
    birth_year = forms.IntegerField(
        label="Année de naissance",
        required=False,
        validators=[validate_birth_year],
        help_text="Facultatif. Quatre chiffres, par exemple 1958.",
        error_messages={"invalid": "Saisissez une année en chiffres, par exemple 1958."},
    )
    languages = forms.MultipleChoiceField(
        label="Langues parlées",
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Facultatif.",
    )
    specific_needs = forms.MultipleChoiceField(
        label="Besoins spécifiques",
        choices=SpecificNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Facultatif. Pour préparer l'accueil de la personne.",
    )

    class Meta:
        model = Person
        fields = IDENTITY_FIELDS
        labels = {"first_name": "Prénom", "last_name": "Nom (ou initiales)"}
        help_texts = {
            "first_name": "Facultatif si le nom est indiqué.",
            "phone": "Facultatif si une adresse e-mail est indiquée.",
            "email": "Facultatif si un téléphone est indiqué.",
            "other_languages": "Facultatif.",
        }

    def fieldsets(self):
        """(legend, bound fields) for the template, skipping fields this form does not have."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in FIELDSETS]

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not data.get("first_name") and not data.get("last_name"):
            self.add_error("last_name", "Indiquez au moins le nom ou les initiales de la personne.")
        return data

    def identity_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PersonCreateForm(PersonForm):
    """Creation: the organisation involved (when the user has several), the consent and, when the record looks like
    an existing one, a deliberate « ce n'est pas la même personne »."""

    consent = forms.BooleanField(
        label="La personne accepte que ses données soient enregistrées pour l'orienter et l'accompagner",
        required=True,
        error_messages={"required": CONSENT_REQUIRED},
    )
    consent_method = forms.ChoiceField(
        label="Comment ce consentement a-t-il été recueilli ?",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez comment le consentement a été recueilli : par écrit ou à l'oral."},
    )

    def __init__(self, *args, organizations, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = list(organizations)
        self.user = user
        self.duplicates = []
        self.hidden_duplicates_count = 0
        if len(self.organizations) > 1:
            self.fields["organization"] = forms.TypedChoiceField(
                label="Pour quelle organisation créez-vous cette fiche ?",
                choices=[("", "Choisissez")] + [(str(o.pk), o.name) for o in self.organizations],
                coerce=int,
                error_messages={"required": "Choisissez l'organisation pour laquelle vous créez cette fiche."},
            )
        self.fields["not_duplicate"] = forms.BooleanField(
            label="Ce n'est pas la même personne : créer cette fiche quand même", required=False
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            # Only the look-alikes the user may see are shown; the others are only counted (no personal data leaks).
            found = possible_duplicates(data)
            visible = set(
                Person.objects.visible_to(self.user).filter(pk__in=[p.pk for p in found]).values_list("pk", flat=True)
            )
            self.duplicates = [p for p in found if p.pk in visible]
            self.hidden_duplicates_count = len(found) - len(self.duplicates)
            if found and not data.get("not_duplicate"):
                self.add_error(
                    "not_duplicate",
                    "Cette personne ressemble à une personne déjà enregistrée. Vérifiez la liste, puis cochez cette "
                    "case s'il s'agit bien d'une autre personne.",
                )
        return data

    def organization(self):
        if len(self.organizations) == 1:
            return self.organizations[0]
        pk = self.cleaned_data["organization"]
        return next(o for o in self.organizations if o.pk == pk)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Pour quoi la personne donne-t-elle son accord ?",
        choices=Consent.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'objet du consentement."},
    )
    method = forms.ChoiceField(
        label="Comment ce consentement a-t-il été recueilli ?",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez comment le consentement a été recueilli : par écrit ou à l'oral."},
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'effacement",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif. Par exemple : « demande de la personne ». N'y écrivez aucune donnée personnelle.",
    )
    confirm = forms.BooleanField(
        label="Je confirme l'effacement définitif des données de cette personne",
        error_messages={"required": "Cochez cette case pour confirmer l'effacement."},
    )


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label="Fiche à conserver",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la fiche à conserver."},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["into"].choices = [
            (p.pk, f"{p} — n° {p.pk}{f', {p.commune.name}' if p.commune else ''}") for p in self.candidates
        ]

    def chosen(self):
        pk = self.cleaned_data["into"]
        return next(p for p in self.candidates if p.pk == pk)
