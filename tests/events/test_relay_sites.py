"""Relay sites through the organisers' pages: change the host, remove a site with or without registrations."""

from django.core import mail
from django.urls import reverse

from core import sms
from core.models import HistoryEntry
from core.sms import normalize_phone
from events.models import Registration, RelaySite
from tests.accounts.factories import OrganizationFactory
from tests.events.factories import RegistrationFactory, RelaySiteFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory

R = Registration.Status


def _urls(site):
    args = [site.session_id, site.pk]
    return reverse("events:relay_site_host", args=args), reverse("events:relay_site_remove", args=args)


def test_only_the_organisers_change_or_remove_a_relay_site(client_for):
    site = RelaySiteFactory()
    for role in ("mediator", "prescriber"):
        client = client_for(role)
        for url in _urls(site):
            assert client.get(url).status_code == 403
            assert client.post(url).status_code == 403
    other_admin = client_for("org_admin")
    for url in _urls(site):
        assert other_admin.get(url).status_code == 404
    own_admin = client_for("org_admin")
    own = RelaySiteFactory(session__event__organizer=own_admin.user.memberships.first().organization)
    for url in _urls(own):
        assert own_admin.get(url).status_code == 200
    assert RelaySite.objects.count() == 2


def test_host_changed_to_someone_of_the_place(client_for, user_with_role):
    client = client_for("coordinator")
    place = PlaceFactory(published=True, organization=OrganizationFactory())
    site = RelaySiteFactory(place=place)
    host = user_with_role("mediator", organization=place.organization)
    stranger = user_with_role("mediator")
    url = _urls(site)[0]
    response = client.post(url, {"host": stranger.pk})
    assert response.status_code == 200 and "ne travaille pas dans la structure" in response.content.decode()
    assert client.post(url, {"host": host.pk}).status_code == 302
    site.refresh_from_db()
    assert site.host == host
    entry = HistoryEntry.objects.get(action="event_relay_site_host_changed")
    assert entry.object_id == str(site.pk) and entry.changes == {"host": [None, str(host.pk)]}


def test_relay_site_places_never_below_confirmed(client_for):
    client = client_for("coordinator")
    site = RelaySiteFactory(capacity=3)
    RegistrationFactory.create_batch(2, session=site.session, relay_site=site)
    url = reverse("events:session_capacity", args=[site.session_id]) + f"?relais={site.pk}"
    response = client.post(url, {"capacity": 1})
    assert response.status_code == 200
    assert "2 inscriptions sont confirmées" in response.content.decode()
    site.refresh_from_db()
    assert site.capacity == 3


def test_removing_an_empty_relay_site_deletes_it(client_for, django_capture_on_commit_callbacks):
    client = client_for("coordinator")
    site = RelaySiteFactory()
    page = client.get(_urls(site)[1])
    assert "Personne n'est inscrit dans ce lieu" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_urls(site)[1])
    assert response.status_code == 302
    assert not RelaySite.objects.exists()
    assert HistoryEntry.objects.filter(action="event_relay_site_removed", object_id=str(site.pk)).exists()
    assert mail.outbox == []


def test_removing_a_relay_site_cancels_and_tells_every_registrant(client_for, django_capture_on_commit_callbacks):
    client = client_for("coordinator")
    site = RelaySiteFactory(capacity=1)
    session = site.session
    confirmed = RegistrationFactory(session=session, relay_site=site, email="ana@example.org")
    waiting = RegistrationFactory(
        session=session, relay_site=site, email="", phone="0612345678", status=R.WAITLISTED, confirmed_at=None
    )
    person = PersonFactory(email="leo@example.org")
    on_behalf = RegistrationFactory(
        session=session,
        relay_site=site,
        person=person,
        first_name="",
        email="",
        status=R.WAITLISTED,
        confirmed_at=None,
    )
    online = RegistrationFactory(session=session)
    page = client.get(_urls(site)[1]).content.decode()
    assert "3 personnes sont inscrites dans ce lieu" in page and "1 confirmée, 2 en liste d" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_urls(site)[1])
    assert response.status_code == 302
    for registration in (confirmed, waiting, on_behalf):
        registration.refresh_from_db()
        assert registration.status == R.CANCELLED and registration.cancelled_at is not None
        assert HistoryEntry.objects.filter(
            action="event_registration_cancelled_relay_site_removed", object_id=str(registration.pk)
        ).exists()
    online.refresh_from_db()
    assert online.status == R.CONFIRMED
    site.refresh_from_db()
    assert site.status == RelaySite.Status.WITHDRAWN
    entry = HistoryEntry.objects.get(action="event_relay_site_withdrawn", object_id=str(site.pk))
    assert entry.changes == {"cancelled_registrations": 3}
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "ana@example.org",
        "leo@example.org",
    ]
    assert all("Lieu relais retiré" in message.subject for message in mail.outbox)
    assert site.place.name in mail.outbox[0].body
    assert sorted(message.to for message in sms.outbox) == sorted(["+33612345678", normalize_phone(person.phone)])
    # The withdrawn site is gone from the pages and takes no more registrations; the place may be added again.
    manage = client.get(reverse("events:manage_session", args=[session.pk])).content.decode()
    assert _urls(site)[1] not in manage
    assert client.get(_urls(site)[1]).status_code == 404
    add = client.post(
        reverse("events:relay_site_add", args=[session.pk]), {"place": site.place.pk, "capacity": 5, "host": ""}
    )
    assert add.status_code == 302 and session.relay_sites.active().count() == 1
