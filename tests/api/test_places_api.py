"""/api/v1/lieux/: the published places in the standard's field names, filters, pagination, French errors."""

import datetime as dt

import pytest
from django.utils import timezone

from places.models import Place
from places.standard import place_to_json
from tests.places.factories import PlaceFactory

URL = "/api/v1/lieux/"


def test_lists_published_places_only_in_the_standard_fields(api_client, assert_matches):
    published = PlaceFactory(published=True, complete=True)
    PlaceFactory(draft=True)
    PlaceFactory(archived=True)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["data"] == [place_to_json(published)]
    assert body["meta"]["total"] == 1
    assert body["links"] == {"suivant": None, "precedent": None}
    assert_matches(response, "ListeLieux")


def test_detail_by_the_standard_id(api_client, assert_matches):
    place = PlaceFactory(published=True, complete=True)

    response = api_client.get(f"{URL}{place.uid}/")

    assert response.status_code == 200
    assert response.json()["id"] == str(place.uid)
    assert response.json()["nom"] == place.name
    assert_matches(response, "Lieu")


@pytest.mark.parametrize("uid", ["pas-un-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_detail_is_a_json_404(api_client, uid, assert_matches):
    response = api_client.get(f"{URL}{uid}/")

    assert response.status_code == 404
    assert response.json()["erreur"]["code"] == "introuvable"
    assert_matches(response, "Erreur")


def test_a_draft_place_is_not_found(api_client):
    place = PlaceFactory(draft=True)

    assert api_client.get(f"{URL}{place.uid}/").status_code == 404


def test_filter_by_commune_and_service(api_client):
    agen = PlaceFactory(published=True, complete=True, insee_code="47001")
    PlaceFactory(published=True, insee_code="47001", services=["Loisirs et créations numériques"])
    PlaceFactory(published=True, complete=True, insee_code="47157", commune_name="Marmande", postal_code="47200")

    response = api_client.get(URL, {"commune": "47001", "service": "Aide aux démarches administratives"})

    assert [item["id"] for item in response.json()["data"]] == [str(agen.uid)]


def test_filter_modified_since(api_client):
    old = PlaceFactory(published=True)
    recent = PlaceFactory(published=True)
    Place.objects.filter(pk=old.pk).update(modified_at=timezone.now() - dt.timedelta(days=10))

    since_date = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    by_date = api_client.get(URL, {"modifie_depuis": since_date}).json()
    by_moment = api_client.get(URL, {"modifie_depuis": (timezone.now() - dt.timedelta(days=3)).isoformat()}).json()

    assert [item["id"] for item in by_date["data"]] == [str(recent.uid)]
    assert [item["id"] for item in by_moment["data"]] == [str(recent.uid)]


def test_pagination_links_and_pages(api_client, assert_matches):
    PlaceFactory.create_batch(5, published=True)

    first = api_client.get(URL, {"par_page": 2})
    last = api_client.get(URL, {"par_page": 2, "page": 3})

    assert first.json()["meta"] == {**first.json()["meta"], "total": 5, "pages": 3, "page": 1, "par_page": 2}
    assert first.json()["links"]["suivant"].endswith("par_page=2&page=2")
    assert first.json()["links"]["precedent"] is None
    assert len(last.json()["data"]) == 1
    assert last.json()["links"]["suivant"] is None
    ids = {
        item["id"] for page in (1, 2, 3) for item in api_client.get(URL, {"par_page": 2, "page": page}).json()["data"]
    }
    assert len(ids) == 5
    assert_matches(first, "ListeLieux")


def test_a_page_beyond_the_last_is_a_json_404(api_client):
    PlaceFactory(published=True)

    response = api_client.get(URL, {"page": 2})

    assert response.status_code == 404
    assert response.json()["erreur"]["parametre"] == "page"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"commune": "Agen"}, "commune"),
        ({"service": "Cours de cuisine"}, "service"),
        ({"modifie_depuis": "hier"}, "modifie_depuis"),
        ({"modifie_depuis": "2026-02-31"}, "modifie_depuis"),
        ({"page": "0"}, "page"),
        ({"page": "deux"}, "page"),
        ({"par_page": "500"}, "par_page"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter_in_french(api_client, params, parameter, assert_matches):
    response = api_client.get(URL, params)

    assert response.status_code == 400
    error = response.json()["erreur"]
    assert error["code"] == "parametre_invalide"
    assert error["parametre"] == parameter
    assert f"Paramètre « {parameter} »" in error["message"]
    assert_matches(response, "Erreur")


def test_only_get_is_allowed(api_client):
    response = api_client.post(URL, {})

    assert response.status_code == 405
    assert response.json()["erreur"]["code"] == "methode_non_permise"


def test_the_list_takes_a_bounded_number_of_queries(api_client, django_assert_max_num_queries):
    PlaceFactory.create_batch(30, published=True, complete=True)

    with django_assert_max_num_queries(12):  # savepoints and the rate counter included
        response = api_client.get(URL, {"par_page": 30})

    assert len(response.json()["data"]) == 30


def test_places_answer_with_cors_and_cache_headers(api_client):
    response = api_client.get(URL)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_errors_carry_the_same_cors_header_so_a_browser_client_can_read_them(api_client):
    bad_parameter = api_client.get(URL, {"page": "0"})
    bad_token = api_client.get(URL, HTTP_AUTHORIZATION="Bearer inconnu")
    not_get = api_client.post(URL, {})

    for response in (bad_parameter, bad_token, not_get):
        assert response.status_code in (400, 401, 405)
        assert response["Access-Control-Allow-Origin"] == "*"


def test_etag_answers_304_when_nothing_changed(api_client):
    place = PlaceFactory(published=True)
    first = api_client.get(URL)

    again = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    place.name = "Nouveau nom"
    place.save()
    changed = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert changed.status_code == 200


def test_modified_since_accepts_an_unencoded_plus_in_the_offset(api_client):
    PlaceFactory(published=True)

    response = api_client.get(f"{URL}?modifie_depuis=2020-01-01T00:00:00+01:00")

    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 1
