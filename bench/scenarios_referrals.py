"""Referrals benchmarks (registered in bench/run.py, lazy imports):

- `referrals_rank_places`: ranking places among those already in the bench database (30,000 after `places_io`);
- `referrals_inbox`: one place holding 10,000 referrals in mixed statuses; its inbox page, requested through the
  Django test client as a mediator of its organisation, with random filters and pages;
- `referrals_create`: `services.send_referral` (validation, history, involvement, notification queued);
- `referrals_coordination`: the coordination's list of every referral, with random filters and pages.

The bench data (an organisation, a place, two users, 10,000 persons and referrals) is created once with
bulk_create and reused by later runs (found by the organisation's name)."""

import datetime
import random
import statistics
import time

SEED = 20260404
REQUESTS = 300
PAGE_REQUESTS = 200
BENCH_REFERRALS = 10_000
BENCH_ORGANIZATION = "Banc d'essai — orientations"
BENCH_PRESCRIBERS = "Banc d'essai — prescripteurs"
MEDIATOR_EMAIL = "mediation@banc-essai.test"
PRESCRIBER_EMAIL = "prescripteur@banc-essai.test"
COORDINATOR_EMAIL = "coordination@banc-essai.test"


def rank_places_scenario(requests=REQUESTS):
    """Time `referrals.ranking.rank_places` for random populated communes, needs and availabilities: p50/p95 (ms)
    and the mean number of candidates returned. Target: p95 under 50 ms."""
    from geo.models import Commune
    from places import vocabulary
    from places.models import Place
    from referrals.models import AVAILABILITY_CHOICES
    from referrals.ranking import rank_places

    rng = random.Random(SEED)
    places = Place.objects.published().count()
    communes = list(Commune.objects.exclude(latitude=None).order_by("-population")[:2000])
    if not communes:
        raise RuntimeError("Aucune commune chargée : lancez `manage.py load_territory`.")
    days = [code for code, _label in AVAILABILITY_CHOICES]
    rank_places(needs=[vocabulary.SERVICES[0]], commune=communes[0])  # warm-up
    timings, sizes = [], []
    for _ in range(requests):
        commune = rng.choice(communes)
        started = time.perf_counter()
        result = rank_places(
            needs=rng.sample(vocabulary.SERVICES, 2),
            commune=commune,
            specific_needs=rng.sample(["hearing", "sight", "mobility", "illiteracy"], 1),
            days=rng.sample(days, 2),
        )
        timings.append((time.perf_counter() - started) * 1000)
        sizes.append(len(result))
    timings.sort()
    return {
        "published_places": places,
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
        "mean_results": round(statistics.mean(sizes), 1),
        "target_p95_ms": 50,
    }


# ---------------------------------------------------------------------------------------------------------
# Bench data: one place with 10,000 referrals.


def _user(email, organization, role, **extra):
    from accounts.models import Membership, User

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, first_name="Banc", last_name="d'essai", **extra)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if organization is not None:
        Membership.objects.get_or_create(user=user, organization=organization, role=role)
    return user


def bench_network():
    """(place, prescriber organisation, mediator, prescriber, coordinator), created on the first call."""
    from accounts.models import Organization, Role
    from places.models import Place

    organization, _ = Organization.objects.get_or_create(name=BENCH_ORGANIZATION, defaults={"siret": ""})
    prescribers, _ = Organization.objects.get_or_create(name=BENCH_PRESCRIBERS, defaults={"siret": ""})
    place = Place.objects.filter(organization=organization).first()
    if place is None:
        place = Place.objects.create(
            name="Médiathèque du banc d'essai",
            address="1 place de la Mairie",
            postal_code="47000",
            commune_name="Agen",
            latitude=44.2,
            longitude=0.62,
            services=["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
            status=Place.Status.PUBLISHED,
            organization=organization,
        )
    mediator = _user(MEDIATOR_EMAIL, organization, Role.MEDIATOR)
    prescriber = _user(PRESCRIBER_EMAIL, prescribers, Role.PRESCRIBER)
    coordinator = _user(COORDINATOR_EMAIL, organization, Role.COORDINATOR)
    return place, prescribers, mediator, prescriber, coordinator


def _referral_fields(rng, now, index):
    """Statuses in realistic proportions, each with the dates its constraints ask for."""
    from referrals.models import Referral

    S = Referral.Status
    status = rng.choices(
        [S.SENT, S.UNDER_REVIEW, S.ACCEPTED, S.IN_PROGRESS, S.CLOSED, S.DECLINED, S.EXPIRED, S.CANCELLED],
        weights=[8, 4, 6, 8, 50, 10, 8, 6],
    )[0]
    sent_at = now - datetime.timedelta(days=rng.uniform(0, 700), seconds=index)
    answered_at = sent_at + datetime.timedelta(days=rng.uniform(0.1, 12))
    fields = {"status": status, "sent_at": sent_at, "created_at": sent_at}
    if status in (S.ACCEPTED, S.IN_PROGRESS, S.CLOSED, S.DECLINED):
        fields["answered_at"] = answered_at
    if status in (S.IN_PROGRESS, S.CLOSED):
        fields["appointment_at"] = answered_at + datetime.timedelta(days=3)
    if status == S.CLOSED:
        fields |= {"closed_at": answered_at + datetime.timedelta(days=30), "sessions_count": rng.randint(1, 6)}
    if status in (S.EXPIRED, S.CANCELLED):
        fields["closed_at"] = sent_at + datetime.timedelta(days=30)
    if status == S.DECLINED:
        fields["decline_reason"] = Referral.DeclineReason.FULL
    if rng.random() < 0.1:
        fields["urgency"] = Referral.Urgency.URGENT
    return fields


def ensure_bench_referrals(count=BENCH_REFERRALS):
    """The bench place and its `count` referrals (with their persons, involved with the prescribers' organisation);
    created with bulk_create the first time, reused afterwards."""
    from django.db import transaction
    from django.utils import timezone

    from people.models import Involvement, Person
    from referrals.models import Referral

    place, prescribers, mediator, prescriber, coordinator = bench_network()
    existing = Referral.objects.filter(target_place=place).count()
    if existing < count:
        rng = random.Random(SEED + existing)
        now = timezone.now()
        missing = count - existing
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                [
                    Person(first_name=f"Prénom{existing + i}", last_name=f"Nom{existing + i}", phone="+33600000000")
                    for i in range(missing)
                ],
                batch_size=1000,
            )
            if not all(person.pk for person in persons):
                raise RuntimeError("Cette base ne renvoie pas les identifiants après bulk_create.")
            Involvement.objects.bulk_create(
                [
                    Involvement(person=person, organization=prescribers, reason=Involvement.Reason.CREATED)
                    for person in persons
                ],
                batch_size=1000,
            )
            Referral.objects.bulk_create(
                [
                    Referral(
                        person=person,
                        prescriber=prescriber,
                        prescriber_organization=prescribers,
                        target_place=place,
                        needs=["Aide aux démarches administratives"],
                        **_referral_fields(rng, now, i),
                    )
                    for i, person in enumerate(persons)
                ],
                batch_size=1000,
            )
    return place, prescribers, mediator, prescriber, coordinator


