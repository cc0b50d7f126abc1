from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import HistoryEntry
from places import services
from places.models import ErrorReport, Place
from places.permissions import can_create_place, can_edit_place, can_moderate_places
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.places.factories import ErrorReportFactory, PlaceFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "France Services de Nérac",
    "address": "12 rue de la République",
    "postal_code": "47600",
    "commune_name": "Nérac",
    "insee_code": "47195",
    "services": ["Aide aux démarches administratives"],
    "opening_hours": "Mo-Fr 09:00-12:00",
}


def history(place, action):
    return HistoryEntry.objects.filter(object_id=str(place.pk), action=action)


def test_permissions():
    org = OrganizationFactory()
    place = PlaceFactory(organization=org)
    mediator = UserFactory(mediator=True, organization=org)
    admin = UserFactory(org_admin=True, organization=org)
    prescriber = UserFactory(prescriber=True, organization=org)
    outsider = UserFactory(mediator=True)
    coordinator = UserFactory(coordinator=True)
    assert can_edit_place(mediator, place) and can_edit_place(admin, place) and can_edit_place(coordinator, place)
    assert not can_edit_place(prescriber, place) and not can_edit_place(outsider, place)
    assert can_moderate_places(coordinator) and not can_moderate_places(admin)
    assert can_create_place(outsider) and not can_create_place(prescriber)
    assert list(Place.objects.editable_by(mediator)) == [place]
    assert list(Place.objects.editable_by(outsider)) == []
    assert list(Place.objects.editable_by(coordinator)) == [place]


def test_mediator_creates_a_draft_for_their_organisation():
    org = OrganizationFactory()
    mediator = UserFactory(mediator=True, organization=org)
    place = services.create_place(acting_user=mediator, organization=org, **FIELDS)
    assert place.status == Place.Status.DRAFT
    assert place.completeness == 35
    assert place.confirmed_at is not None
    entry = history(place, "place_created").get()
    assert entry.actor == mediator
    assert entry.changes["name"] == "France Services de Nérac"


def test_mediator_cannot_publish_or_use_another_organisation_or_set_flags():
    org = OrganizationFactory()
    mediator = UserFactory(mediator=True, organization=org)
    with pytest.raises(PermissionDenied):
        services.create_place(acting_user=mediator, organization=org, status=Place.Status.PUBLISHED, **FIELDS)
    with pytest.raises(PermissionDenied):
        services.create_place(acting_user=mediator, organization=OrganizationFactory(), **FIELDS)
    with pytest.raises(PermissionDenied):
        services.create_place(acting_user=mediator, organization=org, is_network_member=True, **FIELDS)
    with pytest.raises(PermissionDenied):
        services.create_place(acting_user=UserFactory(prescriber=True, organization=org), organization=org, **FIELDS)


def test_create_validates():
    with pytest.raises(ValidationError) as error:
        services.create_place(acting_user=UserFactory(coordinator=True), **{**FIELDS, "opening_hours": "lundi"})
    assert "opening_hours" in error.value.message_dict
    with pytest.raises(TypeError):
        services.create_place(acting_user=None, status="published", uid="x", **FIELDS)


def test_update_records_the_difference_and_recomputes_completeness():
    org = OrganizationFactory()
    mediator = UserFactory(mediator=True, organization=org)
    place = PlaceFactory(organization=org, updated_on=timezone.localdate() - timedelta(days=30))
    services.update_place(
        place, acting_user=mediator, phone="+33553000000", services=["Aide aux démarches administratives"]
    )
    place.refresh_from_db()
    assert place.completeness == 35
    assert place.updated_on == timezone.localdate()
    assert place.confirmed_at is not None
    entry = history(place, "place_updated").get()
    assert entry.changes == {
        "phone": ["", "+33553000000"],
        "services": [[], ["Aide aux démarches administratives"]],
    }
    # No change, no row.
    services.update_place(place, acting_user=mediator, phone="+33553000000")
    assert history(place, "place_updated").count() == 1


