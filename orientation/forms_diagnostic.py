"""The diagnostic's forms: the public questionnaire, and the same questionnaire run by a professional with a person
(plus the person's consent). Every question must be answered (« Je ne sais pas » is an answer); the commune is
optional and, when unknown, the error suggests close names of the served département."""

import difflib

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from geo.forms import CommuneField
from geo.text import normalize_name
from orientation.diagnostic import ANSWER_CHOICES, QUESTIONS, SECTIONS
from people.models import Consent

ANSWER_REQUIRED = "Choisissez une réponse. Si vous hésitez, choisissez « Je ne sais pas »."
SUGGESTIONS = 3


def close_communes(text, queryset):
    """Up to three communes of the served département whose name looks like `text` (a typo: « Agem », « Nerac »)."""
    communes = {}
    for commune in queryset.filter(departement_id=settings.PLATFORM_DEPARTEMENT).order_by("-population", "pk"):
        communes.setdefault(commune.search_name, commune)
    names = difflib.get_close_matches(normalize_name(text), list(communes), n=SUGGESTIONS, cutoff=0.7)
    return [communes[name] for name in names]


class SuggestingCommuneField(CommuneField):
    """A CommuneField whose « unknown commune » error ends with « Vouliez-vous dire : … ? »."""

    def resolve(self, text):
        try:
            return super().resolve(text)
        except ValidationError as error:
            if getattr(error, "code", None) != "unknown":
                raise
            matches = close_communes(text, self.queryset)
            if not matches:
                raise
            labels = ", ".join(f"« {commune.label} »" for commune in matches)
            raise ValidationError(f"{error.messages[0]} Vouliez-vous dire : {labels} ?", code="unknown") from error


class DiagnosticForm(forms.Form):
    """Twelve questions (radio buttons, one fieldset each) and an optional commune."""

    commune_label = "Votre commune"
    commune_help = "Pour vous proposer des lieux proches de chez vous. Le nom de la commune ou le code postal."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.code] = forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": ANSWER_REQUIRED, "invalid_choice": ANSWER_REQUIRED},
            )
        self.fields["commune"] = SuggestingCommuneField(
            required=False, label=self.commune_label, help_text=self.commune_help
        )

    def sections(self):
        """[(title, [bound fields])], in the questionnaire's order."""
        return [(section.title, [self[question.code] for question in section.questions]) for section in SECTIONS]

    def answers(self):
        return {question.code: self.cleaned_data[question.code] for question in QUESTIONS}


class PersonDiagnosticForm(DiagnosticForm):
    """The questionnaire run with a person: their consent to attach it to their record is required, and how it was
    given too when the record holds no consent « Orientation et accompagnement » yet."""

    commune_label = "Commune de la personne"
    commune_help = "Pour proposer des lieux proches de chez elle. Le nom de la commune ou le code postal."

    def __init__(self, *args, needs_consent_method, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"] = forms.BooleanField(
            label="La personne accepte que ce diagnostic soit joint à sa fiche",
            error_messages={
                "required": "Cochez cette case : la personne doit accepter que le diagnostic soit joint à sa fiche."
            },
        )
        if needs_consent_method:
            self.fields["consent_method"] = forms.ChoiceField(
                label="Comment la personne a-t-elle donné son accord ?",
                choices=Consent.Method.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Indiquez comment la personne a donné son accord : par écrit ou à l'oral."
                },
            )

    def consent_fields(self):
        return [self[name] for name in ("consent", "consent_method") if name in self.fields]
