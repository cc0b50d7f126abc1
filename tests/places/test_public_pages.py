"""The place page /lieux/<pk>/, the map of the search page, the weight of the first load and the menu entry."""

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from config.settings.base import url_origin
from geo.testing import load_test_territory
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.places.factories import PlaceFactory

SEARCH_URL = reverse("places:search")
FIRST_LOAD_BUDGET = 60 * 1024


def detail_url(place):
    return reverse("places:detail", args=[place.pk])


def test_place_page_shows_the_whole_record_in_plain_french(client):
    place = PlaceFactory(
        published=True,
        complete=True,
        pass_qualified=True,
        is_network_member=True,
        national_programmes=["France Services", "Conseillers numériques"],
        specific_support=["Surdité"],
        booking_url="https://rdv.example.org/agen",
        data_source="Conseil départemental",
    )
    response = client.get(detail_url(place))
    assert response.status_code == 200
    text = response.text
    assert f"<h1>{place.name}</h1>" in text
    assert '<a href="tel:+33553000000">05 53 00 00 00</a>' in text
    assert 'href="mailto:contact@example.org"' in text
    assert 'href="https://www.example.org"' in text
    assert "https://www.openstreetmap.org/directions?route=%3B" in text
    assert "Itinéraire" in text
    assert "Voir la fiche Accès libre" in text
    assert "Prendre rendez-vous en ligne" in text
    assert "Aide aux démarches administratives" in text
    assert "France Services, Conseillers numériques" in text or "Conseillers numériques, France Services" in text
    assert "Surdité" in text
    assert "Accepté (lieu qualifié)" in text
    assert "Membre du réseau" in text
    assert "Lundi" in text and "9 h – 12 h, 14 h – 17 h 30" in text  # weekly table
    assert "Fermé les jours fériés." in text
    assert "source : Conseil départemental" in text
    assert "Mis à jour le" in text
    assert "Signaler une erreur" in text


def test_place_page_carries_schema_org_data(client):
    place = PlaceFactory(published=True, complete=True)
    text = client.get(detail_url(place)).text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == place.name
    assert data["address"]["postalCode"] == "47000"
    assert data["geo"]["latitude"] == place.latitude


def test_place_without_point_gets_a_directions_search_and_no_hours_says_so(client):
    place = PlaceFactory(published=True, opening_hours="")
    text = client.get(detail_url(place)).text
    assert "https://www.openstreetmap.org/search?query=" in text
    assert "Horaires non renseignés" in text


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_places_are_not_found_by_the_public(client, status):
    place = PlaceFactory(**{status: True})
    assert client.get(detail_url(place)).status_code == 404


def test_unpublished_place_is_shown_to_its_organisation_and_the_coordinators(client_for, log_in):
    organization = OrganizationFactory()
    place = PlaceFactory(draft=True, organization=organization)
    mediator = client_for("anonymous")
    log_in(mediator, UserFactory(mediator=True, organization=organization))
    response = mediator.get(detail_url(place))
    assert response.status_code == 200
    assert "Cette fiche n'est pas publiée" in response.text
    assert client_for("coordinator").get(detail_url(place)).status_code == 200
    assert client_for("mediator").get(detail_url(place)).status_code == 404  # another organisation


def test_unknown_place_is_404(client):
    assert client.get(reverse("places:detail", args=[999999])).status_code == 404


def test_menu_has_find_a_place(client):
    response = client.get(reverse("core:home"))
    assert f'href="{SEARCH_URL}"' in response.text
    assert "Trouver un lieu" in response.text


# The map ---------------------------------------------------------------------------------------------------


@pytest.fixture
def agen_places(db):
    load_test_territory(departements=["47"], insee_codes=[])
    return [PlaceFactory(published=True, with_point=True, name=f"Lieu {index}") for index in range(3)]


def test_no_map_when_no_tile_url(client, agen_places, settings):
    settings.MAP_TILE_URL = ""
    text = client.get(SEARCH_URL, {"commune": "Agen"}).text
    assert "data-places-map" not in text
    assert "places-data" not in text


def test_map_data_island_holds_the_page_of_results(client, agen_places, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    text = client.get(SEARCH_URL, {"commune": "Agen"}).text
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in text
    assert "vendor/leaflet/leaflet.js" in text  # as a data attribute: loaded on demand only
    assert '<script src="/static/vendor/leaflet/leaflet.js"' not in text
    island = re.search(r'<script id="places-data" type="application/json">(.*?)</script>', text, re.S).group(1)
    markers = json.loads(island)
    assert sorted(marker["name"] for marker in markers) == ["Lieu 0", "Lieu 1", "Lieu 2"]
    assert markers[0]["url"].startswith("/lieux/")
    # The list comes before the map: the map is an enhancement.
    assert text.index("place-results__list") < text.index("data-places-map")


def test_map_is_not_in_the_print_view(client, agen_places, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    text = client.get(SEARCH_URL, {"commune": "Agen", "impression": "1"}).text
    assert "data-places-map" not in text


def test_tile_origin_for_the_csp():
    assert url_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert url_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"


def test_vendored_leaflet_is_complete():
    for path in ["leaflet.js", "leaflet.js.map", "leaflet.css", "LICENSE", "images/marker-icon.png"]:
        assert finders.find(f"vendor/leaflet/{path}"), path


# Weight of the first load ----------------------------------------------------------------------------------


def gzipped_size(content):
    return len(gzip.compress(content, compresslevel=9))


def first_load_size(response):
    """Gzipped HTML plus the gzipped CSS and JS the page itself links to (no tiles, nothing loaded on demand)."""
    html = response.content
    total = gzipped_size(html)
    assets = re.findall(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="/static/([^"?]+)"', html)
    assert assets, "aucune feuille de style ni aucun script trouvé"
    for asset in set(assets):
        path = finders.find(asset.decode())
        assert path, asset
        with open(path, "rb") as handle:
            total += gzipped_size(handle.read())
    return total


def test_first_load_of_the_search_page_stays_under_60_kb(client, settings):
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert first_load_size(client.get(SEARCH_URL)) <= FIRST_LOAD_BUDGET


def test_a_full_page_of_results_with_the_map_stays_under_60_kb(client, settings):
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    load_test_territory(departements=["47"], insee_codes=[])
    PlaceFactory.create_batch(25, published=True, complete=True)
    response = client.get(SEARCH_URL, {"commune": "Agen"})
    assert len(response.context["rows"]) == 20
    assert first_load_size(response) <= FIRST_LOAD_BUDGET
