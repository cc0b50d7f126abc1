"""Forms rendered with the TemplatesSetting renderer: labels, help, errors and the error summary."""

from bs4 import BeautifulSoup
from django import forms
from django.template import Context, Template
from django.urls import reverse

from tests.html_checks import html_problems

STYLEGUIDE = reverse("core:styleguide")


def post_styleguide(client, data):
    response = client.post(STYLEGUIDE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html_problems(html) == []
    return BeautifulSoup(html, "html.parser")


def test_empty_styleguide_form_lists_every_error_with_a_link_to_its_field(client):
    soup = post_styleguide(client, {})

    summary = soup.find(class_="error-summary")
    assert summary["role"] == "alert"
    assert summary["tabindex"] == "-1"
    assert summary.find("h2").get_text(strip=True) == "Le formulaire contient 5 erreurs"
    links = summary.find_all("a")
    assert [link["href"] for link in links] == [
        "#id_name",
        "#id_postal_code",
        "#id_kind",
        "#id_contact_0",
        "#id_consent",
    ]
    for link in links:
        target = soup.find(id=link["href"][1:])
        assert target is not None and target.name in {"input", "select", "textarea"}
    assert links[0].get_text(strip=True) == "Nom de la structure : Ce champ est obligatoire."


def test_a_single_error_is_singular(client):
    soup = post_styleguide(
        client,
        {"name": "Médiathèque", "postal_code": "1234", "kind": "bib", "contact": "phone", "consent": "on"},
    )
    summary = soup.find(class_="error-summary")
    assert summary.find("h2").get_text(strip=True) == "Le formulaire contient 1 erreur"
    assert "Le code postal doit compter 5 chiffres." in summary.get_text()


def test_field_with_an_error_points_to_its_help_and_its_message(client):
    soup = post_styleguide(client, {"email": "pas-une-adresse"})

    name = soup.find(id="id_name")
    assert name["aria-invalid"] == "true"
    described = name["aria-describedby"].split()
    assert described == ["id_name_helptext", "id_name_error"]
    for ref in described:
        assert soup.find(id=ref) is not None
    assert "Ce champ est obligatoire." in soup.find(id="id_name_error").get_text()
    assert "Erreur" in soup.find(id="id_name_error").get_text()  # spoken before the message

    email = soup.find(id="id_email")
    assert email["aria-invalid"] == "true"
    assert soup.find(id=email["aria-describedby"]) is not None


def test_valid_fields_are_not_marked_invalid(client):
    soup = post_styleguide(client, {"name": "Médiathèque"})
    name = soup.find(id="id_name")
    assert "aria-invalid" not in name.attrs
    assert name["aria-describedby"] == "id_name_helptext"


def test_radio_and_checkbox_groups_are_fieldsets_with_a_legend(client):
    soup = post_styleguide(client, {})
    for first_option, legend in (("id_contact_0", "Préférence de contact"), ("id_days_0", "Jours d'ouverture")):
        fieldset = soup.find(id=first_option).find_parent("fieldset")
        assert fieldset.find("legend").get_text(" ", strip=True).startswith(legend)
    contact_group = soup.find(id="id_contact_0").find_parent("fieldset")
    assert soup.find(id=contact_group["aria-describedby"]) is not None


def test_optional_fields_are_marked_and_the_convention_is_stated(client):
    soup = BeautifulSoup(client.get(STYLEGUIDE).content, "html.parser")
    assert "Sauf mention" in soup.find(class_="form-hint").get_text()
    assert "(facultatif)" in soup.find("label", attrs={"for": "id_email"}).get_text()
    assert "(facultatif)" not in soup.find("label", attrs={"for": "id_name"}).get_text()
    assert soup.find(id="id_name").has_attr("required")


def test_every_field_has_a_label_and_no_error_summary_before_posting(client):
    html = client.get(STYLEGUIDE).content.decode()
    assert html_problems(html) == []
    assert "error-summary" not in BeautifulSoup(html, "html.parser").find("main").decode().split("<form")[1][:200]
    assert 'class="error-summary"' not in html


class SearchForm(forms.Form):
    query = forms.CharField(label="Recherche", required=False)
    commune = forms.CharField(label="Commune", required=False)


def test_forms_where_everything_is_optional_mark_nothing():
    html = Template("{{ form }}").render(Context({"form": SearchForm()}))
    assert "facultatif" not in html
    assert "Sauf mention" not in html
    assert '<label class="field__label" for="id_query">Recherche</label>' in html


def test_non_field_errors_appear_in_the_summary():
    class PairForm(forms.Form):
        start = forms.IntegerField(label="Début")

        def clean(self):
            raise forms.ValidationError("Les deux valeurs ne vont pas ensemble.")

    form = PairForm({"start": "1"})
    html = Template('{% include "includes/error_summary.html" with form=form %}').render(Context({"form": form}))
    soup = BeautifulSoup(html, "html.parser")
    assert "Le formulaire contient 1 erreur" in soup.get_text()
    assert "Les deux valeurs ne vont pas ensemble." in soup.find("li").get_text()


def test_error_summary_renders_nothing_for_an_unbound_form():
    html = Template('{% include "includes/error_summary.html" with form=form %}').render(
        Context({"form": SearchForm()})
    )
    assert html.strip() == ""
