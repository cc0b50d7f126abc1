"""The upcoming sessions the digital-autonomy diagnostic suggests, and those offered with a refurbished device
(registered from `EventsConfig.ready()` with `orientation.diagnostic.register_sessions_provider` and
`devices.training.register_sessions_provider`).

Rule: public sessions (audience « grand public » or both) open to registration with a free seat in the coming 60
days; trainings for aidants are never suggested. A beginner is offered workshops and public webinars; the other
levels the forum too. With a commune, only sessions in a place (or relayed in a place) within 30 km of it, and
online sessions; soonest first, five at most."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from events.models import Audience, Event, RelaySite, Session
from places.models import Place

WITHIN_DAYS = 60
NEAR_KM = 30
LIMIT = 5
BEGINNER = "debutant"
KINDS_BY_LEVEL = {BEGINNER: [Event.Kind.WORKSHOP, Event.Kind.WEBINAR]}
DEFAULT_KINDS = [Event.Kind.WORKSHOP, Event.Kind.WEBINAR, Event.Kind.FORUM]


def suggested_sessions(level, commune, *, now=None):
    now = now or timezone.now()
    sessions = (
        Session.objects.open_to_registration(now)
        .filter(
            starts_at__lte=now + timedelta(days=WITHIN_DAYS),
            event__audience__in=[Audience.PUBLIC, Audience.BOTH],
            event__kind__in=KINDS_BY_LEVEL.get(str(level), DEFAULT_KINDS),
        )
        .with_seats()
        .filter(free_seats__gt=0)
    )
    point = commune.point if commune is not None else None
    if point is not None:
        near = Place.objects.within_box(point[0], point[1], NEAR_KM).values("pk")
        relayed_near = RelaySite.objects.active().filter(session=OuterRef("pk"), place__in=near)
        sessions = sessions.filter(Q(place__in=near) | Exists(relayed_near) | Q(place__isnull=True))
    return list(sessions.select_related("event", "place").order_by("starts_at", "pk")[:LIMIT])


def sessions_for_diagnostic(level, commune):
    """[(title, date, url)] for the diagnostic's result page."""
    return [
        (
            f"{session.event.title} ({session.place.commune_name if session.place_id else 'en ligne'})",
            session.starts_at,
            session.get_absolute_url(),
        )
        for session in suggested_sessions(level, commune)
    ]


def sessions_for_device_training(commune):
    """[(title, starts_at, place name, commune name, url)] offered with a device (a beginner's sessions); the
    names are empty for an online session."""
    return [
        (
            session.event.title,
            session.starts_at,
            session.place.name if session.place_id else "",
            session.place.commune_name if session.place_id else "",
            session.get_absolute_url(),
        )
        for session in suggested_sessions(BEGINNER, commune)
    ]
