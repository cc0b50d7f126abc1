"""The figures of events (50), devices (60) and funding (70) on the dashboards: known data → exact figures, a
partner sees only its own, small counts masked, no personal data, bounded queries."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from dashboards import registry
from dashboards.masking import MASKED, mask_section
from dashboards.providers_devices import devices_figures
from dashboards.providers_events import events_figures
from dashboards.providers_funding import funding_figures
from dashboards.registry import Scope
from devices.models import CO2Factor, Delivery, DeviceTransition, Kind, RequestStatus, Status, WorkLog
from events.models import Registration
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.dashboards.factories import ShareLinkFactory
from tests.devices.factories import DeviceFactory, DeviceRequestFactory, DonationFactory
from tests.events.factories import EventFactory, RegistrationFactory, RelaySiteFactory, SessionFactory
from tests.funding.factories import FunderFactory, accepted_grant, funded_earmark
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory
from tests.roles import log_in

pytestmark = pytest.mark.django_db
D = Decimal
R = Registration.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Funding applications upload documents: to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def rows_of(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def recent_scope(**kwargs):
    today = timezone.localdate()
    return Scope(start=today - timedelta(days=60), end=today, **kwargs)


def figures(section):
    return {figure.key: figure.value for figure in section.figures}


def table(section, key):
    return next(t for t in section.tables if t.key == key)


def assert_no_personal_data(section, *words):
    text = repr(section)
    for word in words:
        assert word not in text, word


def test_the_new_modules_are_registered_at_their_reserved_orders():
    orders = {provider.key: provider.order for provider in registry.providers()}
    assert (orders["events"], orders["devices"], orders["funding"]) == (50, 60, 70)
    keys = [provider.key for provider in registry.providers()]
    assert keys.index("vouchers") < keys.index("events") < keys.index("devices") < keys.index("funding")


# Events ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def events_data(territory):
    """Organiser A: a session at Agen two days ago, 6 confirmed (4 present), 1 waitlisted, 1 cancelled. Organiser B:
    a webinar followed from a relay site at Villeneuve-sur-Lot, 2 confirmed (both present) registered by an adviser
    of the partner. Left out: a draft event's session and a session before the period."""
    past = timezone.now() - timedelta(days=2)
    organizer_a = OrganizationFactory(name="Médiathèque d'Agen")
    organizer_b = OrganizationFactory(name="Réseau des médiateurs")
    partner = OrganizationFactory(name="CAF")
    adviser = UserFactory(role="prescriber", organization=partner)
    agen = PlaceFactory(published=True, with_point=True, commune_id="47001", commune_name="Agen")
    session_a = SessionFactory(event=EventFactory(organizer=organizer_a), starts_at=past, place=agen)
    for index in range(6):
        RegistrationFactory(session=session_a, first_name="Camille", last_name=f"Martin{index}", attended=index < 4)
    RegistrationFactory(session=session_a, status=R.WAITLISTED, confirmed_at=None)
    RegistrationFactory(session=session_a, status=R.CANCELLED, cancelled_at=past)
    webinar = SessionFactory(event=EventFactory(organizer=organizer_b, webinar=True), starts_at=past, online=True)
    villeneuve = PlaceFactory(
        name="Espace numérique de Villeneuve",
        published=True,
        with_point=True,
        commune_id="47323",
        commune_name="Villeneuve-sur-Lot",
    )
    relay = RelaySiteFactory(session=webinar, place=villeneuve)
    for _ in range(2):
        RegistrationFactory(session=webinar, relay_site=relay, registered_by=adviser, attended=True)
    draft = SessionFactory(event=EventFactory(organizer=organizer_a, draft=True), starts_at=past, place=agen)
    RegistrationFactory(session=draft)
    old = SessionFactory(
        event=EventFactory(organizer=organizer_a), starts_at=timezone.now() - timedelta(days=400), place=agen
    )
    RegistrationFactory(session=old)
    return {"a": organizer_a, "b": organizer_b, "partner": partner}


