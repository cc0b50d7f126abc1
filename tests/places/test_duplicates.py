import pytest
from django.urls import reverse

from geo.testing import load_test_territory
from places.duplicates import duplicates_by_place, is_possible_duplicate, possible_duplicates
from places.models import Place
from tests.places.factories import PlaceFactory
from tests.places.test_manage import CREATE_URL, form_data

pytestmark = pytest.mark.django_db


def place(**fields):
    defaults = {"name": "Médiathèque de Nérac", "address": "3 place du Marché", "insee_code": "47195"}
    return Place(**{**defaults, **fields})


@pytest.mark.parametrize(
    "other, expected",
    [
        ({"name": "Mediatheque Nerac", "address": "12 rue Loin"}, True),  # same name, other spelling
        ({"name": "France Services", "address": "3, place du Marché"}, True),  # same address
        ({"name": "France Services", "address": "1 rue Loin", "latitude": 44.1, "longitude": 0.3}, True),  # 0 m
        ({"name": "France Services", "address": "1 rue Loin", "latitude": 44.11, "longitude": 0.3}, False),  # 1 km
        ({"name": "Médiathèque de Nérac", "insee_code": "47001"}, False),  # another commune
    ],
)
def test_is_possible_duplicate(other, expected):
    new = place(latitude=44.1, longitude=0.3)
    assert is_possible_duplicate(new, place(**{"address": "", **other})) is expected


def test_possible_duplicates_ignores_archived_and_itself():
    existing = PlaceFactory(name="Médiathèque de Nérac", insee_code="47195", published=True)
    PlaceFactory(name="Médiathèque de Nérac", insee_code="47195", archived=True)
    assert possible_duplicates(place()) == [existing]
    assert possible_duplicates(existing) == []
    assert duplicates_by_place([existing]) == {existing.pk: []}


def test_create_form_warns_then_accepts_on_purpose(client_for):
    load_test_territory(departements=[], insee_codes=["47195"])
    existing = PlaceFactory(name="Médiathèque de Nérac", insee_code="47195", published=True)
    client = client_for("mediator")
    response = client.post(CREATE_URL, form_data())
    assert response.status_code == 200
    assert "Ce lieu existe peut-être déjà" in response.text
    assert "not_duplicate" in response.context["form"].errors
    assert Place.objects.count() == 1
    response = client.post(CREATE_URL, form_data(not_duplicate="on"))
    assert response.status_code == 302
    new = Place.objects.exclude(pk=existing.pk).get()
    # The coordinator sees the flag in the queue.
    response = client_for("coordinator").get(reverse("places:moderation"))
    assert response.context["drafts"][0].possible_duplicates == [existing]
    assert "Doublon possible" in response.text
    assert new.status == Place.Status.DRAFT
