"""People benchmarks (registered in bench/run.py, lazy imports):

- `people_duplicates`: the coordinator's page of possible duplicates with 50,000 persons (about 1,000 look-alike
  pairs sharing a phone, a birth year or a commune), random pages, through the Django test client.

The persons are created once with bulk_create (with their duplicate search keys, as the services set them) and
reused by later runs (found by their last name prefix)."""

import random
import time

from bench.scenarios_referrals import SEED, _logged_in_client, _time_pages, bench_network

BENCH_PERSONS = 50_000
LAST_NAME_PREFIX = "Bancdoublon"
PAGE_REQUESTS = 100
FIRST_NAMES = ["Camille", "Marie", "Jean", "Fatima", "Paul", "Lucie", "Ali", "Jeanne", "Nicolas", "Inès"]


def ensure_bench_persons(count=BENCH_PERSONS):
    """`count` persons, one in fifty with a look-alike (a typo in the name) sharing one fact."""
    from django.db import transaction

    from geo.models import Commune
    from people.duplicates import duplicate_keys
    from people.models import Person

    existing = Person.objects.filter(last_name__startswith=LAST_NAME_PREFIX).count()
    if existing >= count:
        return existing
    rng = random.Random(SEED + existing)
    communes = list(Commune.objects.values_list("pk", flat=True)[:300]) or [None]
    persons = []
    for index in range(existing, count):
        person = Person(
            first_name=rng.choice(FIRST_NAMES),
            last_name=f"{LAST_NAME_PREFIX} {index:05d}",
            phone=f"+336{index:08d}",
            birth_year=rng.randint(1930, 2005),
            commune_id=rng.choice(communes),
        )
        if index % 50 == 0:
            fact = rng.choice(["phone", "birth_year", "commune_id"])
            look_alike = Person(first_name=person.first_name, last_name=f"{person.last_name}e", phone="+33700000000")
            setattr(look_alike, fact, getattr(person, fact))
            persons.append(look_alike)
        persons.append(person)
    for person in persons:
        duplicate_keys(person)
    with transaction.atomic():
        Person.objects.bulk_create(persons, batch_size=1000)
    return Person.objects.filter(last_name__startswith=LAST_NAME_PREFIX).count()


def duplicates_scenario(requests=PAGE_REQUESTS):
    """The coordinator's page of possible duplicates, random pages. Target: p95 under 150 ms."""
    from django.db import connection
    from django.urls import reverse

    from people.models import Person

    started = time.perf_counter()
    ensure_bench_persons()
    setup_s = time.perf_counter() - started
    coordinator = bench_network()[4]
    base = reverse("people:duplicates")
    urls = [f"{base}?page={page}" for page in (1, 2, 5, 10, 20, 40)]
    result = _time_pages(_logged_in_client(coordinator), urls, requests)
    anchors = Person.objects.active().having_possible_duplicate().count()
    return {
        "persons": Person.objects.active().count(),
        "people_with_a_look_alike": anchors,
        "setup_s": round(setup_s, 1),
        "database": connection.vendor,
        **result,
        "target_p95_ms": 150,
    }
