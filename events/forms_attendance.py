"""Forms of attendance: the satisfaction survey (public, plain words) and the figures' filters (GET)."""

from django import forms

from events.figures import DEFAULT_GROUPING, GROUPINGS
from events.models import Event, SurveyAnswer

RATING_CHOICES = [
    (5, "5 — Très bien"),
    (4, "4 — Bien"),
    (3, "3 — Moyen"),
    (2, "2 — Pas très bien"),
    (1, "1 — Pas bien du tout"),
]


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Quelle note donnez-vous à cette séance ?",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une note de 1 à 5."},
    )
    useful = forms.ChoiceField(
        label="Est-ce que cette séance vous a été utile ?",
        choices=SurveyAnswer.Useful.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Dites-nous si la séance vous a été utile."},
    )
    would_recommend = forms.TypedChoiceField(
        label="La conseilleriez-vous à quelqu'un ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Dites-nous si vous la conseilleriez."},
    )
    comment = forms.CharField(
        label="Un mot à ajouter ? (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce qui vous a plu, ce qui manquait… Merci de ne pas écrire d'informations personnelles.",
    )


class FiguresFilterForm(forms.Form):
    by = forms.ChoiceField(
        label="Regrouper par",
        choices=[(key, spec.label) for key, spec in GROUPINGS.items()],
        required=False,
    )
    kind = forms.ChoiceField(label="Type", choices=[("", "Tous les types"), *Event.Kind.choices], required=False)
    date_from = forms.DateField(
        label="Séances à partir du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="Jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "La date de fin est avant la date de début.")
        return data

    def values(self):
        """(grouping, filters) from the valid fields (an invalid one is ignored and shown in error)."""
        if not self.is_bound:
            return DEFAULT_GROUPING, {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {name: data[name] for name in ("date_from", "date_to", "kind") if data.get(name)}
        return data.get("by") or DEFAULT_GROUPING, filters
