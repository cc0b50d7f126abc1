import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import HistoryEntry
from tests.vouchers.factories import BookFactory, OrderFactory, coordinator, place_user, qualified_place
from vouchers import exporting, serials, services
from vouchers.models import Redemption, Statement, month_start

SERVICE = "Maîtrise des outils numériques du quotidien"


def last_month():
    return month_start(month_start(timezone.localdate()) - datetime.timedelta(days=1))


def redeem_in(place, month, count, *, order=None):
    """`count` passes redeemed at `place`, dated the 10th of `month` at noon."""
    mediator = place_user(place)
    order = order or OrderFactory(book_count=1)
    book = BookFactory(order=order, handed_out=True)
    redemptions = []
    for pass_obj in book.passes.order_by("position")[:count]:
        redemptions.append(services.redeem_pass(pass_obj.serial, acting_user=mediator, place=place, service=SERVICE))
    moment = timezone.make_aware(datetime.datetime.combine(month.replace(day=10), datetime.time(12)))
    Redemption.objects.filter(pk__in=[r.pk for r in redemptions]).update(at=moment)
    return redemptions


@pytest.fixture
def place():
    return qualified_place(name="Médiathèque d'Agen")


def test_build_statement_is_idempotent(place):
    month = last_month()
    redeem_in(place, month, 3)
    redeem_in(place, timezone.localdate(), 1)  # this month: not on last month's statement
    redeem_in(qualified_place(), month, 2)  # another place
    boss = coordinator()
    statement = services.build_statement(place, month.replace(day=17), acting_user=boss)
    assert (statement.month, statement.redemption_count, statement.total_cents) == (month, 3, 3000)
    again = services.build_statement(place, month, acting_user=boss)
    assert again.pk == statement.pk and again.redemption_count == 3
    assert Statement.objects.count() == 1
    assert HistoryEntry.objects.filter(action="voucher_statement_built").count() == 1
    redeem_in(place, month, 1)  # a late redemption dated last month: the draft catches up
    assert services.build_statement(place, month, acting_user=boss).redemption_count == 4


def test_one_statement_per_place_and_month_in_the_database(place):
    Statement.objects.create(place=place, month=last_month())
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(place=place, month=last_month())


def test_statements_are_the_coordinations(place):
    with pytest.raises(PermissionDenied):
        services.build_statement(place, last_month(), acting_user=place_user(place))


def test_no_statement_for_a_future_month(place):
    with pytest.raises(ValidationError):
        services.build_statement(place, timezone.localdate() + datetime.timedelta(days=40), acting_user=coordinator())


def test_validate_then_pay(place):
    month = last_month()
    redeem_in(place, month, 2)
    boss = coordinator()
    statement = services.build_statement(place, month, acting_user=boss)
    services.validate_statement(statement, acting_user=boss)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.VALIDATED and statement.validated_by == boss
    with pytest.raises(ValidationError):
        services.validate_statement(statement, acting_user=boss)
    # validated: rebuilding changes nothing, even with a late redemption
    redeem_in(place, month, 1)
    assert services.build_statement(place, month, acting_user=boss).redemption_count == 2
    services.mark_statement_paid(statement, acting_user=boss, reference="Mandat 2026-118")
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PAID and statement.payment_reference == "Mandat 2026-118"
    with pytest.raises(ValidationError):
        services.mark_statement_paid(statement, acting_user=boss)
    actions = set(HistoryEntry.objects.filter(object_id=str(statement.pk)).values_list("action", flat=True))
    assert {"voucher_statement_validated", "voucher_statement_paid"} <= actions


def test_the_current_month_and_empty_statements_are_not_validated(place):
    boss = coordinator()
    redeem_in(place, timezone.localdate(), 1)
    current = services.build_statement(place, timezone.localdate(), acting_user=boss)
    with pytest.raises(ValidationError) as error:
        services.validate_statement(current, acting_user=boss)
    assert "n'est pas terminé" in error.value.messages[0]
    empty = services.build_statement(place, last_month(), acting_user=boss)
    with pytest.raises(ValidationError) as error:
        services.validate_statement(empty, acting_user=boss)
    assert "aucun pass" in error.value.messages[0]


def test_cancelling_a_redemption_updates_the_draft_and_is_refused_once_validated(place):
    month = last_month()
    first, second = redeem_in(place, month, 2)
    boss = coordinator()
    statement = services.build_statement(place, month, acting_user=boss)
    services.cancel_redemption(first, acting_user=boss, reason="Doublon de saisie")
    statement.refresh_from_db()
    assert (statement.redemption_count, statement.total_cents) == (1, 1000)
    services.validate_statement(statement, acting_user=boss)
    with pytest.raises(ValidationError) as error:
        services.cancel_redemption(second, acting_user=boss, reason="Trop tard")
    assert error.value.code == "statement_closed"


def test_csv_and_pdf_exports(place):
    month = last_month()
    redemptions = redeem_in(place, month, 2)
    statement = services.build_statement(place, month, acting_user=coordinator())
    text = exporting.statement_csv(statement)
    lines = text.strip().split("\r\n")
    assert lines[0] == ";".join(exporting.CSV_HEADER)
    assert len(lines) == 4
    assert serials.format_serial(redemptions[0].pass_obj.serial) in text
    assert lines[-1] == "Total;;;;2 pass;20,00"
    assert ";10/" in lines[1] and lines[1].endswith(f"{SERVICE};10,00")
    pdf = exporting.statement_pdf(statement)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert exporting.statement_filename(statement, "csv") == (
        f"releve-pass-numerique-{month:%Y-%m}-lieu-{place.pk}.csv"
    )
