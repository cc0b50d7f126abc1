"""A validity chosen at creation (a dashboard share link, an API token): its last valid day, from today to
`max_days` days ahead, `default_days` ahead when left empty. One rule, one form field, the same French messages."""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

LABEL = "Valable jusqu'au"


@dataclass(frozen=True)
class Validity:
    default_days: int
    max_days: int
    max_label: str  # said in the refusal: « deux ans », « 365 jours »

    def default(self, today=None):
        return (today or timezone.localdate()) + timedelta(days=self.default_days)

    def latest(self, today=None):
        return (today or timezone.localdate()) + timedelta(days=self.max_days)

    def check(self, expires_on, today=None):
        """ValidationError naming the field when `expires_on` is past or too far."""
        today = today or timezone.localdate()
        if expires_on < today:
            raise ValidationError(f"La date « {LABEL} » ne peut pas être passée.", code="expiry_past")
        latest = self.latest(today)
        if expires_on > latest:
            raise ValidationError(
                f"La date « {LABEL} » ne peut pas dépasser le {latest:%d/%m/%Y} ({self.max_label} au plus).",
                code="expiry_too_far",
            )

    def form_field(self, help_text):
        return forms.DateField(
            label=LABEL,
            required=False,
            initial=self.default,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=help_text,
            error_messages={"invalid": f"Saisissez une date valide dans « {LABEL} » (jj/mm/aaaa)."},
        )


class ExpiryFormMixin:
    """A form whose `expires_on` field comes from `validity.form_field`: the browser's date bounds, the default
    when left empty, and the rule."""

    validity = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = {"min": timezone.localdate().isoformat(), "max": self.validity.latest().isoformat()}
        self.fields["expires_on"].widget.attrs.update(attrs)

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"] or self.validity.default()
        self.validity.check(expires_on)
        return expires_on
