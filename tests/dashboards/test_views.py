"""The dashboards per role: scoping (403/404), masking for partners, no personal data, exports, query count."""

import csv
import html
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from dashboards.forms import FilterForm, latest_end
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.people.factories import PersonFactory
from tests.referrals.factories import ReferralFactory
from tests.roles import log_in

pytestmark = pytest.mark.django_db


def client_of(client, user):
    log_in(client, user)
    return client


def rows_of(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/pilotage/")
    assert response.status_code == 302
    assert "/connexion" in response["Location"] or "login" in response["Location"]


def test_a_user_without_any_role_gets_403(client):
    user = UserFactory()
    assert client_of(client, user).get("/pilotage/").status_code == 403


def test_coordinator_sees_the_whole_departement(client_for, territory):
    ReferralFactory.create_batch(2)
    client = client_for("coordinator")
    response = client.get("/pilotage/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tableau de bord du département" in html
    assert "Orientations envoyées" in html
    assert "<dd>moins de 5</dd>" not in html  # the coordinator sees exact figures
    assert "<svg" in html and "Données du graphique" in html


def test_partner_sees_its_own_figures_masked_and_no_personal_data(client, territory):
    partner = OrganizationFactory(is_partner=True)
    person = PersonFactory(first_name="Ginette", last_name="Secrète")
    ReferralFactory.create_batch(2, prescriber_organization=partner, person=person)
    ReferralFactory.create_batch(6)  # other organisations
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=partner)
    response = client_of(client, viewer).get("/pilotage/")
    assert response.status_code == 200
    html = response.content.decode()
    assert partner.name in html
    assert "<dd>moins de 5</dd>" in html
    assert "Ginette" not in html and "Secrète" not in html
    referrals = next(e["section"] for e in response.context["sections"] if e["section"].key == "referrals")
    sent = referrals.figures[0]
    assert sent.key == "sent" and str(sent.value) == "moins de 5"


def test_partner_cannot_open_another_organisation(client, territory):
    partner = OrganizationFactory()
    other = OrganizationFactory()
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=partner)
    client = client_of(client, viewer)
    assert client.get(f"/pilotage/?organisation={other.pk}").status_code == 404
    assert client.get(f"/pilotage/export.csv?organisation={other.pk}&table=referrals.by_status").status_code == 404
    assert client.get("/pilotage/bilan/2026/").status_code == 403
    assert client.get("/pilotage/export/pass.csv").status_code == 403


def test_organisation_dashboard_exact_figures_for_its_members(client, territory):
    organization = OrganizationFactory()
    ReferralFactory.create_batch(3, prescriber_organization=organization)
    ReferralFactory()
    member = UserFactory(role=Role.PRESCRIBER, organization=organization)
    response = client_of(client, member).get("/pilotage/?module=referrals")
    section = response.context["sections"][0]["section"]
    assert section.key == "referrals"
    assert section.figures[0].value == 3


def test_coordinator_may_open_any_organisation_unmasked(client_for, territory):
    organization = OrganizationFactory()
    ReferralFactory(prescriber_organization=organization)
    response = client_for("coordinator").get(f"/pilotage/?organisation={organization.pk}&module=referrals")
    assert response.status_code == 200
    assert response.context["sections"][0]["section"].figures[0].value == 1


def test_invalid_filters_show_the_error_summary_and_default_figures(client_for, territory):
    response = client_for("coordinator").get("/pilotage/?start=2026-05-01&end=2026-01-01")
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=1999-12-31", "start", "La date de début (« Du ») ne peut pas précéder le 01/01/2000."),
        ("end=9999-12-31", "end", "La date de fin (« Au ») ne peut pas dépasser d'un an la date du jour."),
        ("start=0001-01-01&end=9999-12-31", "end", "La date de fin (« Au ») ne peut pas dépasser"),
    ],
)
def test_dates_out_of_range_are_a_form_error_not_a_500(client_for, territory, query, field, message):
    response = client_for("coordinator").get(f"/pilotage/?{query}")
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert field in response.context["form"].errors


def test_the_filter_form_accepts_its_bounds(territory):
    last = latest_end(timezone.localdate())
    assert FilterForm({"start": "2000-01-01", "end": "2000-12-31"}).is_valid()
    assert FilterForm({"start": (last - timedelta(days=30)).isoformat(), "end": last.isoformat()}).is_valid()
    assert not FilterForm({"start": "1999-12-31", "end": "2000-12-31"}).is_valid()
    assert not FilterForm({"start": last.isoformat(), "end": (last + timedelta(days=1)).isoformat()}).is_valid()


