"""The fund's pages through the HTTP client: public calls, the applicant's draft and submission, the coordination's
instruction, decision and payments, the reports and the open-data export."""

import csv
import html
import io
import os
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from funding import ledger
from funding.exporting import SCDL_COLUMNS
from funding.models import Application, Call, Payment
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    PDF_BYTES,
    ApplicationFactory,
    CallFactory,
    FunderFactory,
    accepted_grant,
    applicant_for,
    funded_earmark,
    siret,
)
from tests.roles import log_in

S = Application.Status
D = Decimal


@pytest.fixture
def coordinator_client(client):
    user = UserFactory(coordinator=True, totp=True)
    log_in(client, user)
    client.user = user
    return client


def as_user(client, user):
    log_in(client, user)
    return client


def test_the_public_page_lists_published_calls_only_and_is_light(client):
    published = CallFactory(published=True, title="Ateliers pour les seniors")
    CallFactory(title="Brouillon secret")
    response = client.get(reverse("funding:calls_public"))
    content = response.content.decode()
    assert response.status_code == 200
    assert published.title in content and "Brouillon secret" not in content
    assert len(response.content) < 30_000
    assert client.get(reverse("funding:call_public", args=[published.pk])).status_code == 200


def test_a_draft_call_is_not_public(client):
    assert client.get(reverse("funding:call_public", args=[CallFactory().pk])).status_code == 404


def test_an_applicant_builds_a_draft_and_submits_it(client):
    call = CallFactory(published=True)
    user = UserFactory(mediator=True)
    organization = user.memberships.get().organization
    organization.siret = siret(42)
    organization.save()
    as_user(client, user)
    response = client.post(
        reverse("funding:application_create", args=[call.pk]),
        {"organization": organization.pk, "project_title": "Café numérique"},
    )
    application = Application.objects.get(project_title="Café numérique")
    assert response.url == reverse("funding:application_detail", args=[application.pk])
    submit_url = reverse("funding:application_submit", args=[application.pk])
    page = client.get(submit_url).content.decode()
    assert "Il manque" in page and "au moins une ligne de budget" in page
    client.post(
        reverse("funding:application_edit", args=[application.pk]),
        {"project_title": "Café numérique", "project_description": "Chaque mardi.", "amount_requested": "1 500,50"},
    )
    application.refresh_from_db()
    assert application.amount_requested == D("1500.50")
    add = lambda kind, data: client.post(reverse("funding:application_add_line", args=[application.pk, kind]), data)  # noqa: E731
    add("budget", {"label": "Animation", "amount": "2000"})
    add("cofinancement", {"source": "state", "label": "Conseiller numérique", "amount": "3000", "status": "obtained"})
    add("indicateur", {"kind": "people", "label": "", "expected": "60"})
    client.post(
        reverse("funding:document_add", args=[application.pk]),
        {"kind": "bank", "file": SimpleUploadedFile("rib.pdf", PDF_BYTES, content_type="application/pdf")},
    )
    response = client.post(submit_url)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED, response.content.decode()[:2000]
    document = application.documents.get()
    download = client.get(reverse("funding:document_download", args=[application.pk, document.pk]))
    assert download.status_code == 200 and download.content == PDF_BYTES