def _logged_in_client(user):
    """A test client with the session the login (and the second factor, when needed) would leave."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    if user.requires_second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="Banc d'essai", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _time_pages(client, urls, requests):
    """GET random `urls` `requests` times: p50/p95/max (ms) and the query counts seen."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    rng = random.Random(SEED)
    timings, query_counts = [], set()
    with override_settings(DEBUG=False):
        for url in urls[:5]:  # warm-up
            client.get(url)
        for _ in range(requests):
            url = rng.choice(urls)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise AssertionError(f"{url} : statut {response.status_code}")
            query_counts.add(len(queries))
    timings.sort()
    return {
        "database": connection.vendor,
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
        "queries_per_request": sorted(query_counts),
    }


def inbox_scenario(requests=PAGE_REQUESTS):
    """A place's inbox with 10,000 referrals, as its mediator reads it. Target: p95 under 100 ms."""
    from django.urls import reverse

    started = time.perf_counter()
    place, _prescribers, mediator, *_ = ensure_bench_referrals()
    setup_s = time.perf_counter() - started
    base = reverse("referrals:inbox", kwargs={"place_pk": place.pk})
    statuses = ["", "open", "sent", "under_review", "accepted", "in_progress", "closed", "declined", "all"]
    urls = [
        f"{base}?status={status}&urgency={urgency}&page={page}"
        for status in statuses
        for urgency in ("", "urgent", "normal")
        for page in (1, 2, 5, 40)
    ]
    result = _time_pages(_logged_in_client(mediator), urls, requests)
    return {"referrals": place.referrals.count(), "setup_s": round(setup_s, 1), **result, "target_p95_ms": 100}


def coordination_scenario(requests=PAGE_REQUESTS):
    """The coordination's list of every referral (10,000 or more), unanswered first, with random filters and
    pages. Target: p95 under 150 ms."""
    from django.urls import reverse

    from referrals.models import Referral

    _place, prescribers, _mediator, _prescriber, coordinator = ensure_bench_referrals()
    base = reverse("referrals:coordination")
    filters = ["", "status=sent", "status=closed", "urgency=urgent", "to_network=on", "place=banc"]
    filters.append(f"organization={prescribers.pk}")
    urls = [f"{base}?{query}&page={page}" for query in filters for page in (1, 2, 10, 100)]
    result = _time_pages(_logged_in_client(coordinator), urls, requests)
    return {"referrals": Referral.objects.count(), **result, "target_p95_ms": 150}


def create_scenario(requests=REQUESTS):
    """`services.send_referral` to the bench place, one new person each time (created beforehand, not timed).
    Target: p95 under 50 ms."""
    from django.db import connection

    from people.models import Involvement, Person
    from referrals import services

    place, prescribers, _mediator, prescriber, _coordinator = bench_network()
    persons = Person.objects.bulk_create(
        [Person(first_name="Création", last_name=f"Banc {i}", phone="+33600000000") for i in range(requests)]
    )
    Involvement.objects.bulk_create(
        [Involvement(person=person, organization=prescribers, reason=Involvement.Reason.CREATED) for person in persons]
    )
    prescriber.refresh_from_db()
    rng = random.Random(SEED)
    timings = []
    for person in persons:
        started = time.perf_counter()
        services.send_referral(
            acting_user=prescriber,
            person=person,
            prescriber_organization=prescribers,
            needs=rng.sample(["Aide aux démarches administratives", "email", "logement", "bureautique"], 2),
            target_place=place if rng.random() < 0.8 else None,
            free_text="Banc d'essai",
            availability=["tu_morning"],
        )
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "database": connection.vendor,
        "creations": requests,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
        "target_p95_ms": 50,
    }
