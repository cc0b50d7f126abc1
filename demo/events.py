"""Demo events: the coordination's series « Les jeudis de l'inclusion numérique » (a training for aidants, three
sessions: one held three weeks ago with its attendance, certificates and survey answers, two to come, the next one
nearly full with a waiting list), and a public webinar on the CAF's online procedures relayed in two demo places
(the France Services of the demo organisation admin and the médiathèque of the demo mediator, who host them).

Everything goes through `events.services` and `events.attendance` on a demo clock, so each step has its history
row. Idempotent: nothing is done when the series exists."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from demo.clock import demo_clock
from events import attendance, services, surveys
from events.models import Audience, Event, Registration, Series
from places.models import Place

SERIES_NAME = "Les jeudis de l'inclusion numérique"

# Fictional registrants: (first name, last name). Their addresses are @demo.test.
AIDANTS = [
    ("Sandrine", "Peyrot"),
    ("Hugo", "Lasserre"),
    ("Fatima", "El Amrani"),
    ("Jérôme", "Castex"),
    ("Claire", "Daubas"),
    ("Ibrahim", "Diallo"),
    ("Marion", "Capdeville"),
    ("Olivier", "Barrère"),
]
PUBLIC = [
    ("Josette", "Lafargue"),
    ("Didier", "Souleil"),
    ("Nora", "Benhamou"),
    ("Michel", "Cazaux"),
    ("Linda", "Perez"),
    ("René", "Lagarde"),
]


def _email(first, last):
    return f"{first}.{last}".lower().replace(" ", "-").replace("é", "e").replace("è", "e") + "@demo.test"


def _at(now, days, hour, minute=0):
    return timezone.localtime(now + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def create_events():
    """Seed the demo events once. Returns the number of registrations of the demo events."""
    if Series.objects.filter(name=SERIES_NAME).exists():
        return Registration.objects.filter(session__event__series__name=SERIES_NAME).count() + (
            Registration.objects.filter(session__event__kind=Event.Kind.WEBINAR).count()
        )
    coordinator = User.objects.get(email="coordination@demo.test")
    coordination = coordinator.memberships.select_related("organization").first().organization
    org_admin = User.objects.get(email="admin-structure@demo.test")
    mediator = User.objects.get(email="mediation@demo.test")
    published = Place.objects.published().order_by("pk")
    france_services_place = published.filter(organization=org_admin.memberships.first().organization).first()
    library_place = published.filter(organization=mediator.memberships.first().organization).first()
    training_place = library_place or published.first()
    now = timezone.now()
    count = 0

    with demo_clock(now - timedelta(days=40)):
        series = services.create_series(
            acting_user=coordinator,
            name=SERIES_NAME,
            description="Une formation courte, chaque mois, pour les aidants et les médiateurs du réseau.",
        )
        training = services.create_event(
            acting_user=coordinator,
            kind=Event.Kind.TRAINING,
            title="Jeudi de l'inclusion numérique : accompagner sans faire à la place",
            description=(
                "Deux heures pour les aidants : repérer les difficultés, accompagner une démarche en ligne sans "
                "faire à la place de la personne, orienter vers le bon lieu."
            ),
            audience=Audience.PROFESSIONALS,
            organizer=coordination,
            series=series,
            materials_url="",
            replay_url="",
        )
        sessions = [
            services.create_session(
                training,
                acting_user=coordinator,
                title=title,
                starts_at=_at(now, days, 14),
                duration_minutes=120,
                place=training_place,
                online_url="",
                capacity=capacity,
                speakers="Équipe de coordination départementale",
            )
            for title, days, capacity in [
                ("Les bases de l'accompagnement", -21, 12),
                ("Les démarches CAF et France Travail", 8, 6),
                ("Sécurité numérique : arnaques et mots de passe", 36, 12),
            ]
        ]
        services.publish_event(training, acting_user=coordinator)
    held, next_one, later = sessions

    with demo_clock(now - timedelta(days=30)):
        for first, last in AIDANTS[:6]:
            services.register(held, first_name=first, last_name=last, email=_email(first, last))
            count += 1
    registrations = list(Registration.objects.filter(session=held).order_by("pk"))
    with demo_clock(held.starts_at + timedelta(minutes=10)):
        attendance.record_attendance(
            held, acting_user=coordinator, present_ids=[r.pk for r in registrations[:5]], relay_site=None
        )
    with demo_clock(held.starts_at + timedelta(hours=3)):
        attendance.send_certificates(held, acting_user=coordinator)
    with demo_clock(held.starts_at + timedelta(days=1, hours=2)):
        surveys.send_surveys(wet_run=True)
        for registration, (rating, useful, recommend, comment) in zip(
            registrations[:3],
            [
                (5, "yes", True, "Très concret, merci pour les exemples."),
                (4, "yes", True, ""),
                (3, "somewhat", True, "Un peu court : une suite sur France Travail ?"),
            ],
            strict=False,
        ):
            surveys.answer_survey(
                registration, rating=rating, useful=useful, would_recommend=recommend, comment=comment
            )

    with demo_clock(now - timedelta(days=5)):
        for first, last in AIDANTS:  # 8 for 6 places: 2 on the waiting list
            services.register(next_one, first_name=first, last_name=last, email=_email(first, last))
            count += 1
        for first, last in AIDANTS[:3]:
            services.register(later, first_name=first, last_name=last, email=_email(first, last))
            count += 1
    with demo_clock(now - timedelta(days=2)):
        cancelled = Registration.objects.filter(session=next_one, status=Registration.Status.CONFIRMED).first()
        services.cancel_registration(cancelled, acting_user=None)  # the first one waiting is promoted

    with demo_clock(now - timedelta(days=20)):
        webinar = services.create_event(
            acting_user=coordinator,
            kind=Event.Kind.WEBINAR,
            title="Faire ses démarches CAF en ligne",
            description=(
                "Un webinaire d'une heure pour tout le monde : créer son compte CAF, déclarer ses ressources, "
                "suivre ses paiements. À suivre de chez soi ou dans un lieu près de chez vous, avec quelqu'un pour "
                "vous aider."
            ),
            audience=Audience.PUBLIC,
            organizer=coordination,
            series=None,
            materials_url="",
            replay_url="",
        )
        session = services.create_session(
            webinar,
            acting_user=coordinator,
            title="",
            starts_at=_at(now, 12, 10),
            duration_minutes=60,
            place=None,
            online_url="https://visio.demo.test/caf-en-ligne",
            capacity=100,
            speakers="Un conseiller de la CAF",
        )
        sites = []
        for place, host in [(france_services_place, org_admin), (library_place, mediator)]:
            if place is not None and not any(site.place_id == place.pk for site in sites):
                sites.append(
                    services.add_relay_site(session, acting_user=coordinator, place=place, capacity=8, host=host)
                )
        services.publish_event(webinar, acting_user=coordinator)
    with demo_clock(now - timedelta(days=3)):
        for index, (first, last) in enumerate(PUBLIC):
            site = sites[index % len(sites)] if sites else None
            services.register(session, relay_site=site, first_name=first, last_name=last, email=_email(first, last))
            count += 1
    return count
