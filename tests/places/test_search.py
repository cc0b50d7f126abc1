"""The public search /lieux/: where (commune, postal code, position), radius, filters, hours, pagination, bad input."""

import re

import pytest
from django.urls import reverse

from geo.distance import distance_km
from geo.testing import load_test_territory
from places.search import Criteria, count_sentence, of_place, search
from tests.places.factories import PlaceFactory

AGEN = (44.203233, 0.615525)
ESTILLAC = (44.1684, 0.57769)  # 4.9 km from Agen
NERAC = (44.134322, 0.345083)  # about 23 km from Agen
VILLENEUVE = (44.407126, 0.703561)  # about 24 km from Agen
MARMANDE = (44.499179, 0.165864)  # about 49 km from Agen
URL = reverse("places:search")


@pytest.fixture(autouse=True)
def territory(db):
    load_test_territory(departements=["47"], insee_codes=[])


def place_at(point, **kwargs):
    kwargs.setdefault("published", True)
    return PlaceFactory(latitude=point[0], longitude=point[1], **kwargs)


def names(response):
    return [row["place"].name for row in response.context["rows"]]


def test_without_location_the_page_asks_for_one_and_lists_nothing(client):
    place_at(AGEN, name="Médiathèque d'Agen")
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["criteria"] is None
    assert "Indiquez une commune ou un code postal" in response.text
    assert "Médiathèque d'Agen" not in response.text


def test_search_by_commune_sorts_by_distance_and_counts(client):
    place_at(VILLENEUVE, name="Villeneuve")
    place_at(AGEN, name="Agen")
    place_at(ESTILLAC, name="Estillac")
    place_at(MARMANDE, name="Marmande")
    assert names(client.get(URL, {"commune": "Agen", "rayon": "30"})) == ["Agen", "Estillac", "Villeneuve"]
    response = client.get(URL, {"commune": "Agen"})
    assert names(response) == ["Agen", "Estillac"]
    assert "2 lieux à moins de 20 km d&#x27;Agen" in response.text
    assert "À 4,9 km" in response.text


def test_search_by_postal_code(client):
    place_at(NERAC, name="Nérac")
    place_at(AGEN, name="Agen")
    response = client.get(URL, {"commune": "47600", "rayon": "10"})
    assert names(response) == ["Nérac"]
    assert "1 lieu à moins de 10 km de Nérac" in response.text


def test_search_around_a_position(client):
    place_at(NERAC, name="Nérac")
    place_at(AGEN, name="Agen")
    response = client.get(URL, {"lat": "44.2", "lon": "0.61", "rayon": "5"})
    assert names(response) == ["Agen"]
    assert "1 lieu à moins de 5 km de votre position" in response.text


def test_the_commune_wins_over_a_stale_position(client):
    place_at(NERAC, name="Nérac")
    place_at(AGEN, name="Agen")
    response = client.get(URL, {"commune": "Nérac", "lat": "44.2", "lon": "0.61", "rayon": "5"})
    assert names(response) == ["Nérac"]


@pytest.mark.parametrize(
    ("radius", "expected"),
    [("5", ["Agen"]), ("10", ["Agen", "Estillac"]), ("30", ["Agen", "Estillac", "Nérac"]), ("50", None)],
)
def test_radius(client, radius, expected):
    place_at((44.203233, 0.6163), name="Agen")
    place_at((AGEN[0] + 0.063, AGEN[1]), name="Estillac")  # 7 km north
    place_at(NERAC, name="Nérac")
    place_at(MARMANDE, name="Marmande")
    found = names(client.get(URL, {"commune": "Agen", "rayon": radius}))
    if expected is None:
        expected = ["Agen", "Estillac", "Nérac", "Marmande"]
        assert distance_km(AGEN, MARMANDE) < 50
    assert found == expected


@pytest.mark.parametrize(
    ("parameter", "value", "matching"),
    [
        ("services", "Aide aux démarches administratives", {"services": ["Aide aux démarches administratives"]}),
        ("publics", "Seniors", {"publics": ["Seniors", "Jeunes"]}),
        ("prise_en_charge", "Surdité", {"specific_support": ["Surdité"]}),
        ("frais", "Gratuit", {"fees": ["Gratuit"]}),
        ("accompagnement", "À distance", {"support_modes": ["À distance"]}),
        ("dispositifs", "France Services", {"national_programmes": ["France Services"]}),
        ("pass_numerique", "on", {"accepts_pass_numerique": True}),
        ("itinerant", "on", {"itinerance": ["Itinérant"]}),
        ("reseau", "on", {"is_network_member": True}),
    ],
)
def test_each_filter(client, parameter, value, matching):
    place_at(AGEN, name="Ne convient pas", fees=["Payant"], itinerance=["Fixe"])
    place_at(ESTILLAC, name="Convient", **matching)
    response = client.get(URL, {"commune": "Agen", parameter: value})
    assert names(response) == ["Convient"]


