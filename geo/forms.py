import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.urls import reverse_lazy

from geo import lookup
from geo.models import Commune
from geo.validators import INSEE_CODE_MESSAGE, POSTAL_CODE_MESSAGE

LISTED = 5


class CommuneInput(forms.TextInput):
    """A text input enhanced into an accessible combobox by static/js/commune-autocomplete.js (works without JS)."""

    def __init__(self, attrs=None):
        defaults = {
            "data-commune-autocomplete": reverse_lazy("geo:commune_autocomplete"),
            "autocomplete": "off",
            "spellcheck": "false",
            "maxlength": "150",
        }
        super().__init__({**defaults, **(attrs or {})})

    class Media:
        js = [forms.Script("js/commune-autocomplete.js", defer=True)]
        css = {"all": ["css/commune-autocomplete.css"]}


class CommuneBoundField(BoundField):
    def value(self):
        """Unbound forms show the initial commune (an instance or its INSEE code) as its label, "Agen (47000)"."""
        if self.form.is_bound:
            return super().value()
        initial = self.initial
        if initial and not isinstance(initial, Commune):
            initial = self.field.queryset.filter(pk=initial).first() or initial
        return initial.label if isinstance(initial, Commune) else initial


class CommuneField(forms.CharField):
    """A commune typed as a name, a postal code, an INSEE code or a label "Agen (47000)"; cleans to a Commune.

    `queryset` narrows the communes accepted (default: all). With `prefer_served_departement`, a name shared by
    several communes resolves to the one of the served département when there is exactly one there.
    """

    widget = CommuneInput
    default_error_messages = {
        "unknown": "Aucune commune ne correspond à « %(text)s ». Vérifiez l'orthographe ou saisissez le code postal.",
        "unknown_code": "Aucune commune ne correspond au code « %(text)s ». Vérifiez le code postal ou le code INSEE.",
        "ambiguous_code": (
            "Plusieurs communes correspondent au code « %(text)s » : %(choices)s. "
            "Précisez le nom de la commune, par exemple « %(example)s »."
        ),
        "ambiguous_name": (
            "Plusieurs communes correspondent à « %(text)s » : %(choices)s. "
            "Précisez en choisissant dans la liste ou en ajoutant le code postal, par exemple « %(example)s »."
        ),
        "postal_code_format": POSTAL_CODE_MESSAGE,
        "insee_code_format": INSEE_CODE_MESSAGE,
    }

    def __init__(self, *, queryset=None, prefer_served_departement=False, **kwargs):
        kwargs.setdefault("label", "Commune")
        kwargs.setdefault("help_text", "Nom de la commune, code postal ou code INSEE.")
        kwargs.pop("max_length", None)  # the cleaned value is a Commune, not a string
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Commune.objects.all()
        self.prefer_served_departement = prefer_served_departement

    def get_bound_field(self, form, field_name):
        return CommuneBoundField(form, self, field_name)

    def prepare_value(self, value):
        return value.label if isinstance(value, Commune) else value

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return self.resolve(text)

    def has_changed(self, initial, data):
        initial_pk = initial.pk if isinstance(initial, Commune) else initial
        try:
            data_pk = self.resolve(data.strip()).pk if data and data.strip() else None
        except ValidationError:
            return True
        return (initial_pk or None) != data_pk

    def resolve(self, text):
        """The one commune `text` designates, or a ValidationError saying why not."""
        queryset = self.queryset
        if text.isdigit():
            if len(text) != 5:
                raise ValidationError(self.error_messages["postal_code_format"], code="postal_code_format")
            return self._single(lookup.search_communes(queryset, text, limit=LISTED + 1), text, kind="code")
        if re.fullmatch(r"2[AB]\d*", text, re.IGNORECASE):
            if not lookup.INSEE_CODE_RE.match(text):
                raise ValidationError(self.error_messages["insee_code_format"], code="insee_code_format")
            return self._single(lookup.search_communes(queryset, text, limit=LISTED + 1), text, kind="code")
        label = lookup.LABEL_RE.match(text)
        if label:
            found = lookup.search_label(queryset, label["name"], label["code"], limit=LISTED + 1)
            return self._single(found, text, kind="name")
        exact = list(lookup.exact_name(queryset, text).order_by("-population", "pk")[: LISTED + 1])
        if len(exact) > 1 and self.prefer_served_departement:
            served = [c for c in exact if c.departement_id == settings.PLATFORM_DEPARTEMENT]
            exact = served if len(served) == 1 else exact
        if exact:
            return self._single(exact, text, kind="name")
        return self._single(lookup.search_names(queryset, text, limit=LISTED + 1), text, kind="name")

    def _single(self, communes, text, *, kind):
        if len(communes) == 1:
            return communes[0]
        params = {"text": text}
        if not communes:
            code = "unknown_code" if kind == "code" else "unknown"
            raise ValidationError(self.error_messages[code], code=code, params=params)
        labels = [_example(c, text) if kind == "code" else c.label for c in communes[:LISTED]]
        params["choices"] = ", ".join(labels) + (" et d'autres" if len(communes) > LISTED else "")
        params["example"] = labels[0]
        code = f"ambiguous_{kind}"
        raise ValidationError(self.error_messages[code], code=code, params=params)


def _example(commune, code):
    """The label of `commune` with the postal code typed, when it has it ("Bias (47300)")."""
    return f"{commune.name} ({code})" if code in commune.postal_codes else commune.label
