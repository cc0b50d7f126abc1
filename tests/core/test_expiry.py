"""`core.expiry.Validity`: the last valid day chosen at creation, bounded, with French messages naming the field."""

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.expiry import ExpiryFormMixin, Validity

VALIDITY = Validity(default_days=30, max_days=60, max_label="deux mois")
TODAY = date(2026, 11, 30)


def test_today_and_the_latest_day_are_accepted_and_the_default_is_counted_from_today():
    VALIDITY.check(TODAY, today=TODAY)
    VALIDITY.check(date(2027, 1, 29), today=TODAY)
    assert VALIDITY.default(TODAY) == date(2026, 12, 30)


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        (date(2026, 11, 29), "La date « Valable jusqu'au » ne peut pas être passée."),
        (date(2027, 1, 30), "La date « Valable jusqu'au » ne peut pas dépasser le 29/01/2027 (deux mois au plus)."),
    ],
)
def test_a_past_or_too_far_day_is_refused_in_french(expires_on, message):
    with pytest.raises(ValidationError) as refused:
        VALIDITY.check(expires_on, today=TODAY)
    assert refused.value.messages == [message]


class ExampleForm(ExpiryFormMixin, forms.Form):
    expires_on = VALIDITY.form_field("Ce jour compris.")
    validity = VALIDITY


def test_the_form_field_is_bounded_in_the_browser_and_defaults_when_left_empty():
    form = ExampleForm({"expires_on": ""})
    assert form.is_valid()
    assert form.cleaned_data["expires_on"] == VALIDITY.default()
    attrs = form.fields["expires_on"].widget.attrs
    assert form.fields["expires_on"].widget.input_type == "date" and attrs["min"] < attrs["max"]
    assert ExampleForm.base_fields["expires_on"].widget.attrs.get("min") is None  # bounds set per form


def test_an_unreadable_date_names_the_field():
    form = ExampleForm({"expires_on": "31/02/2026"})
    assert not form.is_valid()
    assert form.errors["expires_on"] == ["Saisissez une date valide dans « Valable jusqu'au » (jj/mm/aaaa)."]
