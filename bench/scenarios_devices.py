"""Reconditionnement benchmarks, on a workshop with 50,000 devices (in 500 donations) and 10,000 requests, created
once with bulk inserts and reused. Registered lazily in bench/run.py:

- `devices_stock` — the stock list as the workshop's staff reads it, with random filters (step, type, grade, text)
  and pages: p50/p95 and the query counts (target p95 < 150 ms, a fixed number of queries);
- `devices_queue` — the request queue (10,000 requests, about a third waiting) by status and page, as the workshop
  reads it: p50/p95 and the query counts (target p95 < 150 ms).
"""

import datetime
import random
import time

SEED = 20261130
DEVICES = 50_000
DONATIONS = 500
REQUESTS = 10_000
PAGE_REQUESTS = 300
BATCH = 5_000
WORKSHOP = "Mesure : atelier de reconditionnement"


def _log(message):
    import sys

    print(message, file=sys.stderr, flush=True)


def _actors():
    from accounts.models import Membership, Organization, Role, User

    workshop, _ = Organization.objects.get_or_create(name=WORKSHOP)
    donor, _ = Organization.objects.get_or_create(name="Mesure : donateur d'ordinateurs")
    prescribers, _ = Organization.objects.get_or_create(name="Mesure : prescripteur d'ordinateurs")
    user, _ = User.objects.get_or_create(email="mesure-atelier@example.org")
    Membership.objects.get_or_create(user=user, organization=workshop, role=Role.REFURBISHER)
    return workshop, donor, prescribers, User.objects.get(pk=user.pk)


def ensure_bench_devices():
    """The workshop's 50,000 devices and 10,000 requests (created once). Returns (workshop user, seconds or None)."""
    from django.db import transaction
    from django.utils import timezone

    from devices.models import Device, DeviceRequest, Donation, Erasure, Grade, Kind, RequestStatus, Status
    from people.models import Involvement, Person

    workshop, donor, prescribers, user = _actors()
    if Device.objects.filter(donation__workshop=workshop).count() >= DEVICES:
        _analyze()
        return user, None
    if Donation.objects.filter(workshop=workshop).exists():
        raise RuntimeError("Jeu de mesure du reconditionnement incomplet : supprimez data/bench/ et relancez.")
    _log("Création de 50 000 appareils et 10 000 demandes (une seule fois)…")
    started = time.perf_counter()
    rng = random.Random(SEED)
    now = timezone.now()
    kinds = [kind for kind, _ in Kind.choices]
    brands = ["Dell", "HP", "Lenovo", "Acer", "Apple", "Samsung", "Asus", "Fujitsu"]
    with transaction.atomic():
        donations = Donation.objects.bulk_create(
            [
                Donation(donor=donor, workshop=workshop, announced_count=DEVICES // DONATIONS, created_by=user)
                for _ in range(DONATIONS)
            ]
        )
        statuses = [
            (Status.RECEIVED, 0.15),
            (Status.ERASED, 0.1),
            (Status.REFURBISHED, 0.1),
            (Status.READY, 0.15),
            (Status.DELIVERED, 0.4),
            (Status.RECYCLED, 0.1),
        ]
        devices = []
        for index in range(DEVICES):
            status = rng.choices([s for s, _ in statuses], weights=[w for _, w in statuses])[0]
            graded = status in (Status.REFURBISHED, Status.READY, Status.DELIVERED)
            devices.append(
                Device(
                    donation=donations[index % DONATIONS],
                    kind=rng.choice(kinds),
                    brand=rng.choice(brands),
                    model=f"Modèle {rng.randint(1, 300)}",
                    serial=f"BENCH{index:08d}",
                    grade=rng.choice([g for g, _ in Grade.choices]) if graded else "",
                    price_cents=rng.choice([0, 2000, 5000, 8000]) if graded else None,
                    status=status,
                    recycled_reason="Hors service" if status == Status.RECYCLED else "",
                    token=f"bench-{index}",
                    received_at=now - datetime.timedelta(minutes=index),
                    status_changed_at=now,
                )
            )
        Device.objects.bulk_create(devices, batch_size=BATCH)
        erasable = Device.objects.filter(donation__workshop=workshop).exclude(status=Status.RECEIVED)
        Erasure.objects.bulk_create(
            [
                Erasure(
                    device_id=pk,
                    method=Erasure.Method.OVERWRITE,
                    tool="ShredOS",
                    performed_on=now.date(),
                    operator="Banc",
                    evidence="Mesure",
                )
                for pk in erasable.exclude(status=Status.RECYCLED).values_list("pk", flat=True)
            ],
            batch_size=BATCH,
        )
        persons = Person.objects.bulk_create(
            [Person(first_name="Mesure", last_name=f"Appareil {i}", phone="+33600000000") for i in range(REQUESTS)],
            batch_size=BATCH,
        )
        Involvement.objects.bulk_create(
            [Involvement(person=p, organization=prescribers) for p in persons], batch_size=BATCH
        )
        DeviceRequest.objects.bulk_create(
            [
                DeviceRequest(
                    person=person,
                    organization=prescribers,
                    requested_by=user,
                    kind=rng.choice(kinds),
                    usage="Mesure",
                    urgency="urgent" if index % 7 == 0 else "normal",
                    priority=1 if index % 7 == 0 else 2,
                    status=RequestStatus.QUEUED if index % 3 == 0 else RequestStatus.CANCELLED,
                    cancel_reason="" if index % 3 == 0 else "Mesure",
                    created_at=now - datetime.timedelta(minutes=index),
                )
                for index, person in enumerate(persons)
            ],
            batch_size=BATCH,
        )
    _analyze()
    return user, round(time.perf_counter() - started, 1)


def _analyze():
    """Fresh planner statistics on PostgreSQL after the bulk load (autovacuum may not have run yet)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE devices_device, devices_donation, devices_devicerequest, people_person")


def stock_scenario(requests=PAGE_REQUESTS):
    """The stock list with 50,000 devices. Target: p95 under 150 ms, a fixed number of queries."""
    from django.urls import reverse

    from bench.scenarios_referrals import _logged_in_client, _time_pages

    user, created_s = ensure_bench_devices()
    base = reverse("devices:stock")
    filters = ["", "status=ready", "status=received&kind=laptop", "kind=tablet&grade=A", "q=Dell", "q=BENCH0001"]
    urls = [f"{base}?{query}&page={page}" for query in filters for page in (1, 2, 10, 100)]
    result = _time_pages(_logged_in_client(user), urls, requests)
    return {"devices": DEVICES, "setup_s": created_s, **result, "target_p95_ms": 150}


def queue_scenario(requests=PAGE_REQUESTS):
    """The request queue with 10,000 requests. Target: p95 under 150 ms."""
    from django.urls import reverse

    from bench.scenarios_referrals import _logged_in_client, _time_pages

    user, _created = ensure_bench_devices()
    base = reverse("devices:queue")
    urls = [f"{base}?status={status}&page={page}" for status in ("queued", "cancelled") for page in (1, 2, 10, 100)]
    result = _time_pages(_logged_in_client(user), urls, requests)
    return {"requests_in_database": REQUESTS, **result, "target_p95_ms": 150}
