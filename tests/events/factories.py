"""Factories for events: `SessionFactory()` is a published event's session in three days with 20 places in a
published place; `SessionFactory(online=True)` a webinar without place; `RelaySiteFactory(session=…)`;
`RegistrationFactory(session=…)` a confirmed public registrant (use `events.services.register` to test rules)."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import Event, Registration, RelaySite, Series, Session
from tests.accounts.factories import OrganizationFactory
from tests.places.factories import PlaceFactory


class SeriesFactory(DjangoModelFactory):
    class Meta:
        model = Series

    name = factory.Sequence(lambda n: f"Les jeudis de l'inclusion numérique {n}")


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.TRAINING
    title = factory.Sequence(lambda n: f"Formation n° {n} : les démarches en ligne")
    description = "Apprendre à accompagner les démarches en ligne."
    organizer = factory.SubFactory(OrganizationFactory)
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=Event.Status.DRAFT, published_at=None)
        webinar = factory.Trait(kind=Event.Kind.WEBINAR, audience="public")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    duration_minutes = 90
    place = factory.SubFactory(PlaceFactory, published=True, with_point=True)
    capacity = 20

    class Params:
        online = factory.Trait(place=None, online_url="https://visio.example.org/salle")


class RelaySiteFactory(DjangoModelFactory):
    class Meta:
        model = RelaySite

    session = factory.SubFactory(SessionFactory, online=True)
    place = factory.SubFactory(PlaceFactory, published=True, with_point=True)
    capacity = 10


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    first_name = "Camille"
    last_name = "Martin"
    email = factory.Sequence(lambda n: f"inscrit{n}@example.org")
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
