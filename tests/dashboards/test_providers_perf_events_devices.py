"""The events and devices sections of the dashboards, computed from a few grouped rows: the same figures as the
grouped queries of `events.figures` (and as before for the devices) on a varied data set, and a number of queries
that does not grow with the number of sessions or deliveries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.providers_devices import devices_figures
from dashboards.providers_events import events_figures, registrations_in
from dashboards.registry import Scope
from devices.models import CO2Factor, Delivery, RequestStatus, Status
from events import figures as event_figures
from events.models import Registration
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.devices.factories import DeviceFactory, DeviceRequestFactory, DonationFactory
from tests.events.factories import EventFactory, RegistrationFactory, RelaySiteFactory, SessionFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db
R = Registration.Status


def scope(days_before=60, days_after=30, **kwargs):
    today = timezone.localdate()
    return Scope(start=today - timedelta(days=days_before), end=today + timedelta(days=days_after), **kwargs)


def figures(section):
    return {figure.key: figure.value for figure in section.figures}


def table(section, key):
    return next(t for t in section.tables if t.key == key)


# Events ----------------------------------------------------------------------------------------------------------


def register(session, count, *, status=R.CONFIRMED, attended=None, **kwargs):
    now = timezone.now()
    dates = {
        R.CONFIRMED: {"confirmed_at": now},
        R.WAITLISTED: {"confirmed_at": None},
        R.CANCELLED: {"confirmed_at": None, "cancelled_at": now},
    }[status]
    for _ in range(count):
        RegistrationFactory(session=session, status=status, attended=attended, **dates, **kwargs)


@pytest.fixture
def events_data(territory):
    """Organiser A: a session at the « Médiathèque » of Agen 5 days ago (5 confirmed: 3 present, 1 absent, 1 not
    recorded; 1 waitlisted, 1 cancelled) and one 40 days ago (5 present). Organiser B: a session in 5 days at
    another « Médiathèque », in Villeneuve-sur-Lot (2 confirmed, 1 waitlisted), and a webinar 10 days ago followed
    online (2 confirmed, 1 present, 1 cancelled), from « Espace Agen » (5 confirmed registered by a partner's
    adviser, 4 present) and from a third « Médiathèque » in Villeneuve (1 present). Left out: a draft, an old
    session."""
    now = timezone.now()
    organizer_a = OrganizationFactory(name="Médiathèque d'Agen")
    organizer_b = OrganizationFactory(name="Réseau des médiateurs")
    partner = OrganizationFactory(name="CAF")
    adviser = UserFactory(role="prescriber", organization=partner)
    agen = {"published": True, "with_point": True, "commune_id": "47001", "commune_name": "Agen"}
    villeneuve = {"published": True, "with_point": True, "commune_id": "47323", "commune_name": "Villeneuve-sur-Lot"}
    library_agen = PlaceFactory(name="Médiathèque", **agen)

    first = SessionFactory(
        event=EventFactory(organizer=organizer_a), starts_at=now - timedelta(days=5), place=library_agen
    )
    register(first, 3, attended=True)
    register(first, 1, attended=False)
    register(first, 1)
    register(first, 1, status=R.WAITLISTED)
    register(first, 1, status=R.CANCELLED)
    older = SessionFactory(
        event=EventFactory(organizer=organizer_a), starts_at=now - timedelta(days=40), place=library_agen
    )
    register(older, 5, attended=True)
    coming = SessionFactory(
        event=EventFactory(organizer=organizer_b),
        starts_at=now + timedelta(days=5),
        place=PlaceFactory(name="Médiathèque", **villeneuve),
    )
    register(coming, 2)
    register(coming, 1, status=R.WAITLISTED)
    webinar = SessionFactory(
        event=EventFactory(organizer=organizer_b, webinar=True), starts_at=now - timedelta(days=10), online=True
    )
    register(webinar, 1, attended=True)
    register(webinar, 1)
    register(webinar, 1, status=R.CANCELLED)
    espace = RelaySiteFactory(session=webinar, place=PlaceFactory(name="Espace Agen", **agen))
    register(webinar, 4, attended=True, relay_site=espace, registered_by=adviser)
    register(webinar, 1, relay_site=espace, registered_by=adviser)
    library = RelaySiteFactory(session=webinar, place=PlaceFactory(name="Médiathèque", **villeneuve))
    register(webinar, 1, attended=True, relay_site=library)

    draft = SessionFactory(
        event=EventFactory(organizer=organizer_a, draft=True), starts_at=now - timedelta(days=3), place=library_agen
    )
    register(draft, 1)
    old = SessionFactory(
        event=EventFactory(organizer=organizer_a), starts_at=now - timedelta(days=400), place=library_agen
    )
    register(old, 1)
    return {"a": organizer_a, "b": organizer_b, "partner": partner}


def reference_tables(scope):
    """The tables as the grouped queries of `events.figures` give them (one query per table)."""
    registrations = registrations_in(scope)
    now = timezone.now()
    expected = {}
    for key, grouping in (("by_organization", "organisation"), ("by_place", "lieu"), ("by_commune", "commune")):
        expected[key] = [
            [row["g_name"] or "Non renseigné", *values(row)]
            for row in event_figures.table(registrations, grouping, now=now)[:100]
        ]
    expected["by_session"] = [
        [event_figures.row_label(row, "seance"), event_figures.pool_label(row), *values(row)]
        for row in event_figures.table(registrations, "seance", now=now)[:50]
    ]
    return expected, event_figures.totals(registrations, now=now)


def values(row):
    started = row["started_confirmed"]
    rate = round(100 * row["present"] / started) if started >= 5 else None
    return [row["registered"], row["present"], row["no_shows"], rate, row["waitlisted"], row["cancelled"]]


def test_events_figures_on_a_varied_data_set(events_data):
    section = events_figures(scope())
    assert figures(section) == {
        "sessions": 4,
        "registered": 20,
        "present": 14,
        "attendance": 78,  # 14 of the 18 confirmed of the sessions already started
        "no_shows": 4,
        "waitlisted": 2,
        "cancelled": 2,
    }
    assert sum(value for _label, value in section.series[0].points) == 20
    assert table(section, "by_organization").rows == [
        ["Médiathèque d'Agen", 10, 8, 2, 80, 1, 1],
        ["Réseau des médiateurs", 10, 6, 2, 75, 1, 1],
    ]
    # Places and communes are grouped by name: three « Médiathèque » make one line.
    assert sorted(table(section, "by_place").rows) == [
        ["En ligne", 2, 1, 1, None, 0, 1],
        ["Espace Agen", 5, 4, 1, 80, 0, 0],
        ["Médiathèque", 13, 9, 2, 82, 2, 1],
    ]
    assert sorted(table(section, "by_commune").rows) == [
        ["Agen", 15, 12, 3, 80, 1, 1],
        ["En ligne", 2, 1, 1, None, 0, 1],
        ["Villeneuve-sur-Lot", 3, 1, 0, None, 1, 0],
    ]
    assert [row[1:] for row in table(section, "by_session").rows] == [
        ["Sur place", 2, 0, 0, None, 1, 0],  # in 5 days: nobody absent yet
        ["Sur place", 5, 3, 2, 60, 1, 1],
        ["Sur place", 2, 1, 1, None, 0, 1],  # the webinar: online, then each relay site
        ["Espace Agen", 5, 4, 1, 80, 0, 0],
        ["Médiathèque", 1, 1, 0, None, 0, 0],
        ["Sur place", 5, 5, 0, 100, 0, 0],
    ]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"organization": "a"}, {"organization": "b"}, {"organization": "partner"}, {"communes": ("47323",)}],
    ids=["departement", "organiser-a", "organiser-b", "partner", "villeneuve"],
)
def test_events_tables_and_totals_are_those_of_the_events_figures(events_data, kwargs):
    if "organization" in kwargs:
        kwargs = {"organization": events_data[kwargs["organization"]]}
    current = scope(**kwargs)
    section = events_figures(current)
    expected, totals = reference_tables(current)
    for key, rows in expected.items():
        assert table(section, key).rows == rows, key
    shown = figures(section)
    assert [shown[key] for key in ("registered", "present", "no_shows", "waitlisted", "cancelled")] == [
        totals[key] for key in ("registered", "present", "no_shows", "waitlisted", "cancelled")
    ]
    assert shown["sessions"] == registrations_in(current).values("session").distinct().count()


def test_an_empty_period_gives_zeros_and_empty_tables(events_data):
    section = events_figures(
        Scope(start=timezone.localdate() - timedelta(days=900), end=timezone.localdate() - timedelta(days=800))
    )
    assert figures(section)["registered"] == 0 and figures(section)["sessions"] == 0
    assert all(not t.rows for t in section.tables)


def add_sessions(count, organizer):
    """`count` past sessions, each online with a relay site, each with a few registrations."""
    for index in range(count):
        session = SessionFactory(
            event=EventFactory(organizer=organizer, webinar=True),
            starts_at=timezone.now() - timedelta(days=index + 1),
            online=True,
        )
        relay_site = RelaySiteFactory(session=session)
        register(session, 2, attended=True)
        register(session, 1, relay_site=relay_site)


def count_queries(function, current):
    with CaptureQueriesContext(connection) as queries:
        function(current)
    return len(queries)


def test_the_events_queries_do_not_grow_with_the_sessions(territory):
    organizer = OrganizationFactory(name="Organisateur")
    add_sessions(2, organizer)
    few = count_queries(events_figures, scope())
    add_sessions(8, organizer)
    assert count_queries(events_figures, scope()) == few <= 4


# Devices ---------------------------------------------------------------------------------------------------------


def deliver(kind, organization, commune, *, days_ago, in_workshop, waiting, person=None):
    """A device of `kind` delivered `days_ago` days ago, received `in_workshop` days and requested `waiting` days
    before."""
    delivered_at = timezone.now() - timedelta(days=days_ago)
    device = DeviceFactory(
        donation=DonationFactory(), kind=kind, ready=True, received_at=delivered_at - timedelta(days=in_workshop)
    )
    device.status = Status.DELIVERED
    device.save(update_fields=["status"])
    person = person or PersonFactory(commune=commune, involved=organization)
    request = DeviceRequestFactory(
        organization=organization,
        person=person,
        kind=kind,
        status=RequestStatus.DELIVERED,
        reserved_device=device,
        created_at=delivered_at - timedelta(days=waiting),
        closed_at=delivered_at,
    )
    Delivery.objects.create(
        request=request, device=device, delivered_at=delivered_at, acknowledgement=Delivery.Acknowledgement.PAPER
    )
    return person


@pytest.fixture
def devices_data(territory):
    """6 deliveries to 5 people (one equipped twice in Agen), in two communes both named Saint-Pierre, in Agen, in
    Villeneuve-sur-Lot and without commune; 4 laptops and 2 tablets."""
    from geo.models import Commune

    CO2Factor.objects.update_or_create(kind="laptop", defaults={"kg_co2e": Decimal("150.0"), "source": "Test"})
    CO2Factor.objects.update_or_create(kind="tablet", defaults={"kg_co2e": Decimal("60.0"), "source": "Test"})
    ccas = OrganizationFactory(name="CCAS d'Agen")
    caf = OrganizationFactory(name="CAF")
    agen, villeneuve = Commune.objects.get(pk="47001"), Commune.objects.get(pk="47323")
    saint_pierre = [CommuneFactory(insee_code=code, name="Saint-Pierre") for code in ("47981", "47982")]
    assert [commune.name for commune in saint_pierre] == ["Saint-Pierre", "Saint-Pierre"]
    person = deliver("laptop", ccas, agen, days_ago=3, in_workshop=7, waiting=4)
    deliver("laptop", ccas, agen, days_ago=5, in_workshop=2.5, waiting=1, person=person)
    deliver("tablet", caf, villeneuve, days_ago=45, in_workshop=10, waiting=30)
    deliver("tablet", caf, saint_pierre[0], days_ago=20, in_workshop=1, waiting=2)
    deliver("laptop", ccas, saint_pierre[1], days_ago=20, in_workshop=3, waiting=6)
    deliver("laptop", caf, None, days_ago=8, in_workshop=4, waiting=8)
    return {"ccas": ccas, "caf": caf}


def test_devices_figures_on_a_varied_data_set(devices_data):
    section = devices_figures(scope(days_after=0))
    values = figures(section)
    assert {key: values[key] for key in ("received", "delivered", "recycled", "people", "co2", "hours")} == {
        "received": 6,
        "delivered": 6,
        "recycled": 0,
        "people": 5,
        "co2": 720.0,
        "hours": 0.0,
    }
    # Medians of an even number of delays: the mean of the two middle ones.
    assert (values["days_in_workshop"], values["days_waiting"]) == (3.5, 5.0)
    assert sum(value for _label, value in section.series[0].points) == 6
    no_commune = ["Commune non renseignée", 1]
    ones = [["Agen", 1], ["Villeneuve-sur-Lot", 1]]
    # ORDER BY puts the missing commune last on PostgreSQL, first on SQLite.
    ones = [*ones, no_commune] if connection.features.nulls_order_largest else [no_commune, *ones]
    assert table(section, "by_commune").rows == [["Saint-Pierre", 2], *ones]
    assert table(section, "by_prescriber").rows == [["CAF", 3], ["CCAS d'Agen", 2]]
    assert table(section, "co2").rows == [["Ordinateur portable", 4, 150.0, 600.0], ["Tablette", 2, 60.0, 120.0]]


def test_devices_figures_of_a_prescriber_and_of_a_commune(devices_data):
    caf = figures(devices_figures(scope(days_after=0, organization=devices_data["caf"])))
    # An odd number of delays: the middle one (1, 4, 10 and 2, 8, 30 days).
    assert (caf["delivered"], caf["people"], caf["days_in_workshop"], caf["days_waiting"]) == (3, 3, 4.0, 8.0)
    agen = devices_figures(scope(days_after=0, communes=("47001",)))
    assert (figures(agen)["delivered"], figures(agen)["people"]) == (2, 1)
    assert (figures(agen)["days_in_workshop"], figures(agen)["days_waiting"]) == (4.8, 2.5)  # 4.75 rounded
    assert table(agen, "by_commune").rows == [["Agen", 1]]
    empty = figures(devices_figures(scope(days_before=900, days_after=-800)))
    assert (empty["delivered"], empty["days_in_workshop"], empty["days_waiting"]) == (0, None, None)


def add_deliveries(count, organization):
    for index in range(count):
        deliver("laptop", organization, CommuneFactory(), days_ago=index + 1, in_workshop=index + 2, waiting=1)


def test_the_devices_queries_do_not_grow_with_the_deliveries(territory):
    organization = OrganizationFactory(name="CCAS")
    add_deliveries(2, organization)
    few = count_queries(devices_figures, scope(days_after=0))
    add_deliveries(8, organization)
    assert count_queries(devices_figures, scope(days_after=0)) == few <= 11