def test_values_of_one_filter_are_alternatives_and_filters_add_up(client):
    place_at(AGEN, name="Gratuit", fees=["Gratuit"], publics=["Seniors"])
    place_at(AGEN, name="Sous condition", fees=["Gratuit sous condition"], publics=["Seniors"])
    place_at(AGEN, name="Payant", fees=["Payant"], publics=["Seniors"])
    place_at(AGEN, name="Gratuit pour les jeunes", fees=["Gratuit"], publics=["Jeunes"])
    response = client.get(
        URL, {"commune": "Agen", "frais": ["Gratuit", "Gratuit sous condition"], "publics": "Seniors"}
    )
    assert sorted(names(response)) == ["Gratuit", "Sous condition"]


def test_open_now(client):
    place_at(AGEN, name="Toujours ouvert", opening_hours="Mo-Su 00:00-24:00")
    place_at(AGEN, name="Jamais ouvert", opening_hours="Mo-Su off")
    place_at(AGEN, name="Sans horaires", opening_hours="")
    assert names(client.get(URL, {"commune": "Agen", "ouvert_maintenant": "on"})) == ["Toujours ouvert"]


def test_open_on_a_day_and_half_day(client):
    place_at(AGEN, name="Mardi matin", opening_hours="Tu 09:00-12:00")
    place_at(AGEN, name="Mardi après-midi", opening_hours="Tu 14:00-17:00")
    assert names(client.get(URL, {"commune": "Agen", "jour": "1", "moment": "morning"})) == ["Mardi matin"]
    assert names(client.get(URL, {"commune": "Agen", "jour": "1", "moment": "afternoon"})) == ["Mardi après-midi"]
    assert sorted(names(client.get(URL, {"commune": "Agen", "jour": "1"}))) == ["Mardi après-midi", "Mardi matin"]
    assert names(client.get(URL, {"commune": "Agen", "jour": "0"})) == []


def test_only_published_places_are_found(client):
    place_at(AGEN, name="Publié")
    place_at(AGEN, name="Brouillon", published=False, draft=True)
    place_at(AGEN, name="Archivé", published=False, archived=True)
    place_at(AGEN, name="Sans position", published=True)
    PlaceFactory(published=True, name="Sans coordonnées")
    assert sorted(names(client.get(URL, {"commune": "Agen"}))) == ["Publié", "Sans position"]


def test_results_are_paginated_and_the_pages_keep_the_filters(client):
    for index in range(25):
        place_at((AGEN[0] + index * 0.001, AGEN[1]), name=f"Lieu {index:02d}", fees=["Gratuit"])
    response = client.get(URL, {"commune": "Agen", "frais": "Gratuit", "rayon": "10"})
    assert len(response.context["rows"]) == 20
    assert "25 lieux à moins de 10 km" in response.text
    next_link = re.search(r'href="(\?[^"]*page=2[^"]*)"', response.text).group(1).replace("&amp;", "&")
    assert "frais=Gratuit" in next_link and "rayon=10" in next_link and "commune=Agen" in next_link
    page_2 = client.get(URL + next_link)
    assert names(page_2) == [f"Lieu {index:02d}" for index in range(20, 25)]
    assert 'start="21"' in page_2.text
    # The form shows the criteria again: ticked box, chosen radius.
    assert re.search(r'<input[^>]*value="Gratuit"[^>]*checked', page_2.text)
    assert re.search(r'<option value="10" selected>', page_2.text)