def test_update_refuses_outsiders_and_flags():
    org = OrganizationFactory()
    place = PlaceFactory(organization=org)
    with pytest.raises(PermissionDenied):
        services.update_place(place, acting_user=UserFactory(mediator=True), name="X")
    mediator = UserFactory(mediator=True, organization=org)
    with pytest.raises(PermissionDenied):
        services.update_place(place, acting_user=mediator, is_pass_qualified=True, accepts_pass_numerique=True)
    with pytest.raises(PermissionDenied):
        services.update_place(place, acting_user=mediator, organization=OrganizationFactory())
    coordinator = UserFactory(coordinator=True)
    services.update_place(place, acting_user=coordinator, is_pass_qualified=True, accepts_pass_numerique=True)
    assert Place.objects.get(pk=place.pk).is_pass_qualified


def test_workflow():
    coordinator = UserFactory(coordinator=True)
    org = OrganizationFactory()
    mediator = UserFactory(mediator=True, organization=org)
    place = PlaceFactory(organization=org)
    with pytest.raises(PermissionDenied):
        services.publish_place(place, acting_user=mediator)
    services.publish_place(place, acting_user=coordinator)
    assert place.status == Place.Status.PUBLISHED
    with pytest.raises(ValidationError):
        services.publish_place(place, acting_user=coordinator)
    services.archive_place(place, acting_user=mediator, reason="Le lieu a fermé.")
    assert Place.objects.get(pk=place.pk).status == Place.Status.ARCHIVED
    assert history(place, "place_archived").get().message == "Le lieu a fermé."
    services.publish_place(place, acting_user=coordinator)
    assert history(place, "place_republished").get().changes == {"status": ["archived", "published"]}
    draft = PlaceFactory(organization=org)
    services.archive_place(draft, acting_user=mediator)
    assert draft.status == Place.Status.ARCHIVED
    with pytest.raises(ValidationError):
        services.archive_place(draft, acting_user=mediator)


def test_confirm_place():
    org = OrganizationFactory()
    mediator = UserFactory(mediator=True, organization=org)
    place = PlaceFactory(published=True, organization=org, updated_on=timezone.localdate() - timedelta(days=400))
    assert place.is_stale
    services.confirm_place(place, acting_user=mediator)
    place.refresh_from_db()
    assert not place.is_stale
    assert place.updated_on == timezone.localdate()
    assert history(place, "place_confirmed").get().actor == mediator
    with pytest.raises(PermissionDenied):
        services.confirm_place(place, acting_user=UserFactory(mediator=True))
    services.confirm_place(place, acting_user=None, message="Lien reçu par a@example.org")
    assert history(place, "place_confirmed").filter(actor=None).get().actor_label == "Système"


def test_resolve_error_report():
    org = OrganizationFactory()
    report = ErrorReportFactory(place__organization=org)
    with pytest.raises(PermissionDenied):
        services.resolve_error_report(report, status=ErrorReport.Status.FIXED, acting_user=UserFactory(mediator=True))
    mediator = UserFactory(mediator=True, organization=org)
    report = services.resolve_error_report(report, status=ErrorReport.Status.FIXED, acting_user=mediator)
    assert report.status == ErrorReport.Status.FIXED and report.handled_by == mediator
    assert history(report.place, "place_error_report_fixed").exists()
    with pytest.raises(ValidationError):
        services.resolve_error_report(report, status=ErrorReport.Status.DISMISSED, acting_user=mediator)
    with pytest.raises(ValueError):
        services.resolve_error_report(ErrorReportFactory(), status="open", acting_user=UserFactory(coordinator=True))


def test_stale_queryset():
    now = timezone.now()
    fresh = PlaceFactory(confirmed_at=now - timedelta(days=30))
    old = PlaceFactory(confirmed_at=now - timedelta(days=200))
    never = PlaceFactory(confirmed_at=None)
    assert set(Place.objects.stale()) == {old, never}
    assert set(Place.objects.stale(months=12)) == {never}
    assert list(Place.objects.stale_first()) == [never, old, fresh]


def test_system_creation_is_not_a_confirmation():
    place = services.create_place(acting_user=None, status=Place.Status.PUBLISHED, **FIELDS)
    assert place.confirmed_at is None and place.status == Place.Status.PUBLISHED
    assert history(place, "place_created").get().actor_label == "Système"
    services.update_place(place, acting_user=None, phone="+33553000000")
    place.refresh_from_db()
    assert place.confirmed_at is None
