"""Public pages (calendar with bounded queries, event page with schema.org data, self-registration, cancellation
by link, iCalendar), registration from the person record, and the organisers' pages."""

import json
import re
import time

from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import links
from events.forms import STARTED_SALT
from events.models import Event, Registration
from tests.accounts.factories import OrganizationFactory
from tests.events.factories import EventFactory, RegistrationFactory, RelaySiteFactory, SessionFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory

R = Registration.Status


def test_calendar_lists_free_seats_first_with_bounded_queries(client):
    full = SessionFactory(capacity=1)
    RegistrationFactory(session=full)
    later_free = SessionFactory(starts_at=full.starts_at.replace(year=full.starts_at.year + 1))
    SessionFactory(event__draft=True)
    for _ in range(10):
        SessionFactory()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    assert len(queries) <= 8
    page = list(response.context["page"].object_list)
    assert page[-1].pk == full.pk and later_free in page
    assert len(page) == 12


def test_calendar_filters(client):
    webinar = SessionFactory(online=True, event__webinar=True)
    SessionFactory()
    response = client.get(reverse("events:calendar"), {"online": "oui", "audience": "public"})
    assert [s.pk for s in response.context["page"].object_list] == [webinar.pk]


def test_event_page_has_schema_org_event(client):
    session = SessionFactory()
    response = client.get(reverse("events:detail", args=[session.event.pk]))
    data = json.loads(
        re.search(r'application/ld\+json" nonce="[^"]*">(.*?)</script>', response.content.decode(), re.S)[1]
    )
    assert data[0]["@type"] == "Event" and data[0]["offers"]["price"] == 0
    assert data[0]["eventAttendanceMode"].endswith("OfflineEventAttendanceMode")


def test_draft_event_is_not_public(client):
    assert client.get(reverse("events:detail", args=[EventFactory(draft=True).pk])).status_code == 404


def _post(client, session, **data):
    started = signing.dumps(int(time.time()) - 10, salt=STARTED_SALT)
    payload = {"first_name": "Ana", "email": "ana@example.org", "phone": "", "started": started, **data}
    return client.post(reverse("events:register", args=[session.pk]), payload)


def test_public_registration_then_cancellation_by_link(client, settings):
    session = SessionFactory(capacity=1)
    response = _post(client, session)
    registration = Registration.objects.get()
    assert response.status_code == 302 and registration.status == R.CONFIRMED
    page = client.get(response["Location"])
    assert "C'est confirmé" in page.content.decode()
    token = links.token_for(registration)
    ics = client.get(reverse("events:registration_ics", args=[token]))
    assert ics["Content-Type"].startswith("text/calendar") and b"UID:seance-" in ics.content
    client.post(reverse("events:cancel", args=[token]))
    registration.refresh_from_db()
    assert registration.status == R.CANCELLED
    assert client.get(reverse("events:cancel", args=[token + "x"])).status_code == 404


def test_registering_twice_shows_a_french_error(client):
    session = SessionFactory()
    _post(client, session)
    response = _post(client, session)
    assert response.status_code == 200
    assert "déjà inscrite" in response.content.decode()
    assert Registration.objects.count() == 1


def test_honeypot_refuses_and_changes_nothing(client):
    response = _post(client, SessionFactory(), site_web="http://spam.example")
    assert response.status_code == 400 and not Registration.objects.exists()


def test_relay_site_choice_ranked_by_distance(client):
    site = RelaySiteFactory(session__event__webinar=True)
    response = client.get(reverse("events:register", args=[site.session.pk]))
    assert site.place.name in response.content.decode()
    _post(client, site.session, seat=str(site.pk))
    assert Registration.objects.get().relay_site == site


def test_prescriber_registers_a_person_from_the_record(client_for):
    client = client_for("prescriber")
    organization = client.user.memberships.first().organization
    person = PersonFactory(involved=organization)
    session = SessionFactory()
    detail = client.get(reverse("people:detail", args=[person.pk]))
    assert "Inscrire à un événement" in detail.content.decode()
    url = reverse("events:register_person", args=[person.pk])
    assert session.event.title in client.get(url).content.decode()
    response = client.post(f"{url}?seance={session.pk}")
    assert response.status_code == 302, (
        response.templates[0].name,
        re.findall(r"error-summary__list.*?</ul>", response.content.decode(), re.S),
    )
    assert Registration.objects.get().person == person
    timeline = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f"Inscription à « {session.event.title} »" in timeline


def test_a_person_outside_the_organisation_is_404(client_for):
    client = client_for("prescriber")
    assert client.get(reverse("events:register_person", args=[PersonFactory().pk])).status_code == 404


