"""The training offered with a delivery: the places nearby and the public sessions the diagnostic would suggest
(free seats, coming 60 days, about 30 km around the person's commune; online ones apart), on the delivery page and
in the « bon de remise »."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devices.models import RequestStatus, Status
from events.models import Audience, Event
from tests.devices.factories import DeviceFactory, DeviceRequestFactory, DonationFactory, workshop_of, workshop_staff
from tests.events.factories import RegistrationFactory, SessionFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import PersonFactory
from tests.roles import log_in


@pytest.fixture(autouse=True)
def _plain_pdf(monkeypatch):
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)


@pytest.fixture
def staff():
    return workshop_staff()


def _workshop_session(title, **kwargs):
    return SessionFactory(
        event__kind=Event.Kind.WORKSHOP, event__audience=Audience.PUBLIC, event__title=title, **kwargs
    )


def _reserved_request(staff, commune):
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    device.status = Status.RESERVED
    device.save(update_fields=["status"])
    device_request = DeviceRequestFactory(person=PersonFactory(commune=commune))
    device_request.status = RequestStatus.RESERVED
    device_request.reserved_device = device
    device_request.save(update_fields=["status", "reserved_device"])
    return device_request


def test_the_delivery_offers_the_sessions_nearby_with_free_seats(client, staff):
    device_request = _reserved_request(staff, CommuneFactory(latitude=44.2, longitude=0.6))
    _workshop_session("Premiers pas sur l'ordinateur")
    full = _workshop_session("Atelier complet", capacity=1)
    RegistrationFactory(session=full)
    far = _workshop_session("Atelier parisien")
    far.place.latitude, far.place.longitude = 48.85, 2.35
    far.place.save()
    _workshop_session("Atelier passé", starts_at=timezone.now() - timedelta(days=2))
    _workshop_session("Atelier trop lointain", starts_at=timezone.now() + timedelta(days=90))
    SessionFactory(online=True, event__webinar=True, event__title="Webinaire messagerie")
    log_in(client, staff)
    response = client.get(reverse("devices:request_deliver", args=[device_request.pk]))
    offer = response.context["offer"]
    assert [s.title for s in offer["nearby_sessions"]] == ["Premiers pas sur l'ordinateur"]
    assert [s.title for s in offer["online_sessions"]] == ["Webinaire messagerie"]
    html = response.content.decode()
    assert "Premiers pas sur l&#x27;ordinateur" in html and "Webinaire messagerie" in html
    for absent in ("Atelier complet", "Atelier parisien", "Atelier passé", "Atelier trop lointain"):
        assert absent not in html
    prefilled = response.context["form"].initial["training_offer"]
    assert "Séance : Premiers pas sur l'ordinateur" in prefilled and "en ligne" in prefilled


def test_without_a_commune_only_online_sessions_are_offered(client, staff):
    device_request = _reserved_request(staff, None)
    _workshop_session("Atelier quelque part")
    SessionFactory(online=True, event__webinar=True, event__title="Webinaire messagerie")
    log_in(client, staff)
    offer = client.get(reverse("devices:request_deliver", args=[device_request.pk])).context["offer"]
    assert offer["nearby_sessions"] == [] and [s.title for s in offer["online_sessions"]] == ["Webinaire messagerie"]


def test_the_delivery_note_prints_the_offer_before_and_after_the_delivery(client, staff):
    device_request = _reserved_request(staff, CommuneFactory(latitude=44.2, longitude=0.6))
    _workshop_session("Premiers pas sur la tablette")
    log_in(client, staff)
    pdf = client.get(reverse("devices:delivery_note", args=[device_request.pk])).content
    assert b"Formation propos" in pdf and b"Premiers pas sur la tablette" in pdf
    client.post(
        reverse("devices:request_deliver", args=[device_request.pk]),
        {"acknowledgement": "paper", "price": "0", "training_offer": "Atelier du jeudi & café"},
    )
    pdf = client.get(reverse("devices:delivery_note", args=[device_request.pk])).content
    assert b"Atelier du jeudi & caf" in pdf and b"Premiers pas sur la tablette" not in pdf


def test_the_delivery_page_runs_a_bounded_number_of_queries(client, staff):
    device_request = _reserved_request(staff, CommuneFactory(latitude=44.2, longitude=0.6))
    _workshop_session("Un")
    log_in(client, staff)
    url = reverse("devices:request_deliver", args=[device_request.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(6):
        _workshop_session(f"Atelier {number}")
    SessionFactory(online=True, event__webinar=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
