"""The forms of « Trouver de l'aide »: one per step, read from the query string (field names map to the French URL
parameters of orientation.guide.PARAMETERS), and the form that sends the result to oneself.

Rules:
- Every error is a plain French sentence that says what to do.
- An unknown commune gets close matches of the served département (spelling mistakes: « Nerak » → Nérac).
- A position (latitude, longitude) stands for the nearest commune that has a point; a typed commune wins over it.
- A phone number must be a French mobile (core.sms.normalize_phone): the list is sent by SMS.
"""

import difflib

from django import forms
from django.core.exceptions import ValidationError

from core.sms import normalize_phone
from geo.lookup import nearest_commune
from geo.models import Commune
from geo.text import normalize_name
from orientation.guide import DAY_LABELS, HALF_DAY_LABELS, MOMENTS, NEEDS, PARAMETERS, SPECIFIC_NEEDS
from places.search import SearchCommuneField

SUGGESTIONS = 5
SUGGESTION_CUTOFF = 0.75  # difflib ratio: « nerak » / « nerac » is 0.8, « paris » / « rives » 0.6


class GuideForm(forms.Form):
    """A step's form: the field names are the URL parameters."""

    def add_prefix(self, field_name):
        return PARAMETERS.get(field_name, field_name)


class NeedsForm(GuideForm):
    needs = forms.MultipleChoiceField(
        label="Cochez une ou plusieurs réponses",
        choices=[(need.code, need.label) for need in NEEDS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins une réponse. Si vous ne savez pas, cochez « Autre chose ».",
            "invalid_choice": "Cette réponse n'existe pas : cochez une réponse de la liste.",
        },
    )


def close_matches(text):
    """Up to SUGGESTIONS communes of the served département whose name looks like `text`, closest first."""
    wanted = normalize_name(text)
    if not wanted:
        return []
    communes = {}
    served = Commune.objects.in_served_departement().exclude(latitude=None).order_by("-population", "pk")
    for commune in served.only("insee_code", "name", "search_name", "postal_codes"):
        communes.setdefault(commune.search_name, commune)
    names = difflib.get_close_matches(wanted, list(communes), n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
    return [communes[name] for name in names]


class GuideCommuneField(SearchCommuneField):
    """A commune or a postal code; when nothing matches, the error proposes close names (kept in `suggestions`)."""

    suggestions = ()

    def resolve(self, text):
        try:
            return super().resolve(text)
        except ValidationError as error:
            if error.code != "unknown":
                raise
            self.suggestions = close_matches(text)
            if not self.suggestions:
                raise
            names = " ou ".join(f"« {commune.label} »" for commune in self.suggestions)
            raise ValidationError(
                f"Aucune commune ne s'appelle « {text} ». Vouliez-vous dire {names} ?", code="unknown"
            ) from error


class WhereForm(GuideForm):
    commune = GuideCommuneField(
        required=False,
        prefer_served_departement=True,
        label="Votre commune ou votre code postal",
        help_text="Par exemple : Nérac ou 47600.",
    )
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if self.has_error("commune"):
            return data
        commune = data.get("commune")
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if commune is None and latitude is not None and longitude is not None:
            commune = nearest_commune(latitude, longitude)
            if commune is None:
                self.add_error(
                    "commune", "Nous n'avons pas trouvé de commune près de votre position. Écrivez votre commune."
                )
                return data
        if commune is None:
            self.add_error("commune", "Écrivez le nom de votre commune ou votre code postal.")
        elif commune.point is None:
            self.add_error("commune", f"Nous ne savons pas situer {commune.name}. Écrivez une commune voisine.")
        data["commune"] = commune
        return data

    @property
    def suggestions(self):
        return self.fields["commune"].suggestions


class WhenForm(GuideForm):
    moments = forms.MultipleChoiceField(
        label="Cochez les moments où vous êtes libre",
        choices=MOMENTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Ce moment n'existe pas : cochez des moments de la liste."},
    )

    def days(self):
        """[(day label, [the morning and afternoon checkboxes])], Monday first, for the template."""
        boxes = list(self["moments"])
        rows = []
        for index, day in enumerate(DAY_LABELS.values()):
            pair = boxes[index * len(HALF_DAY_LABELS) : (index + 1) * len(HALF_DAY_LABELS)]
            rows.append((day, [(box, label) for box, label in zip(pair, HALF_DAY_LABELS.values(), strict=True)]))
        return rows


class SpecificNeedsForm(GuideForm):
    specific_needs = forms.MultipleChoiceField(
        label="Cochez ce qui vous concerne",
        choices=[(code, label) for code, (_key, label) in SPECIFIC_NEEDS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Cette réponse n'existe pas : cochez une réponse de la liste."},
    )


STEP_FORMS = {
    "besoin": NeedsForm,
    "ou": WhereForm,
    "quand": WhenForm,
    "besoins-particuliers": SpecificNeedsForm,
}


class SendForm(forms.Form):
    """« Recevoir cette liste »: by SMS to a French mobile (`channel="sms"`) or by e-mail (`channel="email"`);
    the form has only the field of its channel, prefixed by it (« sms-phone »)."""

    CHANNELS = {"sms": "phone", "email": "email"}

    phone = forms.CharField(
        label="Votre numéro de portable",
        help_text="Par exemple : 06 12 34 56 78.",
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": "Écrivez votre numéro de portable."},
    )
    email = forms.EmailField(
        label="Votre adresse e-mail",
        help_text="Par exemple : nom@exemple.fr.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Écrivez votre adresse e-mail.",
            "invalid": "Cette adresse e-mail n'est pas complète. Exemple : nom@exemple.fr.",
        },
    )

    def __init__(self, *args, channel, **kwargs):
        super().__init__(*args, prefix=channel, **kwargs)
        self.channel = channel
        for name in set(self.CHANNELS.values()) - {self.CHANNELS[channel]}:
            del self.fields[name]

    def clean_phone(self):
        normalized = normalize_phone(self.cleaned_data["phone"])
        if normalized is None:
            raise ValidationError(
                "Ce numéro n'est pas un portable français. Il commence par 06 ou 07 et a 10 chiffres.",
                code="invalid",
            )
        return normalized

    @property
    def destination(self):
        return self.cleaned_data[self.CHANNELS[self.channel]]
