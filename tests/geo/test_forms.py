import pytest
from django import forms

from geo.forms import CommuneField
from geo.models import Commune


@pytest.fixture(autouse=True)
def _territory(territory):
    pass


class PlaceForm(forms.Form):
    commune = CommuneField()


class OptionalForm(forms.Form):
    commune = CommuneField(required=False)


def clean(text, form_class=PlaceForm):
    form = form_class(data={"commune": text})
    return form, (form.cleaned_data.get("commune") if form.is_valid() else None)


def error(text, form_class=PlaceForm):
    form, _ = clean(text, form_class)
    assert not form.is_valid()
    return " ".join(form.errors["commune"])


@pytest.mark.parametrize(
    "text", ["Agen", "agen", "AGEN ", "47000", "47001", "Agen (47000)", "agen (47000)", "Agen(47000)"]
)
def test_accepts_name_postal_code_insee_code_and_label(text):
    _, commune = clean(text)
    assert commune == Commune.objects.get(pk="47001")


def test_accepts_saint_abbreviation_and_unique_prefix():
    assert clean("st sylvestre sur lot")[1].insee_code == "47280"
    assert clean("Saint-Sylvestre-sur-Lot")[1].insee_code == "47280"
    assert clean("sylvestre sur l")[1].insee_code == "47280"


def test_accepts_corsican_insee_code():
    assert clean("2a004")[1].name == "Ajaccio"


def test_accepts_label_for_a_shared_postal_code():
    assert clean("Bias (47300)")[1].name == "Bias"
    assert clean("Villeneuve-sur-Lot (47300)")[1].name == "Villeneuve-sur-Lot"


def test_unknown_name():
    assert error("xyz") == (
        "Aucune commune ne correspond à « xyz ». Vérifiez l'orthographe ou saisissez le code postal."
    )


def test_unknown_code():
    assert "Aucune commune ne correspond au code « 47999 »" in error("47999")


def test_ambiguous_postal_code_lists_communes():
    message = error("47300")
    assert message.startswith("Plusieurs communes correspondent au code « 47300 » : Villeneuve-sur-Lot (47300)")
    assert "Bias (47300)" in message
    assert "et d'autres. Précisez le nom de la commune, par exemple « Villeneuve-sur-Lot (47300) »." in message


def test_ambiguous_name_lists_communes():
    message = error("Saint-Sylvestre")
    assert message.startswith("Plusieurs communes correspondent à « Saint-Sylvestre » : Saint-Sylvestre (")
    assert "Précisez" in message


def test_ambiguous_name_resolved_by_served_departement_when_asked(settings):
    class Form(forms.Form):
        commune = CommuneField(prefer_served_departement=True)

    settings.PLATFORM_DEPARTEMENT = "74"
    assert clean("Saint-Sylvestre", Form)[1].insee_code == "74254"


def test_ambiguous_prefix():
    assert "Plusieurs communes correspondent à « saint »" in error("saint")


@pytest.mark.parametrize("text", ["4700", "470000", "47"])
def test_postal_code_format(text):
    assert error(text) == "Le code postal doit compter 5 chiffres."


@pytest.mark.parametrize("text", ["2A04", "2B0333", "2a"])
def test_insee_code_format(text):
    assert error(text).startswith("Le code INSEE doit compter 5 caractères")


def test_required_and_optional():
    assert error("") == "Ce champ est obligatoire."
    form, commune = clean("", OptionalForm)
    assert form.is_valid() and commune is None


def test_queryset_limits_accepted_communes():
    class Form(forms.Form):
        commune = CommuneField(queryset=Commune.objects.in_served_departement())

    assert clean("Agen", Form)[1].insee_code == "47001"
    assert error("Paris", Form).startswith("Aucune commune ne correspond à « Paris »")


def test_widget_enhanced_by_javascript_but_plain_text_input():
    html = str(PlaceForm()["commune"])
    assert 'type="text"' in html
    assert 'data-commune-autocomplete="/territoire/communes/"' in html
    assert 'autocomplete="off"' in html
    assert "js/commune-autocomplete.js" in str(PlaceForm().media)


def test_initial_commune_shown_as_label():
    agen = Commune.objects.get(pk="47001")
    assert 'value="Agen (47000)"' in str(PlaceForm(initial={"commune": agen})["commune"])
    assert 'value="Agen (47000)"' in str(PlaceForm(initial={"commune": "47001"})["commune"])
    # What the person typed is shown back as typed.
    bound = PlaceForm(data={"commune": "47300"})
    assert 'value="47300"' in str(bound["commune"])


def test_has_changed_compares_communes():
    form = PlaceForm(initial={"commune": "47001"}, data={"commune": "Agen (47000)"})
    assert not form.has_changed()
    form = PlaceForm(initial={"commune": "47001"}, data={"commune": "Bias (47300)"})
    assert form.has_changed()