def test_events_figures_for_the_whole_departement(events_data):
    section = events_figures(recent_scope())
    assert figures(section) == {
        "sessions": 2,
        "registered": 8,
        "present": 6,
        "attendance": 75,
        "no_shows": 2,
        "waitlisted": 1,
        "cancelled": 1,
    }
    assert sum(value for _label, value in section.series[0].points) == 8
    assert table(section, "by_organization").rows == [
        ["Médiathèque d'Agen", 6, 4, 2, 67, 1, 1],
        ["Réseau des médiateurs", 2, 2, 0, None, 0, 0],
    ]
    assert sorted(row[:2] for row in table(section, "by_commune").rows) == [["Agen", 6], ["Villeneuve-sur-Lot", 2]]
    by_session = sorted(row[1:] for row in table(section, "by_session").rows)
    assert by_session == [["Espace numérique de Villeneuve", 2, 2, 0, None, 0, 0], ["Sur place", 6, 4, 2, 67, 1, 1]]
    assert_no_personal_data(section, "Camille", "Martin", "@example.org")


def test_events_figures_of_an_organiser_and_of_a_territory(events_data):
    mine = figures(events_figures(recent_scope(organization=events_data["a"])))
    assert (mine["registered"], mine["present"], mine["attendance"], mine["waitlisted"]) == (6, 4, 67, 1)
    villeneuve = figures(events_figures(recent_scope(communes=("47323",))))
    assert (villeneuve["sessions"], villeneuve["registered"], villeneuve["present"]) == (1, 2, 2)


def test_a_partner_sees_the_registrations_its_members_made_masked_when_small(events_data):
    section = events_figures(recent_scope(organization=events_data["partner"]))
    assert figures(section)["registered"] == 2
    assert figures(section)["attendance"] is None  # not computed on fewer than 5
    masked = mask_section(section)
    assert figures(masked)["registered"] is MASKED
    assert table(masked, "by_organization").rows == [["Réseau des médiateurs", MASKED, MASKED, 0, None, 0, 0]]
    assert table(masked, "by_session").rows[0][1:] == ["Espace numérique de Villeneuve", MASKED, MASKED, 0, None, 0, 0]


def test_events_figures_run_a_bounded_number_of_queries(events_data):
    with CaptureQueriesContext(connection) as queries:
        events_figures(recent_scope())
    assert len(queries) <= 7


# Devices ---------------------------------------------------------------------------------------------------------


def deliver(device, organization, commune_id, *, days_ago=3):
    person = PersonFactory(commune_id=commune_id, first_name="Dominique", last_name="Durand", involved=organization)
    when = timezone.now() - timedelta(days=days_ago)
    device.status = Status.DELIVERED
    device.save(update_fields=["status"])
    request = DeviceRequestFactory(
        organization=organization,
        person=person,
        status=RequestStatus.DELIVERED,
        reserved_device=device,
        created_at=when - timedelta(days=4),
        closed_at=when,
    )
    return Delivery.objects.create(
        request=request, device=device, delivered_at=when, acknowledgement=Delivery.Acknowledgement.PAPER
    )


@pytest.fixture
def devices_data(territory):
    """Donor « Entreprise » gives 4 devices to the workshop, received 10 days ago (one more, before the period);
    3 laptops delivered (2 to people of Agen prescribed by the CCAS, 1 to Villeneuve-sur-Lot by the Mission
    locale), 1 recycled; 12.5 hours of insertion work."""
    CO2Factor.objects.update_or_create(kind="laptop", defaults={"kg_co2e": D("150.0"), "source": "Test"})
    donor = OrganizationFactory(name="Entreprise donatrice")
    workshop = OrganizationFactory(name="Atelier d'insertion")
    ccas = OrganizationFactory(name="CCAS d'Agen")
    caf = OrganizationFactory(name="Mission locale")
    donation = DonationFactory(donor=donor, workshop=workshop)
    received = timezone.now() - timedelta(days=10)
    devices = [DeviceFactory(donation=donation, ready=True, received_at=received) for _ in range(4)]
    DeviceFactory(donation=donation, received_at=timezone.now() - timedelta(days=300))
    deliver(devices[0], ccas, "47001")
    deliver(devices[1], ccas, "47001")
    deliver(devices[2], caf, "47323")
    devices[3].status = Status.RECYCLED
    devices[3].recycled_reason = "Écran cassé"
    devices[3].save(update_fields=["status", "recycled_reason"])
    DeviceTransition.objects.create(device=devices[3], from_status=Status.READY, to_status=Status.RECYCLED)
    WorkLog.objects.create(
        workshop=workshop, worker="A. B.", day=timezone.localdate(), hours=D("12.5"), activity="Effacement"
    )
    return {"donor": donor, "workshop": workshop, "ccas": ccas, "caf": caf}


