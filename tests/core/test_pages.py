"""The core pages: public pages for everyone, legal pages built from settings, error pages, health."""

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core import errors
from tests.html_checks import html_problems

PUBLIC_PAGES = ["core:home", "core:legal_notice", "core:accessibility", "core:privacy", "core:styleguide"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_open_to_anonymous_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert html_problems(response.content.decode()) == []


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_layout_has_skip_link_main_and_footer_links(client, name):
    soup = BeautifulSoup(client.get(reverse(name)).content, "html.parser")
    first_link = soup.body.find("a")
    assert first_link["href"] == "#contenu" and "skip-link" in first_link["class"]
    assert soup.find("main")["id"] == "contenu"
    footer_links = {a["href"] for a in soup.find("footer").find_all("a")}
    assert {reverse("core:legal_notice"), reverse("core:accessibility"), reverse("core:privacy")} <= footer_links
    assert "partiellement conforme" in soup.find("footer").get_text()
    assert soup.find("nav", attrs={"aria-label": "Menu principal"}) is not None


def test_home_offers_login_to_anonymous_and_dashboard_to_members(client, client_for):
    anonymous_page = client.get(reverse("core:home")).content.decode()
    assert reverse("accounts:login") in anonymous_page
    assert reverse("accounts:dashboard") not in anonymous_page

    member = client_for("mediator")
    member_page = member.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("accounts:dashboard")}"' in member_page
    assert html_problems(member_page) == []


def test_menu_marks_the_current_page(client):
    soup = BeautifulSoup(client.get(reverse("core:home")).content, "html.parser")
    current = soup.find("nav", attrs={"aria-label": "Menu principal"}).find("a", attrs={"aria-current": "page"})
    assert current["href"] == reverse("core:home")


@override_settings(
    PLATFORM_NAME="Réseau Numérique 99",
    PLATFORM_OPERATOR="Conseil départemental de Test",
    PLATFORM_OPERATOR_ADDRESS="1 rue de l'Exemple, 99000 Testville",
    PLATFORM_CONTACT_EMAIL="contact@test.example",
    PLATFORM_HOST_NAME="Hébergeur Exemple SAS",
    PLATFORM_HOST_ADDRESS="2 avenue des Serveurs, 99100 Nuage",
    PLATFORM_DPO_EMAIL="dpo@test.example",
)
def test_legal_pages_come_from_settings(client):
    legal = client.get(reverse("core:legal_notice")).content.decode()
    for value in (
        "Conseil départemental de Test",
        "1 rue de l&#x27;Exemple, 99000 Testville",
        "Hébergeur Exemple SAS",
    ):
        assert value in legal
    assert "2 avenue des Serveurs, 99100 Nuage" in legal
    assert "président" in legal

    privacy = client.get(reverse("core:privacy")).content.decode()
    assert "mailto:dpo@test.example" in privacy
    assert "CNIL" in privacy
    for right in ("accéder", "rectifier", "effacer", "opposer"):
        assert right in privacy

    statement = client.get(reverse("core:accessibility")).content.decode()
    assert "mailto:contact@test.example" in statement
    for heading in (
        "État de conformité",
        "partiellement conforme",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Technologies utilisées",
        "Environnement de test",
        "Retour d'information et contact",
        "Voies de recours",
        "Défenseur des droits",
        "RGAA",
    ):
        assert heading in statement

    for page in (legal, privacy, statement):
        assert "Lot-et-Garonne" not in page
        assert "Réseau Numérique 99" in page


def test_health_answers_json(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_unknown_page_shows_the_404_page_with_a_way_back(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert f'href="{reverse("core:home")}"' in html
    assert html_problems(html) == []


def test_forbidden_page_for_a_member_links_to_the_dashboard(client_for):
    response = client_for("mediator").get(reverse("core:history"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html
    assert reverse("accounts:dashboard") in html
    assert html_problems(html) == []


def test_server_error_page_needs_no_database_nor_context_processors():
    request = RequestFactory().get("/")
    response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Le site rencontre un problème" in html
    assert html_problems(html) == []


def test_home_opens_the_public_doors_registered_by_the_apps(client, settings):
    settings.PLATFORM_CONTACT_PHONE = "01 99 00 00 00"
    body = client.get("/").content.decode()
    for path in ("/trouver-de-l-aide/", "/etre-rappele/", "/diagnostic/", "/lieux/"):
        assert f'href="{path}"' in body
    assert body.index("/trouver-de-l-aide/") < body.index('href="/diagnostic/"')
    assert "01 99 00 00 00" in body
