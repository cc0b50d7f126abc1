"""Pilotage volumes (issue 10): tops the bench database up to realistic volumes before the `dashboards_*` scenarios
measure on it. Registered lazily in bench/run.py as `volumes_pilotage`, before the dashboards scenarios.

Targets (counted over the whole database, not only the bench's own rows):
- 200,000 referrals, sent over the previous and the current year, to published places (a few thousand of them,
  some far busier than others), « au réseau » or as public call-backs, from about thirty prescriber organisations,
  with realistic statuses (and the dates, reasons, outcome and autonomy their constraints or the figures ask for),
  each with its person (commune of the served département weighted by population, birth year) and involvement.
  No `ReferralTransition` rows: no dashboard provider, export or report reads them;
- 100,000 event registrations over about 5,000 sessions (previous year to two months ahead, on site, online or
  with relay sites): confirmed, waiting list, cancelled; attendance recorded on past sessions (present, absent,
  not recorded = no-show);
- 50,000 devices (the `devices_*` bench workshop), each delivered device with its request (delivered), its person
  and its `Delivery`; each recycled device with its `DeviceTransition` (the recycled figure reads them);
- 1,000,000 passes: the `vouchers_*` bench ledger (created once by `scenarios_vouchers.ensure_ledger`).

Idempotent: each part counts what exists and creates only the difference, with bulk_create in batches (one
transaction per batch, so an interrupted run keeps its progress). Returns the volumes reached and the seconds each
part took (0 when nothing was missing)."""

import datetime
import itertools
import random
import time

SEED = 20261210
REFERRALS = 200_000
REGISTRATIONS = 100_000
DEVICES = 50_000
PASSES = 1_000_000
BATCH = 10_000
PRESCRIBER_ORGANIZATIONS = [
    "CCAS d'Agen",
    "CCAS de Villeneuve-sur-Lot",
    "CCAS de Marmande",
    "CCAS de Tonneins",
    "CCAS de Nérac",
    "France Travail Agen",
    "France Travail Marmande",
    "France Travail Villeneuve-sur-Lot",
    "CAF de Lot-et-Garonne",
    "CPAM de Lot-et-Garonne",
    "MSA Dordogne, Lot et Garonne",
    "Département — Maison départementale des solidarités d'Agen",
    "Département — Maison départementale des solidarités de Marmande",
    "Département — Maison départementale des solidarités de Villeneuve",
    "Département — Maison départementale des solidarités de Nérac",
    "Mission locale de l'Agenais",
    "Mission locale du Marmandais",
    "Mission locale du Villeneuvois",
    "Secours populaire 47",
    "Restos du cœur 47",
    "Emmaüs Agen",
    "UDAF 47",
    "France Services de Casteljaloux",
    "France Services de Fumel",
    "France Services de Sainte-Livrade",
    "Centre social de Boé",
    "Centre social du Passage",
    "Association Habitat Jeunes",
    "Conseiller numérique itinérant",
    "Préfecture — point numérique",
]
ORGANIZERS = [
    "Hub numérique Nouvelle-Aquitaine",
    "Coordination départementale de l'inclusion numérique",
    "Médiathèque d'Agen",
    "Réseau des centres sociaux 47",
    "Conseillers numériques de l'Agglomération d'Agen",
    "France Services 47",
]


def _log(message):
    import sys

    print(message, file=sys.stderr, flush=True)


def _chunks(total, size=BATCH):
    done = 0
    while done < total:
        yield done, min(size, total - done)
        done += size