def test_devices_figures_for_the_whole_departement(devices_data):
    section = devices_figures(recent_scope())
    values = figures(section)
    assert {key: values[key] for key in ("received", "delivered", "recycled", "people", "co2", "hours")} == {
        "received": 4,
        "delivered": 3,
        "recycled": 1,
        "people": 3,
        "co2": 450.0,
        "hours": 12.5,
    }
    assert (values["days_in_workshop"], values["days_waiting"]) == (7.0, 4.0)
    assert table(section, "by_commune").rows == [["Agen", 2], ["Villeneuve-sur-Lot", 1]]
    assert table(section, "by_prescriber").rows == [["CCAS d'Agen", 2], ["Mission locale", 1]]
    assert table(section, "co2").rows == [[Kind.LAPTOP.label, 3, 150.0, 450.0]]
    assert_no_personal_data(section, "Dominique", "Durand")


def test_devices_figures_of_a_prescriber_and_of_a_territory(devices_data):
    caf = figures(devices_figures(recent_scope(organization=devices_data["caf"])))
    assert (caf["delivered"], caf["people"], caf["received"], caf["hours"]) == (1, 1, 0, 0.0)
    workshop = figures(devices_figures(recent_scope(organization=devices_data["workshop"])))
    assert (workshop["received"], workshop["delivered"], workshop["recycled"], workshop["hours"]) == (4, 3, 1, 12.5)
    agen = devices_figures(recent_scope(communes=("47001",)))
    assert (figures(agen)["delivered"], figures(agen)["people"]) == (2, 2)
    assert figures(agen)["received"] is None  # the stock has no commune
    assert figures(mask_section(agen))["people"] is MASKED


def test_masked_devices_figures_do_not_give_a_small_count_back(devices_data):
    """In Agen, 2 laptops were delivered: the CO2e (count × a public factor) and the medians (of 2 delays) would
    tell the masked count or the delays of two people."""
    agen = mask_section(devices_figures(recent_scope(communes=("47001",))))
    values = figures(agen)
    assert values["delivered"] is MASKED
    assert (values["co2"], values["days_in_workshop"], values["days_waiting"]) == (MASKED, MASKED, MASKED)
    assert table(agen, "co2").rows == [[Kind.LAPTOP.label, MASKED, 150.0, MASKED]]


def test_devices_figures_run_a_bounded_number_of_queries(devices_data):
    with CaptureQueriesContext(connection) as queries:
        devices_figures(recent_scope())
    assert len(queries) <= 11


# Funding ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def funding_data(territory):
    """The CAF (a partner organisation) gives 2 000 €, another funder 9 000 €, both received; one grant of
    1 000 € drawn half on each: the CAF funds 50 % of it."""
    partner = OrganizationFactory(name="CAF de Lot-et-Garonne")
    caf = FunderFactory(name="CAF", organization=partner)
    mine = funded_earmark("2000.00", funder=caf)
    other = funded_earmark("9000.00", funder=FunderFactory(name="Fonds européen"))
    grant = accepted_grant(amount="1000.00", earmarks={mine: D("500.00"), other: D("500.00")})
    return {"funder": partner, "grant": grant}


def test_funding_figures_of_the_whole_fund(funding_data):
    section = funding_figures(recent_scope())
    values = figures(section)
    assert {key: values[key] for key in ("pledged", "received", "committed", "paid", "balance", "grants")} == {
        "pledged": 11000.0,
        "received": 11000.0,
        "committed": 1000.0,
        "paid": 0.0,
        "balance": 10000.0,
        "grants": 1,
    }
    assert values["granted"] == 1000.0
    assert table(section, "by_funder").rows == [
        ["CAF", 2000.0, 2000.0, 0.0],
        ["Fonds européen", 9000.0, 9000.0, 0.0],
    ]
    grant = funding_data["grant"]
    assert table(section, "grants").rows == [
        [grant.application.project_title, grant.application.organization.name, 1000.0]
    ]


def test_a_partner_sees_its_contribution_and_the_projects_it_funded_pro_rata(funding_data):
    section = funding_figures(recent_scope(organization=funding_data["funder"]))
    values = figures(section)
    assert (values["pledged"], values["received"], values["committed"], values["balance"]) == (
        2000.0,
        2000.0,
        500.0,
        1500.0,
    )
    assert values["funded_projects"] == 1
    grant = funding_data["grant"]
    [row] = table(section, "funded_projects").rows
    assert row[:6] == [grant.application.project_title, grant.application.organization.name, 1000.0, 500.0, 50, 0.0]
    assert "Fonds européen" not in repr(section)


