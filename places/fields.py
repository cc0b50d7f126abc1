from django import forms
from django.core.exceptions import ValidationError
from django.db import models

SEPARATOR = "|"


class MultiChoiceField(models.TextField):
    """A list of values from a fixed vocabulary, stored as "|a|b|" so that "has value X" is a portable, plain
    `__contains="|X|"` filter on SQLite and PostgreSQL (JSON containment is not available on SQLite).

    Use `Place.objects.filter(**MultiChoiceField.has("services", value))` or the QuerySet helpers."""

    def __init__(self, *args, vocabulary=(), **kwargs):
        self.vocabulary = list(vocabulary)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["vocabulary"] = self.vocabulary
        if kwargs.get("default") is list:
            del kwargs["default"]
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    @staticmethod
    def has(field_name, value):
        return {f"{field_name}__contains": f"{SEPARATOR}{value}{SEPARATOR}"}

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple):
            return list(value)
        return [item for item in value.split(SEPARATOR) if item]

    def get_prep_value(self, value):
        values = self.to_python(value)
        # Keep the vocabulary's order, then any other value (validation rejects those).
        ordered = [v for v in self.vocabulary if v in values] + [v for v in values if v not in self.vocabulary]
        return f"{SEPARATOR}{SEPARATOR.join(ordered)}{SEPARATOR}" if ordered else ""

    def validate(self, value, model_instance):
        if not self.editable:
            return
        unknown = [v for v in self.to_python(value) if v not in self.vocabulary]
        if unknown:
            raise ValidationError(
                "Valeur inconnue pour « %(field)s » : %(values)s.",
                code="invalid_choice",
                params={"field": self.verbose_name, "values": ", ".join(f"« {v} »" for v in unknown)},
            )
        if not self.blank and not self.to_python(value):
            raise ValidationError(self.error_messages["blank"], code="blank")

    def value_to_string(self, obj):
        return SEPARATOR.join(self.value_from_object(obj))

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": [(v, v) for v in self.vocabulary],
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        for key in ("max_length", "empty_value"):
            defaults.pop(key, None)
        return form_class(**defaults)


class StringListField(models.JSONField):
    """A free list of strings (e-mails, URLs, other labels), stored as JSON."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
