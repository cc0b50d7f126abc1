"""Corrections by the coordination: the same rules as when adding, nothing drawn or paid left uncovered, one
history row with before and after, French errors naming the field; and the funder report for one year."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import HistoryEntry
from funding import ledger, services
from funding.models import Payment
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    CallFactory,
    ContributionFactory,
    FunderFactory,
    accepted_grant,
    applicant_for,
    funded_earmark,
)
from tests.roles import log_in

D = Decimal


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def coordinator_client(client):
    user = UserFactory(coordinator=True, totp=True)
    log_in(client, user)
    return client


def field_error(field, text, action, *args, **kwargs):
    with pytest.raises(ValidationError) as error:
        action(*args, **kwargs)
    messages = error.value.message_dict.get(field, [])
    assert any(text in message for message in messages), error.value.message_dict


def test_a_funder_is_renamed_with_a_history_row(coordinator):
    funder = FunderFactory(name="CAF du Nord")
    services.update_funder(funder, acting_user=coordinator, name="CAF du Sud", siret="")
    funder.refresh_from_db()
    assert funder.name == "CAF du Sud"
    entry = HistoryEntry.objects.get(action="fund_funder_updated")
    assert entry.changes == {"name": ["CAF du Nord", "CAF du Sud"]}


def test_only_the_coordination_corrects():
    funder = FunderFactory()
    with pytest.raises(PermissionDenied):
        services.update_funder(funder, acting_user=UserFactory(mediator=True), name="Autre")


def test_a_pledge_cannot_fall_below_what_was_received_or_earmarked(coordinator):
    earmark = funded_earmark("2000.00")
    contribution = earmark.contribution
    field_error(
        "pledged",
        "ne peut pas descendre sous 2\u202f000,00 €",
        services.update_contribution,
        contribution,
        acting_user=coordinator,
        funder=contribution.funder,
        year=contribution.year,
        pledged=D("1500.00"),
    )
    services.update_contribution(
        contribution, acting_user=coordinator, funder=contribution.funder, year=contribution.year, pledged=D("2500.00")
    )
    contribution.refresh_from_db()
    assert contribution.pledged == D("2500.00")
    assert HistoryEntry.objects.get(action="fund_contribution_updated").changes == {"pledged": ["2000.00", "2500.00"]}


def test_the_year_and_funder_of_a_contribution_drawn_on_stay(coordinator):
    earmark = funded_earmark("5000.00")
    accepted_grant(amount="1000.00", earmarks={earmark: D("1000.00")}, coordinator=coordinator)
    contribution = earmark.contribution
    field_error(
        "year",
        "son année ne change plus",
        services.update_contribution,
        contribution,
        acting_user=coordinator,
        funder=contribution.funder,
        year=contribution.year - 1,
        pledged=contribution.pledged,
    )


def test_a_receipt_correction_keeps_the_receipts_within_the_pledge(coordinator):
    contribution = ContributionFactory(pledged=D("1000.00"))
    today = timezone.localdate()
    first = services.record_receipt(
        acting_user=coordinator, contribution=contribution, received_on=today, amount=D("600")
    )
    services.record_receipt(acting_user=coordinator, contribution=contribution, received_on=today, amount=D("300"))
    field_error(
        "amount",
        "au-delà des 1\u202f000,00 € promis",
        services.update_receipt,
        first,
        acting_user=coordinator,
        received_on=today,
        amount=D("800.00"),
    )
    services.update_receipt(first, acting_user=coordinator, received_on=today, amount=D("700.00"), note="corrigé")
    assert ledger.year_figures()[contribution.year].received == D("1000.00")
    assert HistoryEntry.objects.filter(action="fund_receipt_updated").count() == 1


def test_an_earmark_cannot_fall_below_what_is_committed_or_paid(coordinator):
    earmark = funded_earmark("5000.00")
    grant = accepted_grant(amount="3000.00", earmarks={earmark: D("3000.00")}, coordinator=coordinator)
    services.record_payment(
        grant.payments.get(kind=Payment.Kind.ADVANCE), acting_user=coordinator, paid_on=timezone.localdate()
    )
    field_error(
        "amount",
        "ne peut pas descendre sous 3\u202f000,00 €",
        services.update_earmark,
        earmark,
        acting_user=coordinator,
        label=earmark.label,
        amount=D("2999.99"),
    )
    services.update_earmark(earmark, acting_user=coordinator, label="Seniors", amount=D("3000.00"))
    earmark.refresh_from_db()
    assert (earmark.label, earmark.amount) == ("Seniors", D("3000.00"))
    assert ledger.year_figures()[earmark.contribution.year].balance == D("2000.00")


def test_an_earmark_correction_stays_within_the_pledge(coordinator):
    contribution = ContributionFactory(pledged=D("1000.00"))
    first = services.add_earmark(acting_user=coordinator, contribution=contribution, label="A", amount=D("600"))
    services.add_earmark(acting_user=coordinator, contribution=contribution, label="B", amount=D("400"))
    field_error(
        "amount",
        "reste à flécher : 600,00 €",
        services.update_earmark,
        first,
        acting_user=coordinator,
        label="A",
        amount=D("700.00"),
    )


def test_criteria_are_corrected_until_an_application_is_submitted(coordinator):
    call = CallFactory(published=True)
    criterion = call.criteria.first()
    services.update_criterion(criterion, acting_user=coordinator, label="Publics éloignés", weight=4)
    criterion.refresh_from_db()
    assert (criterion.label, criterion.weight) == ("Publics éloignés", 4)
    application = ApplicationFactory(complete=True, call=call)
    services.submit_application(application, acting_user=applicant_for(application))
    with pytest.raises(ValidationError):
        services.update_criterion(criterion, acting_user=coordinator, label="Autre", weight=1)


def test_the_earmark_page_names_the_field_in_french(coordinator_client):
    earmark = funded_earmark("5000.00")
    accepted_grant(amount="3000.00", earmarks={earmark: D("3000.00")})
    url = reverse("funding:earmark_edit", args=[earmark.contribution_id, earmark.pk])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, {"label": earmark.label, "amount": "1000"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Montant fléché :" in page and "ne peut pas descendre sous" in page
    response = coordinator_client.post(url, {"label": "Seniors", "amount": "4000,00"})
    assert response.status_code == 302


def test_the_correction_pages_are_for_the_coordination_only(client):
    log_in(client, UserFactory(mediator=True))
    funder = FunderFactory()
    assert client.get(reverse("funding:funder_edit", args=[funder.pk])).status_code == 403
    contribution = ContributionFactory(funder=funder)
    assert client.get(reverse("funding:contribution_edit", args=[contribution.pk])).status_code == 403


def test_the_report_for_one_year_adds_up_to_the_ledger_of_that_year(coordinator, coordinator_client):
    funder = FunderFactory(name="CAF")
    year = timezone.localdate().year
    this_year = funded_earmark("6000.00", funder=funder, year=year)
    last_year = funded_earmark("4000.00", funder=funder, year=year - 1)
    accepted_grant(amount="2000.00", earmarks={this_year: D("2000.00")}, coordinator=coordinator)
    accepted_grant(amount="1000.00", earmarks={last_year: D("1000.00")}, coordinator=coordinator)

    report = ledger.funder_report(funder, year=year)
    expected = ledger.year_figures(funder=funder)[year]
    assert list(report.years) == [year]
    assert (report.totals.pledged, report.totals.received, report.totals.drawn, report.totals.balance) == (
        expected.pledged,
        expected.received,
        expected.drawn,
        expected.balance,
    )
    assert sum(line.drawn for line in report.lines) == report.totals.drawn == D("2000.00")
    assert [e.pk for e in report.earmarks] == [this_year.pk]
    everything = ledger.funder_report(funder)
    assert everything.totals.drawn == D("3000.00") and len(everything.lines) == 2

    url = reverse("funding:funder_report", args=[funder.pk])
    page = coordinator_client.get(url, {"year": year}).content.decode()
    assert f"en {year}" in page and "Toutes les années" in page and f"rapport.pdf?year={year}" in page
    assert "3\u202f000,00 €" not in page
    response = coordinator_client.get(reverse("funding:funder_report_xlsx", args=[funder.pk]), {"year": year})
    assert f"-{year}.xlsx" in response["Content-Disposition"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content))["Contributions et solde"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == str(year) and rows[-1][0] == "Total" and D(str(rows[-1][3])) == D("2000.00")
    pdf = coordinator_client.get(reverse("funding:funder_report_pdf", args=[funder.pk]), {"year": year})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
