from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from tests.roles import log_in


def menu_labels(response):
    from bs4 import BeautifulSoup

    nav = BeautifulSoup(response.content, "html.parser").find("nav", attrs={"aria-label": "Menu principal"})
    return [a.get_text(strip=True) for a in nav.find_all("a")]


def test_anonymous_menu_has_only_public_entries():
    labels = menu_labels(Client().get(reverse("core:home")))
    assert "Accueil" in labels
    assert "Tableau de bord" not in labels
    assert "Historique" not in labels


def test_menu_follows_roles():
    def login_as(user):
        return log_in(Client(), user)

    mediator_menu = menu_labels(login_as(UserFactory(mediator=True)).get(reverse("core:home")))
    assert "Tableau de bord" in mediator_menu
    assert "Historique" not in mediator_menu
    assert "Membres et invitations" not in mediator_menu

    org_admin_menu = menu_labels(login_as(UserFactory(org_admin=True)).get(reverse("core:home")))
    assert "Membres et invitations" in org_admin_menu

    coordinator_menu = menu_labels(login_as(UserFactory(coordinator=True)).get(reverse("core:home")))
    assert {"Membres et invitations", "Historique"} <= set(coordinator_menu)


def test_coordinator_owing_the_second_factor_sees_no_private_entry():
    user = UserFactory(coordinator=True)
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 200
    labels = menu_labels(response)
    assert "Tableau de bord" not in labels
    assert "Historique" not in labels