def test_coordinator_creates_and_publishes_an_event(client_for):
    client = client_for("coordinator")
    organization = client.user.memberships.first().organization
    response = client.post(
        reverse("events:event_create"),
        {
            "kind": "training",
            "title": "Jeudi : FranceConnect",
            "description": "Simple.",
            "audience": "professionals",
            "organizer": organization.pk,
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    client.post(reverse("events:event_publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT  # no session yet
    client.post(
        reverse("events:session_create", args=[event.pk]),
        {
            "starts_at": "2099-03-05T14:00",
            "duration_minutes": 90,
            "online_url": "https://visio.example.org/a",
            "capacity": 30,
        },
    )
    client.post(reverse("events:event_publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_mediator_cannot_manage_events(client_for):
    assert client_for("mediator").get(reverse("events:manage_list")).status_code == 403


def test_calendar_commune_and_date_filters(client):
    from datetime import timedelta

    from django.utils import timezone

    nerac_place = PlaceFactory(published=True, commune_name="Nérac", insee_code="47195", postal_code="47600")
    in_nerac = SessionFactory(place=nerac_place)
    relayed = RelaySiteFactory(place=nerac_place).session
    SessionFactory()
    later = SessionFactory(starts_at=timezone.now() + timedelta(days=40))
    from geo.testing import load_test_territory

    load_test_territory(departements=["47"], insee_codes=[])
    response = client.get(reverse("events:calendar"), {"commune": "Nérac (47600)"})
    assert {s.pk for s in response.context["page"].object_list} == {in_nerac.pk, relayed.pk}
    start = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.get(reverse("events:calendar"), {"date_from": start})
    assert [s.pk for s in response.context["page"].object_list] == [later.pk]


def test_a_draft_session_page_and_feed_stay_private(client):
    draft = SessionFactory(event__draft=True)
    public = SessionFactory()
    assert client.get(reverse("events:register", args=[draft.pk])).status_code == 404
    feed = client.get(reverse("events:feed")).content.decode()
    assert f"UID:seance-{public.pk}@" in feed and f"UID:seance-{draft.pk}@" not in feed


def test_registration_is_rate_limited_per_contact(client, settings):
    settings.EVENTS_REGISTRATION_LIMIT_PER_CONTACT_PER_DAY = 1
    _post(client, SessionFactory())
    response = _post(client, SessionFactory())
    assert response.status_code == 429
    assert Registration.objects.count() == 1


def test_an_org_admin_manages_only_the_events_of_their_organisation(client_for):
    client = client_for("org_admin")
    organization = client.user.memberships.first().organization
    own = SessionFactory(event__organizer=organization)
    other = SessionFactory()
    assert client.get(reverse("events:manage_event", args=[own.event.pk])).status_code == 200
    assert client.get(reverse("events:manage_event", args=[other.event.pk])).status_code == 404
    assert client.get(reverse("events:manage_session", args=[other.pk])).status_code == 404


def test_lowering_places_through_the_page_needs_the_box(client_for):
    client = client_for("coordinator")
    session = SessionFactory(capacity=2)
    RegistrationFactory(session=session)
    RegistrationFactory(session=session)
    url = reverse("events:session_capacity", args=[session.pk])
    response = client.post(url, {"capacity": 1})
    assert response.status_code == 200 and "2 inscriptions sont confirmées" in response.content.decode()
    response = client.post(url, {"capacity": 1, "move_excess": "on"})
    assert response.status_code == 302
    assert session.registrations.filter(status=R.WAITLISTED).count() == 1


def test_relay_site_added_with_a_host_of_the_place(client_for, user_with_role):
    client = client_for("coordinator")
    session = SessionFactory(online=True)
    place = PlaceFactory(published=True, organization=OrganizationFactory())
    host = user_with_role("mediator", organization=place.organization)
    stranger = user_with_role("mediator")
    url = reverse("events:relay_site_add", args=[session.pk])
    response = client.post(url, {"place": place.pk, "capacity": 8, "host": stranger.pk})
    assert "ne travaille pas dans la structure" in response.content.decode()
    client.post(url, {"place": place.pk, "capacity": 8, "host": host.pk})
    site = session.relay_sites.get()
    assert (site.place, site.host, site.capacity) == (place, host, 8)


def test_a_hand_edited_relay_site_or_session_number_is_not_a_server_error(client_for):
    client = client_for("coordinator")
    site = RelaySiteFactory()
    url = reverse("events:session_capacity", args=[site.session.pk])
    assert client.get(f"{url}?relais={site.pk}").status_code == 200
    assert client.get(f"{url}?relais=abc").status_code == 404
    assert client.get(f"{url}?relais=99999999999999999999999").status_code == 404
    client = client_for("prescriber")
    person = PersonFactory(involved=client.user.memberships.first().organization)
    session = SessionFactory()
    url = reverse("events:register_person", args=[person.pk])
    for seance in ("abc", "1.5", "99999999999999999999999"):
        response = client.get(f"{url}?seance={seance}")
        assert response.status_code == 200 and response.templates[0].name == "events/person/choose.html"
        assert session.event.title in response.content.decode()