def test_csv_export_of_a_table(client_for, territory):
    ReferralFactory.create_batch(2)
    response = client_for("coordinator").get("/pilotage/export.csv?table=referrals.by_status")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == ["Statut", "Orientations"]
    assert ["Envoyée", "2"] in rows


def test_csv_export_of_a_chart_and_unknown_table(client_for, territory):
    client = client_for("coordinator")
    rows = rows_of(client.get("/pilotage/export.csv?table=referrals.by_month"))
    assert rows[0] == ["", "Orientations"]
    assert client.get("/pilotage/export.csv?table=nope.nope").status_code == 404


def test_partner_csv_export_is_masked_like_its_page(client, territory):
    partner = OrganizationFactory()
    ReferralFactory.create_batch(2, prescriber_organization=partner)
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=partner)
    rows = rows_of(client_of(client, viewer).get("/pilotage/export.csv?table=referrals.by_status"))
    assert ["Envoyée", "moins de 5"] in rows


def test_xlsx_export_has_one_sheet_per_table(client_for, territory):
    ReferralFactory()
    response = client_for("coordinator").get("/pilotage/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert "Orientations par statut" in workbook.sheetnames
    sheet = workbook["Orientations par statut"]
    assert [cell.value for cell in sheet[1]] == ["Statut", "Orientations"]
    single = client_for("coordinator").get("/pilotage/export.xlsx?table=places.by_epci")
    assert load_workbook(io.BytesIO(single.content)).sheetnames == ["Lieux publiés par intercommunal"]


def test_pass_detail_export_is_streamed_and_anonymous(client_for, territory):
    from tests.vouchers.factories import BookFactory

    book = BookFactory(handed_out=True, person=PersonFactory(first_name="Ginette"))
    response = client_for("coordinator").get("/pilotage/export/pass.csv")
    assert response.streaming
    rows = rows_of(response)
    assert rows[0][0] == "Pass"
    assert len(rows) == 1 + book.order.books.count() * book.order.passes_per_book
    assert "Ginette" not in repr(rows)


def test_dashboard_query_count_is_bounded(client_for, territory):
    ReferralFactory.create_batch(5)
    client = client_for("coordinator")
    client.get("/pilotage/")  # warm the session and the menu
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get("/pilotage/")
    ReferralFactory.create_batch(10)
    cache.clear()
    with CaptureQueriesContext(connection) as second:
        client.get("/pilotage/")
    assert len(second) == len(first)
    # About 25 for the page and the first five sections, then events (6), devices (11) and funding (12).
    assert len(first) < 60
    with CaptureQueriesContext(connection) as cached:
        client.get("/pilotage/")
    assert len(cached) < len(first) - 10


def test_a_long_table_shows_its_first_rows_and_the_export_holds_all(client_for, territory):
    from dashboards import registry
    from dashboards.registry import Section, Table

    rows = [[f"Ligne {n}", n] for n in range(60)]
    registry.register(
        "long", "Long", lambda scope: Section("long", "Long", tables=[Table("t", "Tableau long", ["A", "B"], rows)])
    )
    try:
        client = client_for("coordinator")
        html = client.get("/pilotage/?module=long").content.decode()
        assert "Ligne 49" in html and "Ligne 50" not in html
        assert "10 de plus dans les exports" in html
        exported = rows_of(client.get("/pilotage/export.csv?module=long&table=long.t"))
        assert len(exported) == 61
    finally:
        registry._providers.pop("long", None)


def test_territory_filters_commune_and_epci(client_for, territory):
    from geo.models import Commune

    agen = Commune.objects.get(pk="47001")
    ReferralFactory(person=PersonFactory(commune=agen))
    ReferralFactory(person=PersonFactory(commune_id="47157"))  # Marmande, another EPCI
    client = client_for("coordinator")

    def sent(query):
        response = client.get(f"/pilotage/?module=referrals&{query}")
        assert response.status_code == 200
        return response.context["sections"][0]["section"].figures[0].value

    assert sent("") == 2
    assert sent("commune=Agen") == 1
    assert sent(f"epci={agen.epci_id}") == 1
    assert "CA Agglomération d&#x27;Agen" in client.get(f"/pilotage/?epci={agen.epci_id}").content.decode()
