"""Registration rules (events.services): seats, waiting list, promotion, capacity changes, refusals that change
nothing, and the history rows."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from core.models import HistoryEntry
from events import services
from events.models import Event, Registration, Session
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, RegistrationFactory, RelaySiteFactory, SessionFactory
from tests.people.factories import PersonFactory

R = Registration.Status


def public(session, n, **kwargs):
    return services.register(session, first_name=f"P{n}", email=f"p{n}@example.org", **kwargs)


def test_registrations_beyond_capacity_go_to_the_waiting_list():
    session = SessionFactory(capacity=2)
    statuses = [public(session, n).status for n in range(4)]
    assert statuses == [R.CONFIRMED, R.CONFIRMED, R.WAITLISTED, R.WAITLISTED]
    assert HistoryEntry.objects.filter(action="event_registration_waitlisted").count() == 2


def test_confirmation_email_has_cancel_link_and_calendar_file(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        public(session, 1)
    message = mail.outbox[-1]
    assert message.to == ["p1@example.org"]
    assert "Inscription confirmée" in message.subject
    assert "/evenements/inscription/" in message.body and "/annuler/" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name == "evenement.ics" and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content and "DTSTART:" in content


def test_cancelling_a_confirmed_registration_promotes_the_first_waiting_one(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1)
    first = public(session, 1)
    second = public(session, 2)
    third = public(session, 3)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(first)
    assert promoted.pk == second.pk
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (R.CONFIRMED, R.WAITLISTED)
    assert "Une place s'est libérée" in mail.outbox[-1].subject


def test_cancelling_a_waiting_registration_promotes_nobody():
    session = SessionFactory(capacity=1)
    public(session, 1)
    waiting = public(session, 2)
    assert services.cancel_registration(waiting) is None
    assert session.registrations.confirmed().count() == 1


def test_cancelling_twice_is_refused():
    registration = public(SessionFactory(), 1)
    services.cancel_registration(registration)
    with pytest.raises(ValidationError, match="annulée"):
        services.cancel_registration(registration)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "déjà commencé"),
        ({"status": Session.Status.CANCELLED}, "annulée"),
        ({"event__status": Event.Status.DRAFT, "event__published_at": None}, "pas ouvert"),
    ],
)
def test_past_cancelled_or_unpublished_sessions_are_refused_and_nothing_changes(setup, message):
    session = SessionFactory(**setup)
    with pytest.raises(ValidationError, match=message):
        public(session, 1)
    assert not Registration.objects.exists()
    assert not HistoryEntry.objects.filter(action__startswith="event_registration").exists()


def test_registering_twice_is_refused_by_email_and_by_person():
    session = SessionFactory()
    public(session, 1)
    with pytest.raises(ValidationError, match="déjà inscrite"):
        services.register(session, first_name="Autre", email="P1@example.org")
    person = PersonFactory()
    user = UserFactory(prescriber=True)
    services.register(session, person=person, acting_user=user)
    with pytest.raises(ValidationError, match="déjà inscrite"):
        services.register(session, person=person, acting_user=user)
    assert session.registrations.count() == 2


def test_a_cancelled_registrant_may_register_again():
    session = SessionFactory()
    services.cancel_registration(public(session, 1))
    assert public(session, 1).status == R.CONFIRMED


def test_the_database_refuses_a_double_registration_too():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError):
        RegistrationFactory(session=registration.session, email=registration.email)


def test_relay_sites_have_their_own_seats_and_waiting_lists():
    site = RelaySiteFactory(capacity=1, session__capacity=1, session__event__webinar=True)
    session = site.session
    at_site = public(session, 1, relay_site=site)
    waiting_at_site = public(session, 2, relay_site=site)
    online = public(session, 3)
    assert (at_site.status, waiting_at_site.status, online.status) == (R.CONFIRMED, R.WAITLISTED, R.CONFIRMED)
    # A seat freed online does not go to someone waiting for the relay site.
    assert services.cancel_registration(online) is None
    assert services.cancel_registration(at_site).pk == waiting_at_site.pk


def test_a_relay_site_of_another_session_is_refused():
    site = RelaySiteFactory()
    with pytest.raises(ValidationError, match="ne diffuse pas"):
        public(SessionFactory(), 1, relay_site=site)


def test_lowering_capacity_below_confirmed_is_refused_without_the_explicit_choice():
    session = SessionFactory(capacity=3)
    for n in range(3):
        public(session, n)
    with pytest.raises(ValidationError, match="3 inscriptions sont confirmées"):
        services.change_capacity(session, acting_user=None, capacity=1)
    session.refresh_from_db()
    assert session.capacity == 3
    assert session.registrations.confirmed().count() == 3


def test_lowering_capacity_with_the_choice_moves_the_latest_to_the_head_of_the_waiting_list():
    session = SessionFactory(capacity=3)
    regs = [public(session, n) for n in range(4)]  # the 4th waits
    promoted, moved = services.change_capacity(session, acting_user=None, capacity=1, move_excess_to_waitlist=True)
    assert promoted == [] and {r.pk for r in moved} == {regs[1].pk, regs[2].pk}
    waiting = list(session.registrations.waitlisted().waiting_order().values_list("pk", flat=True))
    assert waiting == [regs[1].pk, regs[2].pk, regs[3].pk]
    assert session.registrations.confirmed().count() == 1


def test_raising_capacity_promotes_people_waiting():
    session = SessionFactory(capacity=1)
    for n in range(3):
        public(session, n)
    promoted, moved = services.change_capacity(session, acting_user=None, capacity=2)
    assert len(promoted) == 1 and moved == []
    assert session.registrations.confirmed().count() == 2


def test_negative_capacity_is_refused():
    with pytest.raises(ValidationError, match="négatif"):
        services.change_capacity(SessionFactory(), acting_user=None, capacity=-1)


def test_publish_needs_a_session_and_cancel_tells_registrants(django_capture_on_commit_callbacks):
    event = EventFactory(draft=True)
    coordinator = UserFactory(coordinator=True)
    with pytest.raises(ValidationError, match="au moins une séance"):
        services.publish_event(event, acting_user=coordinator)
    session = SessionFactory(event=event)
    services.publish_event(event, acting_user=coordinator)
    public(session, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event, acting_user=coordinator)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert "Séance annulée" in mail.outbox[0].subject


def test_a_registration_on_behalf_without_contact_mails_the_professional(django_capture_on_commit_callbacks):
    user = UserFactory(prescriber=True, email="pro@example.org")
    person = PersonFactory(email="", phone="", no_direct_contact=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(SessionFactory(), person=person, acting_user=user)
    assert mail.outbox[-1].to == ["pro@example.org"]
    assert "une personne que vous avez inscrite" in mail.outbox[-1].body


def test_a_new_date_tells_registrants_and_rearms_reminders(django_capture_on_commit_callbacks):
    session = SessionFactory()
    registration = public(session, 1)
    Registration.objects.filter(pk=registration.pk).update(reminder_2d_sent_at=timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(session, acting_user=None, starts_at=session.starts_at + timedelta(days=7))
    registration.refresh_from_db()
    assert registration.reminder_2d_sent_at is None
    assert "Séance modifiée" in mail.outbox[0].subject and mail.outbox[0].attachments
    mail.outbox.clear()
    services.update_session(session, acting_user=None, speakers="Léa")
    assert mail.outbox == []
    assert HistoryEntry.objects.filter(action="event_session_updated").count() == 2


def _queries_to_tell(count, change):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ContentType.objects.get_for_model(Session)  # the history's content type, cached once for both runs
    session = SessionFactory(capacity=10)
    for _ in range(count):
        RegistrationFactory(session=session, person=PersonFactory(), registered_by=UserFactory(prescriber=True))
    with CaptureQueriesContext(connection) as queries:
        change(session)
    return len(queries)


@pytest.mark.parametrize(
    "change",
    [
        lambda session: services.update_session(
            session, acting_user=None, starts_at=session.starts_at + timedelta(days=7)
        ),
        lambda session: services.cancel_session(session, acting_user=None),
    ],
    ids=["new-date", "cancelled"],
)
def test_telling_the_registrants_costs_the_same_queries_for_one_or_many(change):
    assert _queries_to_tell(3, change) == _queries_to_tell(1, change)
