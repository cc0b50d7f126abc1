import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from core.models import HistoryEntry
from places.models import ErrorReport, Place
from places.services import merge_places
from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.roles import log_in


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


def pair():
    kept = PlaceFactory(
        published=True, name="Médiathèque Lacépède", address="12 rue Lacépède", phone="", opening_hours=""
    )
    duplicate = PlaceFactory(
        published=True,
        name="Mediatheque Lacepede",
        address="12, rue Lacépède",
        phone="+33553000000",
        opening_hours="Mo-Fr 09:00-12:00",
        services=["Aide aux démarches administratives"],
    )
    return kept, duplicate


def test_merge_fills_the_kept_place_moves_reports_and_archives_the_duplicate(coordinator):
    kept, duplicate = pair()
    report = ErrorReport.objects.create(place=duplicate, what_is_wrong="Fermé le lundi")

    merge_places(duplicate, into=kept, acting_user=coordinator)

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert kept.name == "Médiathèque Lacépède"  # the kept place keeps its own values
    assert kept.phone == "+33553000000" and kept.opening_hours == "Mo-Fr 09:00-12:00"
    assert kept.services == ["Aide aux démarches administratives"]
    assert duplicate.status == Place.Status.ARCHIVED and duplicate.merged_into == kept
    report.refresh_from_db()
    assert report.place == kept
    kept_history = HistoryEntry.objects.for_object(kept).get(action="place_merged")
    assert kept_history.actor == coordinator
    assert kept_history.changes["phone"] == ["", "+33553000000"]
    assert HistoryEntry.objects.for_object(duplicate).filter(action="place_merged_into", actor=coordinator).exists()


def test_merge_is_for_coordinators_and_refuses_nonsense(coordinator):
    kept, duplicate = pair()
    with pytest.raises(PermissionDenied):
        merge_places(duplicate, into=kept, acting_user=UserFactory(mediator=True))
    with pytest.raises(ValidationError):
        merge_places(kept, into=kept, acting_user=coordinator)
    merge_places(duplicate, into=kept, acting_user=coordinator)
    with pytest.raises(ValidationError):
        merge_places(duplicate, into=kept, acting_user=coordinator)  # already merged
    assert Place.objects.filter(status=Place.Status.ARCHIVED).count() == 1


def test_coordinator_compares_then_merges_from_the_moderation_queue(coordinator):
    kept, duplicate = pair()
    client = log_in(Client(), coordinator)

    queue = client.get(reverse("places:moderation")).content.decode()
    assert (
        reverse("places:duplicates_compare", args=[duplicate.pk]) in queue
        or reverse("places:duplicates_compare", args=[kept.pk]) in queue
    )

    page = client.get(reverse("places:duplicates_compare", args=[duplicate.pk]))
    assert page.status_code == 200
    assert "Mediatheque Lacepede" in page.content.decode() and "Médiathèque Lacépède" in page.content.decode()

    response = client.post(reverse("places:duplicates_merge", args=[duplicate.pk]), {"into": kept.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("places:manage_edit", args=[kept.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept


def test_merge_pages_are_refused_to_others():
    kept, duplicate = pair()
    client = log_in(Client(), UserFactory(mediator=True))
    assert client.get(reverse("places:duplicates_compare", args=[duplicate.pk])).status_code == 403
    assert client.post(reverse("places:duplicates_merge", args=[duplicate.pk]), {"into": kept.pk}).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merge_without_a_target_says_so(coordinator):
    _, duplicate = pair()
    client = log_in(Client(), coordinator)
    response = client.post(reverse("places:duplicates_merge", args=[duplicate.pk]), {"into": "abc"}, follow=True)
    assert "Choisissez le lieu à garder." in response.content.decode()


def test_the_merged_record_points_to_the_kept_one(coordinator):
    kept, duplicate = pair()
    merge_places(duplicate, into=kept, acting_user=coordinator)
    page = log_in(Client(), coordinator).get(reverse("places:manage_edit", args=[duplicate.pk])).content.decode()
    assert "fusionnée dans" in page
    assert reverse("places:manage_edit", args=[kept.pk]) in page
