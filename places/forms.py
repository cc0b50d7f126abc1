"""Forms of the owners' and coordinator's pages. Validation is server-side, in French, shown inline."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from accounts.typologies import typology_choices
from geo.forms import CommuneField
from places.duplicates import possible_duplicates
from places.models import ErrorReport, Place
from places.permissions import can_set_network_flags, organizations_for_new_place

HOURS_HELP = (
    "Syntaxe OpenStreetMap : jours en anglais abrégés (Mo, Tu, We, Th, Fr, Sa, Su), heures sur 24 h. "
    "Exemple : « Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off » (du lundi au vendredi de 9 h à 12 h et "
    "de 14 h à 17 h 30, le samedi matin, fermé les jours fériés). Sur rendez-vous : "
    '« Tu 14:00-17:00 "sur rendez-vous" ».'
)

FIELDSETS = [
    ("Le lieu", ["name", "organization", "siret", "rna", "parent_structure"]),
    ("Adresse", ["address", "address_complement", "postal_code", "commune", "latitude", "longitude", "itinerance"]),
    ("Contact", ["phone", "emails", "websites", "booking_url"]),
    ("Horaires", ["opening_hours"]),
    ("Présentation", ["summary", "description"]),
    (
        "Services et accompagnement",
        ["services", "publics", "specific_support", "support_modes", "access_modes", "fees"],
    ),
    ("Labels et programmes", ["national_programmes", "training_labels", "other_labels"]),
    ("Accessibilité", ["accessibility_url"]),
    ("Type de structure", ["typologies"]),
    (
        "Réseau départemental",
        ["accepts_pass_numerique", "is_pass_qualified", "is_network_member", "can_relay_webinars"],
    ),
]
LIST_FIELDS = {"emails": EmailValidator, "websites": URLValidator, "other_labels": None}
LIST_SPLIT_RE = re.compile(r"[\n,;]+")


def normalize_phone(value):
    """« 05 53 00 00 00 », « 05.53.00.00.00 » or « +33 5 53 00 00 00 » → « +33553000000 » (the standard's format)."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if re.fullmatch(r"0\d{9}", digits):
        return "+33" + digits[1:]
    if digits.startswith("0033"):
        return "+" + digits[2:]
    return digits


class PlaceForm(forms.ModelForm):
    commune = CommuneField(prefer_served_departement=True, help_text="Nom de la commune ou code postal.")
    emails = forms.CharField(
        label="Adresses e-mail",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une adresse par ligne.",
    )
    websites = forms.CharField(
        label="Sites web",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une adresse par ligne, commençant par https://",
    )
    typologies = forms.MultipleChoiceField(
        label="Types de structure",
        required=False,
        choices=typology_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Liste nationale des types de structure : cochez ce qui décrit la structure.",
    )
    other_labels = forms.CharField(
        label="Autres formations et labels",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Un par ligne.",
    )

    class Meta:
        model = Place
        fields = [name for _, names in FIELDSETS for name in names]
        help_texts = {
            "opening_hours": HOURS_HELP,
            "phone": "Par exemple 05 53 00 00 00.",
            "summary": "280 caractères au plus : ce que le lieu propose, en une ou deux phrases.",
            "postal_code": "5 chiffres.",
            "latitude": "Facultatif : sans point précis, le lieu est placé au centre de la commune. Exemple : 44.2033",
            "longitude": "Exemple : 0.6163",
            "accessibility_url": "L'adresse de la fiche du lieu sur acceslibre.beta.gouv.fr.",
            "siret": "14 chiffres, sans espace.",
            "rna": "Pour une association sans SIRET : W suivi de 9 caractères.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "opening_hours": forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.initial.setdefault("commune", self.instance.commune)
            for name in LIST_FIELDS:
                self.initial[name] = "\n".join(getattr(self.instance, name) or [])
        organizations = organizations_for_new_place(user)
        field = self.fields["organization"]
        field.queryset = organizations
        field.required = not can_set_network_flags(user)
        field.empty_label = "Choisir une organisation"
        # One possible organisation: no question to ask (a new place goes to it, an edited one keeps its own).
        self.single_organization = None
        if not can_set_network_flags(user) and len(organizations[:2]) == 1:
            self.single_organization = organizations[0]
            del self.fields["organization"]
        if not can_set_network_flags(user):
            del self.fields["is_pass_qualified"]
            del self.fields["is_network_member"]
        self.fields["services"].required = True
        for field in self.fields.values():
            field.label = str(field.label)[:1].upper() + str(field.label)[1:]
        # A new place that looks like an existing one needs a second, deliberate submit (see `clean`).
        self.duplicates = []
        if not self.instance.pk:
            self.fields["not_duplicate"] = forms.BooleanField(
                label="Ce n'est pas un doublon : créer ce lieu quand même", required=False
            )

    def fieldsets(self):
        """(legend, bound fields) for the template, skipping removed fields."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in FIELDSETS]

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def _clean_list(self, name):
        items = [item.strip() for item in LIST_SPLIT_RE.split(self.cleaned_data.get(name) or "") if item.strip()]
        validator_class = LIST_FIELDS[name]
        if validator_class:
            validator = validator_class()
            for item in items:
                try:
                    validator(item)
                except ValidationError:
                    kind = "adresse e-mail" if name == "emails" else "adresse de site web"
                    raise ValidationError(f"« {item} » n'est pas une {kind} valide.", code="invalid") from None
        return items

    def clean_emails(self):
        return self._clean_list("emails")

    def clean_websites(self):
        return self._clean_list("websites")

    def clean_other_labels(self):
        return self._clean_list("other_labels")

    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        if commune is not None:
            if not data.get("postal_code") and len(commune.postal_codes) == 1:
                data["postal_code"] = commune.postal_codes[0]
                self.instance.postal_code = data["postal_code"]
            elif data.get("postal_code") and commune.postal_codes and data["postal_code"] not in commune.postal_codes:
                self.add_error(
                    "postal_code",
                    f"Le code postal ne correspond pas à {commune.name} ({', '.join(commune.postal_codes)}).",
                )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", "Indiquez la latitude et la longitude, ou aucune des deux.")
        if data.get("is_pass_qualified") and not data.get("accepts_pass_numerique"):
            self.add_error(
                "accepts_pass_numerique", "Un lieu qualifié Pass Numérique doit accepter le Pass Numérique."
            )
        if not self.instance.pk and commune is not None and not self.errors:
            self.duplicates = possible_duplicates(
                Place(
                    name=data.get("name", ""),
                    address=data.get("address", ""),
                    insee_code=commune.insee_code,
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                )
            )
            if self.duplicates and not data.get("not_duplicate"):
                self.add_error(
                    "not_duplicate",
                    "Ce lieu ressemble à un lieu déjà présent dans l'annuaire. Vérifiez la liste, puis cochez "
                    "cette case s'il s'agit bien d'un autre lieu.",
                )
        return data

    def _post_clean(self):
        # The model's own validation needs the commune's name and INSEE code, taken from the commune picked.
        commune = self.cleaned_data.get("commune")
        if commune is not None:
            self.instance.commune_name = commune.name
            self.instance.insee_code = commune.insee_code
        super()._post_clean()

    def service_fields(self):
        fields = {name: self.cleaned_data[name] for name in self.fields if name != "not_duplicate"}
        if self.single_organization is not None and not self.instance.pk:
            fields["organization"] = self.single_organization
        commune = fields["commune"]
        fields["commune_name"] = commune.name
        fields["insee_code"] = commune.insee_code
        if fields.get("latitude") is None and commune.latitude is not None:
            fields["latitude"], fields["longitude"] = commune.latitude, commune.longitude
        return fields


class ResolveReportForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(ErrorReport.Status.FIXED, "Corrigé"), (ErrorReport.Status.DISMISSED, "Sans suite")]
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi archiver ce lieu ?",
        required=False,
        max_length=500,
        help_text="Par exemple : le lieu a fermé, il a déménagé.",
    )
