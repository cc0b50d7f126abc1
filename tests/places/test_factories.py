import pytest

from places.models import Place
from tests.places.factories import ErrorReportFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_factory_traits():
    place = PlaceFactory(published=True, complete=True, pass_qualified=True)
    place.full_clean()
    assert place.status == Place.Status.PUBLISHED
    assert place.point is not None
    assert "Aide aux démarches administratives" in place.services
    assert PlaceFactory(archived=True).status == Place.Status.ARCHIVED
    assert PlaceFactory().status == Place.Status.DRAFT
    assert ErrorReportFactory().place.status == Place.Status.PUBLISHED
