"""Coverage: distance to the nearest published place, far and fragile communes first, the map."""

import random

import pytest

from dashboards.coverage import PlaceGrid, coverage, distance_class
from dashboards.maps import coverage_map
from geo.contours import load_contours
from geo.distance import distance_km
from geo.models import Commune
from tests.dashboards.factories import IFNScoreFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_grid_finds_the_same_nearest_place_as_brute_force():
    rng = random.Random(4)
    places = [(44 + rng.random(), rng.random()) for _ in range(500)]
    grid = PlaceGrid(places)
    for _ in range(50):
        point = (44 + rng.random() * 1.2 - 0.1, rng.random() * 1.2 - 0.1)
        expected = min(distance_km(point, place) for place in places)
        assert grid.nearest_km(point) == pytest.approx(expected)
    assert PlaceGrid([]).nearest_km((44.2, 0.6)) is None
    assert PlaceGrid([(44.2, 0.6)]).nearest_km((48.8, 2.3)) is None  # beyond the search margin


def test_communes_far_and_fragile_come_first(territory):
    agen = Commune.objects.get(pk="47001")
    PlaceFactory(published=True, latitude=agen.latitude, longitude=agen.longitude)
    PlaceFactory(draft=True, latitude=44.5, longitude=0.2)  # a draft does not count
    fumel = Commune.objects.get(pk="47106")  # about 45 km from Agen
    IFNScoreFactory(commune=fumel, score=9)
    rows = coverage(use_cache=False)["rows"]
    assert len(rows) == Commune.objects.in_served_departement().count()
    by_code = {row.insee_code: row for row in rows}
    assert by_code["47001"].distance_km == 0
    assert by_code["47106"].distance_km > 20
    classes = [row.distance_class[0] for row in rows]
    assert classes == sorted(classes, reverse=True)
    far = [row for row in rows if row.distance_class[0] == 4]
    assert far[0].insee_code == "47106"  # the fragile one first among the farthest


def test_distance_classes():
    assert distance_class(3)[1] == "moins de 5 km"
    assert distance_class(25)[1] == "20 km ou plus"
    assert distance_class(None)[1].startswith("aucun lieu")


def test_contours_of_the_served_departement_are_shipped():
    contours = load_contours("47")
    assert len(contours) == 319
    ring = contours["47001"][0][0]
    assert ring[0] == ring[-1]
    assert all(len(str(lon).split(".")[-1]) <= 4 for lon, _lat in ring)
    assert load_contours("00") == {}


def test_map_draws_one_shape_per_commune(territory):
    rows = coverage(use_cache=False)["rows"]
    drawn = coverage_map(rows, "47")
    assert drawn["has_contours"]
    assert len(drawn["shapes"]) == len(rows)
    assert drawn["shapes"][0]["path"].startswith("M")


def test_coverage_page_sorted_paginated_and_exported(client_for, territory):
    agen = Commune.objects.get(pk="47001")
    PlaceFactory(published=True, latitude=agen.latitude, longitude=agen.longitude)
    client = client_for("partner_viewer")
    response = client.get("/pilotage/couverture/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "Légende de la carte" in html
    assert len(response.context["rows"]) == 50
    by_name = client.get("/pilotage/couverture/?tri=nom")
    names = [row.name for row in by_name.context["rows"]]
    assert names == sorted(names)
    assert client.get("/pilotage/couverture/?tri=nom&page=7").context["page"].number == 7
    exported = b"".join(client.get("/pilotage/couverture/export.csv").streaming_content).decode("utf-8-sig")
    lines = exported.strip().splitlines()
    assert len(lines) == 1 + 319
    assert lines[0].startswith("Code INSEE;Commune")


def test_coverage_requires_a_role(client):
    from tests.accounts.factories import UserFactory
    from tests.roles import log_in

    log_in(client, UserFactory())
    assert client.get("/pilotage/couverture/").status_code == 403


def test_coverage_page_query_count_is_bounded(client_for, territory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("coordinator")
    PlaceFactory.create_batch(3, published=True, with_point=True)
    client.get("/pilotage/couverture/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/pilotage/couverture/?tri=distance")
    assert len(queries) < 20


def test_coverage_of_one_epci(client_for, territory):
    agen = Commune.objects.get(pk="47001")
    client = client_for("coordinator")
    response = client.get(f"/pilotage/couverture/?epci={agen.epci_id}")
    expected = Commune.objects.in_served_departement().filter(epci=agen.epci_id).count()
    assert response.context["total"] == expected < 319
    assert len(response.context["map"]["shapes"]) == expected
    exported = b"".join(client.get(f"/pilotage/couverture/export.csv?epci={agen.epci_id}").streaming_content)
    assert len(exported.decode("utf-8-sig").strip().splitlines()) == 1 + expected
    assert client.get("/pilotage/couverture/?epci=inconnu").context["total"] == 319
