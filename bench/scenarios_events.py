"""Events benchmarks (registered lazily in bench/run.py):

- `events_calendar`: the public calendar (/evenements/) with 1,000 upcoming sessions (about a fifth of them full,
  a tenth with 3 relay sites), requested through the Django test client with random filters and pages: p50/p95 (ms)
  and the largest number of SQL queries for one page (target: p95 < 150 ms, queries bounded whatever the data);
- `events_register`: `events.services.register` for new public registrants on random sessions (lock, count,
  insert, history, e-mail queued): p50/p95 (ms).

The bench data (an organiser, 100 events of 10 sessions, places) is created once with bulk_create and reused
(found by the organiser's name)."""

import datetime
import random
import re
import statistics
import time

SEED = 20261130
SESSIONS = 1_000
EVENTS = 100
PAGE_REQUESTS = 200
REGISTRATIONS = 300
ORGANIZER = "Banc d'essai — événements"


def _log(message):
    import sys

    print(message, file=sys.stderr, flush=True)


def _p(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ensure_data():
    from django.utils import timezone

    from accounts.models import Organization
    from events.models import Event, Registration, RelaySite, Session
    from places.models import Place

    organizer, created = Organization.objects.get_or_create(name=ORGANIZER)
    now = timezone.now()
    upcoming = Session.objects.filter(event__organizer=organizer, starts_at__gt=now + datetime.timedelta(days=1))
    if upcoming.count() >= SESSIONS:
        return organizer
    started = time.perf_counter()
    Event.objects.filter(organizer=organizer).delete()
    rng = random.Random(SEED)
    places = list(Place.objects.filter(name__startswith="Banc événements")[:20])
    if len(places) < 20:
        places = Place.objects.bulk_create(
            Place(
                name=f"Banc événements {n}",
                address=f"{n} rue du Banc",
                postal_code="47000",
                commune_name="Agen",
                insee_code="47001",
                latitude=44.2 + n * 0.01,
                longitude=0.6 + n * 0.01,
                status=Place.Status.PUBLISHED,
                can_relay_webinars=True,
            )
            for n in range(20)
        )
    kinds = [k for k, _label in Event.Kind.choices]
    audiences = ["professionals", "public", "both"]
    events = Event.objects.bulk_create(
        Event(
            kind=kinds[n % len(kinds)],
            title=f"Banc événement {n}",
            description="Une séance de mesure.",
            audience=audiences[n % 3],
            organizer=organizer,
            status=Event.Status.PUBLISHED,
            published_at=now,
        )
        for n in range(EVENTS)
    )
    sessions = Session.objects.bulk_create(
        Session(
            event=events[n % EVENTS],
            starts_at=now + datetime.timedelta(days=2 + n % 180, hours=n % 8),
            duration_minutes=90,
            place=None if n % 3 == 0 else places[n % 20],
            online_url="https://visio.example.org/banc" if n % 3 == 0 else "",
            capacity=10,
        )
        for n in range(SESSIONS)
    )
    RelaySite.objects.bulk_create(
        RelaySite(session=s, place=places[(i + k) % 20], capacity=5)
        for i, s in enumerate(sessions)
        if i % 10 == 0
        for k in range(3)
    )
    registrations = []
    for i, session in enumerate(sessions):
        count = 10 if i % 5 == 0 else rng.randint(0, 6)
        registrations.extend(
            Registration(
                session=session,
                first_name="Banc",
                email=f"banc-{i}-{k}@example.org",
                status=Registration.Status.CONFIRMED,
                created_at=now,
                queued_at=now,
                confirmed_at=now,
            )
            for k in range(count)
        )
    Registration.objects.bulk_create(registrations, batch_size=5000)
    _log(f"Données des événements créées en {time.perf_counter() - started:.1f} s")
    return organizer


def calendar_scenario(requests=PAGE_REQUESTS):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ensure_data()
    rng = random.Random(SEED)
    client = Client(HTTP_HOST="localhost")
    filters = [
        {},
        {"kind": "training"},
        {"audience": "public"},
        {"online": "oui"},
        {"online": "non"},
        {"commune": "Agen"},
    ]
    timings, max_queries, counts = [], 0, []
    for _ in range(requests):
        params = dict(rng.choice(filters))
        params["page"] = rng.randint(1, 20)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/evenements/", params)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        max_queries = max(max_queries, len(queries))
        found = re.search(r"<p>(\d+) séances?</p>", response.content.decode())
        counts.append(int(found[1]) if found else 0)
    return {
        "scenario": "events_calendar",
        "upcoming_sessions": max(counts),
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p(timings, 0.95), 1),
        "max_queries_per_page": max_queries,
    }


def register_scenario(registrations=REGISTRATIONS):
    from django.db import transaction

    from events import services
    from events.models import Session

    organizer = ensure_data()
    rng = random.Random(SEED + 1)
    session_ids = list(
        Session.objects.open_to_registration().filter(event__organizer=organizer).values_list("pk", flat=True)
    )
    token = int(time.time())
    timings, waitlisted = [], 0
    for n in range(registrations):
        session = Session(pk=rng.choice(session_ids))
        started = time.perf_counter()
        with transaction.atomic():
            registration = services.register(session, first_name="Mesure", email=f"mesure-{token}-{n}@example.org")
        timings.append((time.perf_counter() - started) * 1000)
        waitlisted += registration.status == registration.Status.WAITLISTED
    return {
        "scenario": "events_register",
        "registrations": registrations,
        "waitlisted": waitlisted,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p(timings, 0.95), 1),
    }