def test_another_structure_sees_nothing(client):
    application = ApplicationFactory(complete=True)
    as_user(client, UserFactory(org_admin=True))
    document = application.documents.get()
    assert client.get(reverse("funding:application_detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("funding:document_download", args=[application.pk, document.pk])).status_code == 404
    assert client.get(reverse("funding:ledger")).status_code == 403


def test_a_bad_document_is_refused_on_the_page(client):
    application = ApplicationFactory()
    as_user(client, applicant_for(application))
    response = client.post(
        reverse("funding:document_add", args=[application.pk]),
        {"kind": "bank", "file": SimpleUploadedFile("rib.pdf", b"GIF89a not allowed")},
    )
    assert response.status_code == 200
    assert "Seuls les PDF, JPEG et PNG sont acceptés." in response.content.decode()
    assert not application.documents.exists()


def test_the_coordination_publishes_a_call(coordinator_client):
    response = coordinator_client.post(
        reverse("funding:call_create"),
        {
            "title": "Appel 2026",
            "year": "2026",
            "objectives": "Former.",
            "eligibility": "Réseau.",
            "budget": "20000",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
        },
    )
    call = Call.objects.get(title="Appel 2026")
    status_url = reverse("funding:call_status", args=[call.pk])
    coordinator_client.post(status_url, {"status": "published"})
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT  # no criterion yet
    coordinator_client.post(reverse("funding:call_manage", args=[call.pk]), {"label": "Public touché", "weight": "3"})
    coordinator_client.post(status_url, {"status": "published"})
    call.refresh_from_db()
    assert response.status_code == 302 and call.status == Call.Status.PUBLISHED


def test_review_and_decision_pages_refuse_over_commitment_with_the_figures(coordinator_client):
    earmark = funded_earmark("1000.00")
    application = ApplicationFactory(complete=True, status=S.UNDER_REVIEW)
    criteria = list(application.call.criteria.all())
    response = coordinator_client.post(
        reverse("funding:application_review", args=[application.pk]),
        {"opinion": "favourable", "comment": "", **{f"criterion_{c.pk}": "4" for c in criteria}},
    )
    assert response.status_code == 302 and application.reviews.count() == 1
    decide_url = reverse("funding:application_decide", args=[application.pk])
    response = coordinator_client.post(
        decide_url,
        {"accepted": "1", "amount": "1500", "advance_percent": "50", f"earmark_{earmark.pk}": "1500"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "n'a plus que 1\u202f000,00 € disponibles" in html.unescape(content)
    response = coordinator_client.post(
        decide_url,
        {"accepted": "1", "amount": "1000", "advance_percent": "30", f"earmark_{earmark.pk}": "1000"},
    )
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    assert application.grant.payments.get(kind=Payment.Kind.ADVANCE).amount == D("300.00")


def test_payments_are_recorded_from_the_grant_page(coordinator_client):
    grant = accepted_grant()
    advance = grant.payments.get(kind="advance")
    page = coordinator_client.get(reverse("funding:grant_detail", args=[grant.pk]))
    assert page.status_code == 200 and "Enregistrer le versement" in page.content.decode()
    coordinator_client.post(
        reverse("funding:payment_record", args=[grant.pk, advance.pk]),
        {f"payment-{advance.pk}-paid_on": timezone.localdate().isoformat()},
    )
    advance.refresh_from_db()
    assert advance.paid_at == timezone.localdate()
    pdf = coordinator_client.get(reverse("funding:grant_agreement_pdf", args=[grant.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_funder_report_adds_up_to_the_ledger(coordinator_client):
    from openpyxl import load_workbook

    caf = FunderFactory(name="CAF")
    earmark = funded_earmark("8000.00", funder=caf)
    other = funded_earmark("8000.00")
    grant = accepted_grant(amount="3000.00", earmarks={earmark: D("2000.00"), other: D("1000.00")})
    response = coordinator_client.get(reverse("funding:funder_report", args=[caf.pk]))
    report = response.context["report"]
    figures = ledger.year_figures(funder=caf)[earmark.contribution.year]
    assert report.totals.drawn == figures.drawn == sum(line.drawn for line in report.lines) == D("2000.00")
    assert report.totals.balance == D("6000.00")
    line = report.lines[0]
    assert line.grant == grant and line.share == D("2000.00") / D("3000.00")
    workbook = load_workbook(
        io.BytesIO(coordinator_client.get(reverse("funding:funder_report_xlsx", args=[caf.pk])).content)
    )
    sheet = workbook["Contributions et solde"]
    assert [cell.value for cell in sheet[1]][:3] == ["Année", "Promis", "Reçu"]
    assert D(str(sheet.cell(row=sheet.max_row, column=4).value)) == D("2000.00")
    pdf = coordinator_client.get(reverse("funding:funder_report_pdf", args=[caf.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_the_funder_members_read_their_report_and_not_the_others(client):
    caf = FunderFactory(organization=UserFactory(partner_viewer=True).memberships.get().organization)
    member = caf.organization.memberships.get().user
    as_user(client, member)
    assert client.get(reverse("funding:funder_report", args=[caf.pk])).status_code == 200
    assert client.get(reverse("funding:funder_report", args=[FunderFactory().pk])).status_code == 403


def test_open_data_export_has_the_scdl_columns(client):
    grant = accepted_grant(amount="2500.00")
    response = client.get(reverse("funding:grants_open_data"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == SCDL_COLUMNS
    assert rows[0] == [
        "nomAttribuant",
        "idAttribuant",
        "dateConvention",
        "referenceDecision",
        "nomBeneficiaire",
        "idBeneficiaire",
        "objet",
        "montant",
        "nature",
        "conditionsVersement",
        "datesPeriodeVersement",
        "idRAE",
        "notificationUE",
        "pourcentageSubvention",
    ]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["montant"] == "2500.00"
    assert row["idBeneficiaire"] == grant.application.organization.siret
    assert row["nature"] == "aide en numéraire" and row["conditionsVersement"] == "échelonné"
    assert row["notificationUE"] == "non"
    start, end = row["datesPeriodeVersement"].split("/")
    assert start == grant.agreement_date.isoformat() and end == grant.report_due_on.isoformat()


def test_list_pages_have_bounded_queries(client, coordinator_client, django_assert_max_num_queries):
    applicant = None
    for _ in range(3):
        grant = accepted_grant()
        applicant = applicant or applicant_for(grant.application)
    for _ in range(2):
        ApplicationFactory(organization=applicant.memberships.get().organization)
    with django_assert_max_num_queries(14):
        assert coordinator_client.get(reverse("funding:grants")).status_code == 200
    with django_assert_max_num_queries(16):  # constant: five ledger aggregates, two for the leverage
        assert coordinator_client.get(reverse("funding:ledger")).status_code == 200
    with django_assert_max_num_queries(12):
        assert coordinator_client.get(reverse("funding:contributions")).status_code == 200
    as_user(client, applicant)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("funding:my_applications")).status_code == 200


def test_published_calls_as_dispositif_aide_records(client, settings):
    settings.PLATFORM_DEPARTEMENT = "47"
    call = CallFactory(published=True, objectives="Former les seniors.\nEt les aidants.")
    CallFactory(title="Brouillon")
    records = client.get(reverse("funding:calls_dispositif_aide")).json()
    assert [record["titre"] for record in records] == [call.title]
    record = records[0]
    assert record["id"] == str(call.public_id)
    assert record["promesse"] == "Former les seniors."
    assert record["eligibilite_geographique"] == "DEP-47"
    assert record["date_cloture"] == call.closes_on.isoformat()
    assert set(record) == {
        "id",
        "titre",
        "promesse",
        "description",
        "eligibilite",
        "types_aides",
        "porteurs",
        "programmes_parents",
        "url_source",
        "cibles",
        "eligibilite_geographique",
        "eligibilite_geographique_exclusions",
        "date_ouverture",
        "date_cloture",
        "date_mise_a_jour",
    }


def test_the_funder_report_counts_the_people_followed_pro_rata(coordinator_client):
    from tests.people.factories import PersonFactory

    caf = FunderFactory(name="CAF")
    mine, other = funded_earmark("8000.00", funder=caf), funded_earmark("8000.00")
    grant = accepted_grant(amount="2000.00", earmarks={mine: D("1000.00"), other: D("1000.00")})
    for _ in range(4):
        PersonFactory(involved=grant.application.organization)
    PersonFactory(involved=UserFactory(mediator=True).memberships.get().organization)  # another structure
    report = coordinator_client.get(reverse("funding:funder_report", args=[caf.pk])).context["report"]
    assert report.lines[0].people_followed == D("2.0")  # 4 people × half of the grant
    assert report.people_followed == D("2.0")


def test_the_applicant_removes_a_document_and_withdraws(client, django_capture_on_commit_callbacks):
    application = ApplicationFactory(complete=True)
    document = application.documents.get()
    stored = document.file.path
    as_user(client, applicant_for(application, role="prescriber"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding:document_remove", args=[application.pk, document.pk]))
    assert not application.documents.exists()
    assert not os.path.exists(stored)
    assert "RIB" in client.get(reverse("funding:application_submit", args=[application.pk])).content.decode()
    client.post(reverse("funding:application_withdraw", args=[application.pk]), {"note": "Projet reporté."})
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert client.get(reverse("funding:application_withdraw", args=[application.pk])).status_code == 403


def test_the_coordination_asks_for_more_information_from_the_page(coordinator_client):
    application = ApplicationFactory(complete=True, status=S.SUBMITTED)
    coordinator_client.post(
        reverse("funding:application_request_info", args=[application.pk]), {"note": "Joignez le budget détaillé."}
    )
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    assert application.status_note == "Joignez le budget détaillé."