class _World:
    """What every part draws from: served communes weighted by population, published places with a skewed
    popularity, prescriber organisations with one prescriber each."""

    def __init__(self, rng):
        from accounts.models import Organization, Role
        from bench.scenarios_referrals import _user
        from geo.models import Commune
        from places.models import Place

        self.rng = rng
        communes = list(Commune.objects.in_served_departement().values_list("pk", "population"))
        if not communes:
            raise RuntimeError("Aucune commune du département servi : lancez `manage.py load_territory`.")
        self.commune_ids = [pk for pk, _ in communes]
        self.commune_weights = list(itertools.accumulate(max(population, 50) for _, population in communes))
        place_ids = list(Place.objects.published().order_by("pk").values_list("pk", flat=True))
        if len(place_ids) < 100:
            raise RuntimeError("Moins de 100 lieux publiés : lancez d'abord le scénario `places_io`.")
        rng_places = random.Random(SEED)
        self.place_ids = rng_places.sample(place_ids, min(3000, len(place_ids)))
        # A few places receive most referrals (Zipf-like).
        self.place_weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(self.place_ids))))
        self.prescribers = []
        for index, name in enumerate(PRESCRIBER_ORGANIZATIONS):
            organization, _ = Organization.objects.get_or_create(name=f"Pilotage : {name}", defaults={"siret": ""})
            user = _user(f"prescripteur-pilotage-{index}@banc-essai.test", organization, Role.PRESCRIBER)
            self.prescribers.append((organization, user))
        self.prescriber_weights = list(itertools.accumulate(1 / (rank + 3) for rank in range(len(self.prescribers))))

    def commune(self):
        return self.rng.choices(self.commune_ids, cum_weights=self.commune_weights)[0]

    def communes(self, k):
        return self.rng.choices(self.commune_ids, cum_weights=self.commune_weights, k=k)

    def places(self, k):
        return self.rng.choices(self.place_ids, cum_weights=self.place_weights, k=k)

    def prescriber(self):
        return self.rng.choices(self.prescribers, cum_weights=self.prescriber_weights)[0]

    def person(self, created_at, label):
        from people.models import Person

        rng = self.rng
        reach = rng.random()
        return Person(
            first_name="Pilotage",
            last_name=label,
            phone="+33600000000" if reach < 0.75 else "",
            email="personne@example.org" if 0.75 <= reach < 0.9 else "",
            no_direct_contact=reach >= 0.9,
            commune_id=self.commune() if rng.random() < 0.93 else None,
            birth_year=rng.randint(1932, 2008) if rng.random() < 0.8 else None,
            created_at=created_at,
        )


def _year_start(year):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(year, 1, 1))


# Referrals -------------------------------------------------------------------------------------------------------


def _referral(world, now, first, index, person, prescriber):
    """A referral sent between `first` and `now`, statuses as bench/scenarios_referrals draws them, shifted to its
    date and made consistent with its age (no answer in the future, old unanswered ones expired)."""
    from bench.scenarios_referrals import _referral_fields
    from referrals.models import COOP_THEMES, NEED_CHOICES, Referral

    rng = world.rng
    S = Referral.Status
    fields = _referral_fields(rng, now, index)
    sent_at = first + datetime.timedelta(seconds=rng.uniform(0, (now - first).total_seconds()))
    shift = sent_at - fields["sent_at"]
    for key in ("sent_at", "created_at", "answered_at", "appointment_at", "closed_at"):
        if key in fields:
            fields[key] += shift
    age_days = (now - sent_at).days
    if fields["status"] in (S.SENT, S.UNDER_REVIEW) and age_days > 45:
        fields = {key: fields[key] for key in ("sent_at", "created_at", "urgency") if key in fields}
        fields |= {"status": S.EXPIRED, "closed_at": sent_at + datetime.timedelta(days=30)}
    for key in ("answered_at", "closed_at"):
        if fields.get(key) and fields[key] > now:
            fields[key] = now
    status = fields["status"]
    if status == S.CLOSED:
        fields["autonomy"] = rng.choices([value for value, _ in Referral.Autonomy.choices] + [""], [3, 4, 3, 2])[0]
        fields["themes_covered"] = [code for code, _ in rng.sample(COOP_THEMES, rng.randint(1, 3))]
    if status == S.DECLINED:
        fields["decline_reason"] = rng.choice([value for value, _ in Referral.DeclineReason.choices])
    organization, user = prescriber
    callback = rng.random() < 0.05
    to_network = not callback and rng.random() < 0.07 and status in (S.SENT, S.EXPIRED, S.CANCELLED)
    return Referral(
        **({"person": person} if person is not None else {}),
        prescriber=None if callback else user,
        prescriber_organization=None if callback else organization,
        channel=Referral.Channel.CALLBACK if callback else Referral.Channel.PRESCRIBER,
        target_place_id=None if to_network else world.places(1)[0],
        needs=[code for code, _ in rng.sample(NEED_CHOICES, rng.randint(1, 3))],
        availability=rng.sample(["mo_morning", "tu_afternoon", "we_morning", "th_morning", "fr_afternoon"], 2),
        contact_preference=rng.choice(["phone", "phone", "sms", "email", "prescriber"]),
        **fields,
    )


