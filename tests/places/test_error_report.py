"""« Signaler une erreur »: the public form on a place page and the `report_error` service."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.models import HistoryEntry
from places import reporting
from places.models import ErrorReport
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.places.factories import PlaceFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def place(organization):
    return PlaceFactory(published=True, complete=True, organization=organization, name="Espace numérique d'Agen")


def report_url(place):
    return reverse("places:report_error", args=[place.pk])


def test_report_reaches_the_organisation_and_the_coordinators_after_commit(
    client, place, organization, django_capture_on_commit_callbacks
):
    mediator = UserFactory(mediator=True, organization=organization)
    org_admin = UserFactory(org_admin=True, organization=organization)
    coordinator = UserFactory(coordinator=True)
    UserFactory(prescriber=True, organization=organization)  # not concerned
    UserFactory(mediator=True)  # another organisation
    UserFactory(mediator=True, organization=organization, is_active=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            report_url(place),
            {"what_is_wrong": "Fermé le samedi.", "suggestion": "Ouvert seulement en semaine.", "contact": ""},
        )
        assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response.url == reverse("places:detail", args=[place.pk])
    report = ErrorReport.objects.get()
    assert (report.place, report.what_is_wrong, report.suggestion, report.status) == (
        place,
        "Fermé le samedi.",
        "Ouvert seulement en semaine.",
        ErrorReport.Status.OPEN,
    )
    entry = HistoryEntry.objects.get(action="place_error_reported")
    assert entry.actor is None and entry.actor_label == "Système"
    # one message per recipient: nobody sees the other addresses
    assert sorted(m.to for m in mail.outbox) == sorted([[mediator.email], [org_admin.email], [coordinator.email]])
    message = mail.outbox[0]
    assert "Espace numérique d'Agen" in message.subject
    assert "Fermé le samedi." in message.body
    assert f"/lieux/{place.pk}/" in message.body


def test_thank_you_message_after_the_report(client, place):
    response = client.post(report_url(place), {"what_is_wrong": "Mauvais numéro."}, follow=True)
    assert "Merci ! Votre signalement est transmis" in response.text


def test_empty_report_is_an_error_on_the_field(client, place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(place), {"what_is_wrong": "  ", "suggestion": "Rien"})
    assert response.status_code == 200
    assert "Dites-nous ce qui est faux sur cette fiche." in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Le formulaire contient 1 erreur" in response.text
    assert not ErrorReport.objects.exists()
    assert mail.outbox == []


def test_report_on_an_unpublished_place_is_404(client):
    draft = PlaceFactory(draft=True)
    assert client.post(report_url(draft), {"what_is_wrong": "Faux"}).status_code == 404


def test_report_needs_the_csrf_token(place):
    client = Client(enforce_csrf_checks=True)
    assert client.post(report_url(place), {"what_is_wrong": "Faux"}).status_code == 403


def test_get_is_not_allowed(client, place):
    assert client.get(report_url(place)).status_code == 405


def test_place_without_organisation_reaches_the_coordinators(place, django_capture_on_commit_callbacks):
    place.organization = None
    place.save()
    coordinator = UserFactory(coordinator=True)
    with django_capture_on_commit_callbacks(execute=True):
        reporting.report_error(place=place, what_is_wrong="Adresse fausse")
    assert mail.outbox[0].to == [coordinator.email]


def test_too_many_reports_on_one_place_are_refused(client, place):
    for _ in range(reporting.MAX_REPORTS_PER_PLACE_PER_HOUR):
        reporting.report_error(place=place, what_is_wrong="Faux")
    with pytest.raises(ValidationError):
        reporting.report_error(place=place, what_is_wrong="Encore faux")
    response = client.post(report_url(place), {"what_is_wrong": "Toujours faux"})
    assert response.status_code == 200
    assert "beaucoup de signalements" in response.text
    assert ErrorReport.objects.count() == reporting.MAX_REPORTS_PER_PLACE_PER_HOUR
    other = PlaceFactory(published=True)
    reporting.report_error(place=other, what_is_wrong="Faux")  # other places are not affected