def test_funding_is_left_out_of_a_territorial_view_and_of_an_organisation_with_nothing(funding_data):
    assert funding_figures(recent_scope(communes=("47001",))) is None
    assert funding_figures(recent_scope(organization=OrganizationFactory())) is None


def test_the_grant_holder_sees_the_grants_it_received(funding_data):
    holder = funding_data["grant"].application.organization
    values = figures(funding_figures(recent_scope(organization=holder)))
    assert (values["grants_received"], values["grants_amount"]) == (1, 1000.0)


def test_funding_figures_run_a_bounded_number_of_queries(funding_data):
    with CaptureQueriesContext(connection) as queries:
        funding_figures(recent_scope())
    assert len(queries) <= 12
    with CaptureQueriesContext(connection) as queries:
        funding_figures(recent_scope(organization=funding_data["funder"]))
    assert len(queries) <= 12


# Through the pages, the exports, the share link, the yearly report and the API ---------------------------------


@pytest.fixture
def all_modules(events_data, devices_data, funding_data):
    return {**events_data, **devices_data, **funding_data}


def test_the_coordinator_dashboard_shows_the_three_new_sections(client_for, all_modules):
    response = client_for("coordinator").get("/pilotage/")
    assert response.status_code == 200
    keys = [entry["section"].key for entry in response.context["sections"]]
    assert keys[-3:] == ["events", "devices", "funding"]
    html = response.content.decode()
    for title in ("Formations et webinaires", "Reconditionnement", "Fonds départemental"):
        assert title in html
    for word in ("Camille", "Martin", "Dominique", "Durand", "inscrit0@"):
        assert word not in html


def test_a_partner_dashboard_shows_its_funded_projects_and_masks_small_counts(client, all_modules):
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=all_modules["partner"])
    log_in(client, viewer)
    sections = {entry["section"].key: entry["section"] for entry in client.get("/pilotage/").context["sections"]}
    assert figures(sections["events"])["registered"] is MASKED  # its adviser registered 2 people
    client.logout()
    log_in(client, UserFactory(role=Role.PARTNER_VIEWER, organization=all_modules["funder"]))
    response = client.get("/pilotage/")
    funding = next(e["section"] for e in response.context["sections"] if e["section"].key == "funding")
    assert figures(funding)["funded_projects"] == 1
    html = response.content.decode()
    assert "Projets financés par sa contribution" in html
    assert "Fonds européen" not in html


def test_csv_and_xlsx_exports_hold_the_new_tables(client_for, all_modules):
    client = client_for("coordinator")
    rows = rows_of(client.get("/pilotage/export.csv?table=events.by_organization"))
    assert rows[0][0] == "Organisation"
    assert ["Médiathèque d'Agen", "6", "4", "2", "67", "1", "1"] in rows
    rows = rows_of(client.get("/pilotage/export.csv?table=devices.by_commune"))
    assert ["Agen", "2"] in rows
    rows = rows_of(client.get("/pilotage/export.csv?table=funding.by_funder"))
    assert ["CAF", "2000,00", "2000,00", "0,00"] in rows
    workbook = load_workbook(io.BytesIO(client.get("/pilotage/export.xlsx").content))
    assert "Personnes équipées par commune" in workbook.sheetnames


def test_a_share_link_shows_the_new_sections_masked(client, all_modules):
    link = ShareLinkFactory()
    response = client.get(f"/pilotage/partage/{link.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Formations et webinaires" in html and "Reconditionnement" in html
    rows = rows_of(client.get(f"/pilotage/partage/{link.token}/export.csv?table=devices.by_commune"))
    assert ["Villeneuve-sur-Lot", "moins de 5"] in rows and ["Agen", "moins de 5"] in rows


def test_the_yearly_report_has_the_new_sections_in_html_and_pdf(client_for, all_modules):
    from dashboards.report import build_report

    year = timezone.localdate().year
    keys = [section.key for section in build_report(year).sections]
    assert keys[-3:] == ["events", "devices", "funding"]
    client = client_for("coordinator")
    assert "Reconditionnement" in client.get(f"/pilotage/bilan/{year}/").content.decode()
    assert client.get(f"/pilotage/bilan/{year}/pdf/").content.startswith(b"%PDF")


def test_the_api_figures_document_masks_the_new_sections(all_modules):
    from api.figures import figures_for

    document = figures_for(all_modules["partner"])
    events = next(section for section in document["sections"] if section["cle"] == "events")
    registered = next(figure for figure in events["chiffres"] if figure["cle"] == "registered")
    assert registered == {**registered, "valeur": None, "masque": True}
    assert "Camille" not in repr(document)
