"""The history page: coordinators only, filters, a table of changes, pagination, empty state."""

import datetime

from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization, Role, User
from core.history import record
from core.models import HistoryEntry
from tests.html_checks import html_problems

URL = reverse("core:history")


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_members_who_are_not_coordinators_are_refused(client, log_in):
    user = User.objects.create_user("mediatrice@example.org", "mot-de-passe-solide-2024")
    Membership.objects.create(
        user=user, organization=Organization.objects.create(name="Médiathèque"), role=Role.MEDIATOR
    )
    log_in(client, user)
    assert client.get(URL).status_code == 403


def test_coordinators_see_who_did_what_with_before_and_after(client_for):
    client = client_for("coordinator")
    organization = Organization.objects.create(name="Centre social des Tilleuls")
    record(
        organization, "organization_updated", acting_user=client.user, changes={"name": ["Ancien nom", "Nouveau nom"]}
    )

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html_problems(html) == []
    row = BeautifulSoup(html, "html.parser").find("tbody").find("tr")
    text = row.get_text(" ", strip=True)
    assert str(client.user) in text
    assert "Modification de l'organisation" in text
    assert "nom :" in text  # the field is named by its French label
    assert "Centre social des Tilleuls" in text
    assert "Ancien nom" in text and "Nouveau nom" in text
    assert "devient" in text  # the arrow is spoken


def test_filter_by_author_and_object(client_for):
    client = client_for("coordinator")
    first = Organization.objects.create(name="Première structure")
    second = Organization.objects.create(name="Seconde structure")
    record(first, "organization_created", acting_user=client.user)
    record(second, "organization_created", acting_user=None)

    html = client.get(URL, {"actor": "Système"}).content.decode()
    assert "Seconde structure" in html and "Première structure" not in html

    html = client.get(URL, {"object_id": str(first.pk), "content_type": ""}).content.decode()
    assert "Première structure" in html and "Seconde structure" not in html


def test_no_entry_shows_an_empty_state(client_for):
    client = client_for("coordinator")
    HistoryEntry.objects.all().delete()
    html = client.get(URL).content.decode()
    assert "empty-state" in html
    assert "<table" not in html

    html = client.get(URL, {"actor": "personne"}).content.decode()
    assert "Aucune entrée ne correspond à ces filtres." in html
    assert f'href="{URL}"' in html


def test_wrong_date_range_shows_the_error_summary(client_for):
    client = client_for("coordinator")
    today = timezone.localdate()
    html = client.get(URL, {"since": today, "until": today - datetime.timedelta(days=1)}).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.find(class_="error-summary")
    assert summary is not None
    assert summary.find("a")["href"] == "#id_until"
    assert soup.find(id="id_until")["aria-invalid"] == "true"


def test_pagination_keeps_the_filters(client_for):
    client = client_for("coordinator")
    organization = Organization.objects.create(name="Structure paginée")
    for _ in range(55):
        record(organization, "organization_updated", acting_user=client.user)

    soup = BeautifulSoup(client.get(URL, {"actor": "Coordinator"}).content, "html.parser")
    nav = soup.find("nav", attrs={"aria-label": "Pagination"})
    assert "Page 1 sur 2" in nav.get_text()
    next_link = nav.find("a", attrs={"rel": "next"})
    assert next_link["href"] == "?actor=Coordinator&page=2"

    soup = BeautifulSoup(client.get(URL + next_link["href"]).content, "html.parser")
    nav = soup.find("nav", attrs={"aria-label": "Pagination"})
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(strip=True).endswith("2")
    assert nav.find("a", attrs={"rel": "prev"})["href"] == "?actor=Coordinator"
    assert len(soup.find("tbody").find_all("tr")) == 5