def ensure_referrals(world, target=REFERRALS):
    from django.db import transaction
    from django.utils import timezone

    from bench.scenarios_referrals import ensure_bench_referrals
    from people.models import Involvement, Person
    from referrals.models import Referral

    ensure_bench_referrals()  # the inbox bench's 10,000, so that its scenario finds them
    missing = target - Referral.objects.count()
    if missing <= 0:
        return 0
    _log(f"  {missing} orientations à créer…")
    now = timezone.now()
    first = _year_start(timezone.localdate().year - 1)
    rng = world.rng
    for offset, size in _chunks(missing):
        with transaction.atomic():
            persons, owners, built = [], [], []
            for index in range(size):
                prescriber = world.prescriber()
                referral = _referral(world, now, first, offset + index, None, prescriber)
                if persons and rng.random() < 0.12:  # the same person oriented again (another need)
                    position = rng.randrange(len(persons))
                else:
                    position = len(persons)
                    persons.append(world.person(referral.sent_at, f"Orientation {offset + index}"))
                    owners.append(set())
                person = persons[position]
                person.created_at = min(person.created_at, referral.sent_at - datetime.timedelta(minutes=5))
                if referral.prescriber_organization_id:
                    owners[position].add(referral.prescriber_organization_id)
                built.append((position, referral))
            persons = Person.objects.bulk_create(persons, batch_size=2000)
            for position, referral in built:
                referral.person = persons[position]
            built = [referral for _position, referral in built]
            Involvement.objects.bulk_create(
                [
                    Involvement(
                        person=person,
                        organization_id=organization_id,
                        reason=Involvement.Reason.REFERRAL,
                        since=person.created_at,
                    )
                    for person, organizations in zip(persons, owners, strict=True)
                    for organization_id in organizations
                ],
                batch_size=2000,
            )
            Referral.objects.bulk_create(built, batch_size=2000)
        _log(f"    {offset + size} / {missing}")
    return missing


# Events ----------------------------------------------------------------------------------------------------------