def test_result_card_shows_distance_address_status_phone_and_services(client):
    place_at(AGEN, name="Espace Agen", complete=True, phone="+33553000000")
    response = client.get(URL, {"commune": "Agen"})
    text = response.text
    assert '<a href="tel:+33553000000">05 53 00 00 00</a>' in text
    assert "Aide aux démarches administratives" in text
    assert reverse("places:detail", args=[response.context["rows"][0]["place"].pk]) in text
    assert response.context["rows"][0]["status"].label in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rayon": "7"}, "La distance « 7 » n&#x27;est pas proposée (5, 10, 20, 30 ou 50 km)"),
        ({"rayon": "abc"}, "la recherche utilise 20 km"),
        ({"services": "Réparer des vélos"}, "la valeur « Réparer des vélos » est inconnue"),
        ({"lat": "abc", "lon": "0.6"}, "La position reçue est illisible"),
        ({"lat": "44.2"}, "La position reçue est incomplète"),
        ({"lat": "95", "lon": "0.6"}, "La position reçue est illisible"),
        ({"lat": "nan", "lon": "0.6"}, "La position reçue est illisible"),
        ({"rayon": "-5"}, "la recherche utilise 20 km"),
        ({"jour": "9"}, "« Ouvert le »"),
        ({"moment": "soir"}, "« Moment de la journée »"),
        ({"moment": "morning"}, "Choisissez aussi un jour"),
    ],
)
def test_malformed_parameters_are_ignored_with_a_message(client, params, message):
    place_at(AGEN, name="Agen")
    response = client.get(URL, {"commune": "Agen", **params})
    assert response.status_code == 200
    assert message in response.text
    assert names(response) == ["Agen"]  # the rest of the search still runs


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_malformed_page_number_gives_a_page(client, page):
    place_at(AGEN, name="Agen")
    response = client.get(URL, {"commune": "Agen", "page": page})
    assert response.status_code == 200
    assert names(response) == ["Agen"]


def test_position_alone_malformed_gives_the_prompt_not_an_error(client):
    response = client.get(URL, {"lat": "abc", "lon": "def"})
    assert response.status_code == 200
    assert response.context["criteria"] is None
    assert "La position reçue est illisible" in response.text


def test_around_me_button_is_hidden_until_the_script_shows_it(client):
    text = client.get(URL).text
    assert re.search(r'<button type="button"[^>]*data-locate hidden>Autour de moi</button>', text)
    assert '<input type="hidden" name="lat"' in text


def test_commune_without_a_known_position_says_so(client):
    from geo.models import Commune

    Commune.objects.filter(pk="47001").update(latitude=None, longitude=None)
    response = client.get(URL, {"commune": "Agen"})
    assert response.status_code == 200
    assert response.context["criteria"] is None
    assert "La position d&#x27;Agen est inconnue" in response.text


def test_unknown_commune_is_an_error_on_the_field(client):
    response = client.get(URL, {"commune": "Xyzzyville"})
    assert response.status_code == 200
    assert response.context["criteria"] is None
    assert "Aucune commune ne correspond à « Xyzzyville »" in response.text
    assert 'aria-invalid="true"' in response.text


def test_query_count_does_not_depend_on_the_number_of_results(client, django_assert_max_num_queries):
    params = {"commune": "Agen", "services": "Aide aux démarches administratives", "rayon": "30"}
    place_at(AGEN, complete=True)
    client.get(URL, params)  # warm caches (content types…)
    with django_assert_max_num_queries(6) as few:
        client.get(URL, params)
    for index in range(40):
        place_at((AGEN[0] + index * 0.002, AGEN[1]), complete=True)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(URL, params)
    assert response.context["count"] == 41
    assert len(many.captured_queries) == len(few.captured_queries)


def test_print_view_lists_every_result_without_the_form(client):
    for index in range(25):
        place_at((AGEN[0] + index * 0.001, AGEN[1]), name=f"Lieu {index:02d}")
    response = client.get(URL, {"commune": "Agen", "impression": "1"})
    assert len(response.context["rows"]) == 25
    assert "data-place-search" not in response.text
    assert "Revenir à la recherche" in response.text
    assert "places-map.js" not in response.text


def test_search_function_sorts_by_distance_and_applies_the_radius():
    far = place_at(NERAC)
    near = place_at(ESTILLAC)
    results = search(Criteria(origin=AGEN, origin_label="Agen", radius=30))
    assert [result.place for result in results] == [near, far]
    assert [result.place for result in search(Criteria(origin=AGEN, origin_label="Agen", radius=10))] == [near]


def test_wording_of_the_count():
    criteria = Criteria(origin=AGEN, origin_label="Nérac", radius=20)
    assert count_sentence(0, criteria) == "Aucun lieu à moins de 20 km de Nérac"
    assert count_sentence(1, criteria) == "1 lieu à moins de 20 km de Nérac"
    assert count_sentence(12, criteria) == "12 lieux à moins de 20 km de Nérac"
    assert of_place("Agen") == "d'Agen"
    assert of_place("Le Passage") == "du Passage"
    assert of_place("Les Ormes") == "des Ormes"
