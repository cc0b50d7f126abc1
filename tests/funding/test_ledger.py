"""The ledger: received − committed − paid, per year and per earmark, derived from the rows; earmarks refuse to
be over-committed, with the figures."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from funding import ledger, services
from funding.models import Earmark, Payment, PaymentEarmark
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ContributionFactory,
    FunderFactory,
    accepted_grant,
    applicant_for,
    funded_earmark,
)

D = Decimal


def refused(text, action, *args, **kwargs):
    """`action(*args, **kwargs)` raises a ValidationError whose French message contains `text`."""
    with pytest.raises(ValidationError) as error:
        action(*args, **kwargs)
    assert text in " ".join(error.value.messages), error.value.messages


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


def test_balance_is_received_minus_committed_minus_paid(coordinator):
    earmark = funded_earmark("10000.00")
    grant = accepted_grant(amount="4000.00", earmarks={earmark: D("4000.00")}, coordinator=coordinator)
    year = earmark.contribution.year
    figures = ledger.year_figures()[year]
    assert (figures.received, figures.drawn, figures.committed, figures.paid) == (
        D("10000.00"),
        D("4000.00"),
        D("4000.00"),
        D("0"),
    )
    assert figures.balance == D("6000.00")

    advance = grant.payments.get(kind=Payment.Kind.ADVANCE)
    services.record_payment(advance, acting_user=coordinator, paid_on=timezone.localdate())
    figures = ledger.year_figures()[year]
    assert figures.paid == D("2000.00")
    assert figures.committed == D("2000.00")
    assert figures.balance == D("6000.00")
    row = Earmark.objects.with_ledger().get(pk=earmark.pk)
    assert (row.drawn, row.paid, row.committed, row.available) == (
        D("4000.00"),
        D("2000.00"),
        D("2000.00"),
        D("6000.00"),
    )


def test_committing_more_than_an_earmark_holds_is_refused_with_the_figures(coordinator):
    earmark = funded_earmark("3000.00")
    application = ApplicationFactory(complete=True)
    services.submit_application(application, acting_user=applicant_for(application))
    services.start_review(application, acting_user=coordinator)
    with pytest.raises(ValidationError) as error:
        services.decide_application(
            application,
            acting_user=coordinator,
            accepted=True,
            amount=D("4000.00"),
            earmark_amounts={earmark: D("4000.00")},
        )
    message = error.value.messages[0]
    assert "3\u202f000,00 €" in message and "4\u202f000,00 €" in message
    application.refresh_from_db()
    assert application.status == "under_review"
    assert not application.decisions.exists()


def test_the_second_decision_sees_what_the_first_drew(coordinator):
    earmark = funded_earmark("5000.00")
    accepted_grant(amount="4000.00", earmarks={earmark: D("4000.00")}, coordinator=coordinator)
    refused(
        "plus que 1\u202f000,00 €",
        accepted_grant,
        amount="2000.00",
        earmarks={earmark: D("2000.00")},
        coordinator=coordinator,
    )


def test_earmark_lines_must_add_up_to_the_amount(coordinator):
    earmark = funded_earmark("5000.00")
    with pytest.raises(ValidationError, match="doivent faire le montant"):
        accepted_grant(amount="2000.00", earmarks={earmark: D("1500.00")}, coordinator=coordinator)


def test_payments_are_split_between_earmarks_pro_rata_to_the_cent(coordinator):
    first, second = funded_earmark("1000.00"), funded_earmark("1000.00")
    grant = accepted_grant(
        amount="1000.00", earmarks={first: D("333.33"), second: D("666.67")}, coordinator=coordinator
    )
    advance = grant.payments.get(kind=Payment.Kind.ADVANCE)
    services.record_payment(advance, acting_user=coordinator, paid_on=timezone.localdate())
    shares = dict(PaymentEarmark.objects.filter(payment=advance).values_list("earmark_id", "amount"))
    assert sum(shares.values()) == advance.amount == D("500.00")
    assert shares[first.pk] == D("166.66")


def test_receipts_and_earmarks_cannot_exceed_the_pledge(coordinator):
    contribution = ContributionFactory(pledged=D("1000.00"))
    services.record_receipt(
        acting_user=coordinator, contribution=contribution, received_on=timezone.localdate(), amount=D("600.00")
    )
    refused(
        "au-delà des 1\u202f000,00 € promis",
        services.record_receipt,
        acting_user=coordinator,
        contribution=contribution,
        received_on=timezone.localdate(),
        amount=D("500.00"),
    )
    services.add_earmark(acting_user=coordinator, contribution=contribution, label="Seniors", amount=D("800.00"))
    refused(
        "reste à flécher : 200,00 €",
        services.add_earmark,
        acting_user=coordinator,
        contribution=contribution,
        label="Jeunes",
        amount=D("300.00"),
    )


def test_year_figures_for_one_funder_ignore_the_others(coordinator):
    caf = FunderFactory(name="CAF")
    mine = funded_earmark("2000.00", funder=caf)
    other = funded_earmark("9000.00")
    accepted_grant(amount="1000.00", earmarks={mine: D("500.00"), other: D("500.00")}, coordinator=coordinator)
    figures = ledger.year_figures(funder=caf)[mine.contribution.year]
    assert (figures.received, figures.drawn) == (D("2000.00"), D("500.00"))


def test_amounts_are_decimals_never_floats(coordinator):
    earmark = funded_earmark("0.30")
    row = Earmark.objects.with_ledger().get(pk=earmark.pk)
    assert isinstance(row.available, Decimal)
    assert row.available == D("0.30")