def ensure_registrations(world, target=REGISTRATIONS):
    """Adds events of 10 sessions each (with their registrations) until the registrations reach `target`."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organization
    from bench.scenarios_events import ensure_data
    from events.models import Event, Registration, RelaySite, Session

    ensure_data()  # the calendar bench's 1,000 upcoming sessions
    missing = target - Registration.objects.count()
    if missing <= 0:
        return 0
    _log(f"  {missing} inscriptions à créer…")
    rng = world.rng
    now = timezone.now()
    first = _year_start(timezone.localdate().year - 1)
    span = (now + datetime.timedelta(days=60) - first).total_seconds()
    organizers = [Organization.objects.get_or_create(name=f"Pilotage : {name}")[0] for name in ORGANIZERS]
    registrars = [user for _organization, user in world.prescribers]
    kinds = [value for value, _ in Event.Kind.choices]
    R = Registration.Status
    created, run = 0, int(time.time())
    while created < missing:
        with transaction.atomic():
            events = Event.objects.bulk_create(
                [
                    Event(
                        kind=rng.choice(kinds),
                        title=f"Pilotage : formation {run}-{created}-{n}",
                        description="Séance du banc d'essai du pilotage.",
                        audience=rng.choice(["professionals", "public", "both"]),
                        organizer=rng.choice(organizers),
                        status=Event.Status.PUBLISHED,
                        published_at=first,
                    )
                    for n in range(50)
                ]
            )
            sessions = []
            for event in events:
                online = event.kind == Event.Kind.WEBINAR or rng.random() < 0.15
                for _ in range(10):
                    sessions.append(
                        Session(
                            event=event,
                            starts_at=first + datetime.timedelta(seconds=rng.uniform(0, span)),
                            duration_minutes=rng.choice([60, 90, 120, 180]),
                            place_id=None if online else world.places(1)[0],
                            online_url="https://visio.example.org/pilotage" if online else "",
                            capacity=rng.choice([12, 15, 20, 25, 30]) if not online else rng.choice([30, 50, 100]),
                            status=Session.Status.CANCELLED if rng.random() < 0.03 else Session.Status.SCHEDULED,
                        )
                    )
            sessions = Session.objects.bulk_create(sessions, batch_size=2000)
            relays = {}
            for session in sessions:
                if session.online_url and rng.random() < 0.4:
                    places = set(world.places(rng.randint(1, 3)))
                    relays[session.pk] = [RelaySite(session=session, place_id=pk, capacity=8) for pk in places]
            RelaySite.objects.bulk_create([site for sites in relays.values() for site in sites], batch_size=2000)
            registrations = []
            for session in sessions:
                pools = [(None, session.capacity)] + [(site, site.capacity) for site in relays.get(session.pk, [])]
                past = session.starts_at < now
                for pool, capacity in pools:
                    demand = round(capacity * rng.uniform(0.4, 1.35))
                    if session.online_url and pool is None:
                        demand = round(demand * 0.5)
                    confirmed = 0
                    for k in range(demand):
                        at = session.starts_at - datetime.timedelta(days=rng.uniform(1, 40))
                        fields = {"created_at": at, "queued_at": at}
                        if session.status == Session.Status.CANCELLED or rng.random() < 0.08:
                            fields |= {
                                "status": R.CANCELLED,
                                "cancelled_at": min(at + datetime.timedelta(days=2), now),
                            }
                        elif confirmed < capacity:
                            confirmed += 1
                            fields |= {"status": R.CONFIRMED, "confirmed_at": at}
                            if past:
                                draw = rng.random()
                                if draw < 0.72:
                                    fields |= {
                                        "attended": True,
                                        "checked_in_at": session.starts_at
                                        + datetime.timedelta(minutes=rng.randint(-10, 15)),
                                    }
                                elif draw < 0.82:
                                    fields["attended"] = False
                        else:
                            fields["status"] = R.WAITLISTED
                        registrations.append(
                            Registration(
                                session=session,
                                relay_site=pool,
                                first_name="Pilotage",
                                email=f"pilotage-{session.pk}-{0 if pool is None else pool.pk}-{k}@example.org",
                                registered_by=rng.choice(registrars) if rng.random() < 0.3 else None,
                                **fields,
                            )
                        )
            registrations = registrations[: missing - created]
            Registration.objects.bulk_create(registrations, batch_size=2000)
        created += len(registrations)
        _log(f"    {created} / {missing}")
    return missing


# Devices ---------------------------------------------------------------------------------------------------------


def ensure_deliveries(world):
    """Every delivered device of the bench workshop gets its request (delivered), person and delivery; every
    recycled one its transition. Returns the number of rows created."""
    from django.db import transaction
    from django.utils import timezone

    from bench.scenarios_devices import ensure_bench_devices
    from devices.models import Delivery, Device, DeviceRequest, DeviceTransition, RequestStatus, Status
    from people.models import Involvement, Person

    user, _seconds = ensure_bench_devices()
    rng = world.rng
    now = timezone.now()
    created = 0
    pending = list(
        Device.objects.filter(status=Status.DELIVERED, delivery__isnull=True)
        .order_by("pk")
        .values_list("pk", "kind", "received_at", "price_cents")
    )
    if pending:
        _log(f"  {len(pending)} remises d'appareils à créer…")
    for offset, size in _chunks(len(pending)):
        chunk = pending[offset : offset + size]
        with transaction.atomic():
            plans = []
            for pk, kind, received_at, price in chunk:
                delivered_at = received_at + datetime.timedelta(
                    seconds=rng.uniform(0.3, 1) * max((now - received_at).total_seconds(), 3600)
                )
                requested_at = delivered_at - datetime.timedelta(days=rng.uniform(3, 120))
                plans.append((pk, kind, price, delivered_at, requested_at, world.prescriber()))
            persons = Person.objects.bulk_create(
                [world.person(plan[4], f"Équipement {offset + i}") for i, plan in enumerate(plans)], batch_size=2000
            )
            Involvement.objects.bulk_create(
                [
                    Involvement(person=person, organization=plan[5][0], reason=Involvement.Reason.OTHER, since=plan[4])
                    for person, plan in zip(persons, plans, strict=True)
                ],
                batch_size=2000,
            )
            requests = DeviceRequest.objects.bulk_create(
                [
                    DeviceRequest(
                        person=person,
                        organization=organization,
                        requested_by=prescriber,
                        kind=kind,
                        usage="Démarches en ligne et recherche d'emploi",
                        urgency="urgent" if rng.random() < 0.15 else "normal",
                        priority=1 if rng.random() < 0.15 else 2,
                        status=RequestStatus.DELIVERED,
                        reserved_device_id=pk,
                        created_at=requested_at,
                        reserved_at=delivered_at - datetime.timedelta(days=rng.uniform(0.5, 10)),
                        closed_at=delivered_at,
                    )
                    for person, (pk, kind, _price, delivered_at, requested_at, (organization, prescriber)) in zip(
                        persons, plans, strict=True
                    )
                ],
                batch_size=2000,
            )
            deliveries = []
            for request, (pk, _kind, price, delivered_at, _requested_at, _prescriber) in zip(
                requests, plans, strict=True
            ):
                screen = rng.random() < 0.4
                deliveries.append(
                    Delivery(
                        request=request,
                        device_id=pk,
                        delivered_at=delivered_at,
                        delivered_by=user,
                        acknowledgement=Delivery.Acknowledgement.SCREEN if screen else Delivery.Acknowledgement.PAPER,
                        signature_name="Pilotage" if screen else "",
                        price_paid_cents=price or 0,
                        training_offer="Atelier de prise en main proposé" if rng.random() < 0.5 else "",
                    )
                )
            Delivery.objects.bulk_create(deliveries, batch_size=2000)
        created += 4 * len(chunk)
        _log(f"    {offset + size} / {len(pending)}")
    recycled = list(
        Device.objects.filter(status=Status.RECYCLED)
        .exclude(pk__in=DeviceTransition.objects.filter(to_status=Status.RECYCLED).values("device_id"))
        .values_list("pk", "received_at")
    )
    DeviceTransition.objects.bulk_create(
        [
            DeviceTransition(
                device_id=pk,
                from_status=Status.RECEIVED,
                to_status=Status.RECYCLED,
                actor=user,
                at=min(received_at + datetime.timedelta(days=rng.uniform(0.5, 20)), now),
                note="Hors service",
            )
            for pk, received_at in recycled
        ],
        batch_size=BATCH,
    )
    return created + len(recycled)


# Passes ----------------------------------------------------------------------------------------------------------


def ensure_passes(target=PASSES):
    from bench.scenarios_vouchers import ensure_ledger
    from vouchers.models import Pass

    _order, _place, _users, seconds = ensure_ledger()
    if Pass.objects.count() < target:
        raise RuntimeError("Moins de 1 000 000 de pass après le registre de mesure : supprimez la base de mesure.")
    return seconds


def _analyze():
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = [
        "people_person",
        "people_involvement",
        "referrals_referral",
        "events_event",
        "events_session",
        "events_relaysite",
        "events_registration",
        "devices_device",
        "devices_devicerequest",
        "devices_delivery",
        "devices_devicetransition",
        "vouchers_book",
        "vouchers_pass",
        "vouchers_redemption",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def volumes_scenario():
    from django.db import connection

    from bench.scenarios_dashboards import _volumes

    rng = random.Random(SEED + int(time.time()))
    began = time.perf_counter()
    timings = {}
    started = time.perf_counter()
    ledger_seconds = ensure_passes()
    timings["passes_s"] = round(time.perf_counter() - started, 1)
    world = _World(rng)
    started = time.perf_counter()
    referrals = ensure_referrals(world)
    timings["referrals_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    registrations = ensure_registrations(world)
    timings["registrations_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    device_rows = ensure_deliveries(world)
    timings["devices_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    _analyze()
    timings["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    from people.models import Person

    return {
        "database": connection.vendor,
        **_volumes(),
        "persons": Person.objects.count(),
        "created_referrals": referrals,
        "created_registrations": registrations,
        "created_device_rows": device_rows,
        "ledger_created": ledger_seconds is not None,
        **timings,
        "total_s": round(time.perf_counter() - began, 1),
        "targets": {
            "referrals": REFERRALS,
            "event_registrations": REGISTRATIONS,
            "devices": DEVICES,
            "passes": PASSES,
        },
    }
