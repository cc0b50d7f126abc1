"""The database is the last word: each invariant holds even when a service is bypassed, and its French message is
what `full_clean()` shows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.accounts.factories import OrganizationFactory
from tests.vouchers.factories import BookFactory, OrderFactory, first_pass, qualified_place
from vouchers.models import Book, FunderShare, Order, Pass, Redemption, Statement

SERVICE = "Aide aux démarches administratives"


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_one_active_redemption_per_pass_but_cancelled_ones_may_pile_up():
    book = BookFactory(handed_out=True)
    pass_obj, place = first_pass(book), qualified_place()

    def redeem(**extra):
        return Redemption.objects.create(pass_obj=pass_obj, place=place, service=SERVICE, amount_cents=1000, **extra)

    redeem(cancelled_at=timezone.now(), cancel_reason="erreur")
    redeem(cancelled_at=timezone.now(), cancel_reason="erreur encore")
    active = redeem()
    refused(redeem)
    duplicate = Redemption(pass_obj=pass_obj, place=place, service=SERVICE, amount_cents=1000)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Ce pass a déjà été utilisé." in error.value.messages
    assert active.is_active


def test_a_cancellation_needs_a_reason_and_leaves_the_statement():
    book = BookFactory(handed_out=True)
    place = qualified_place()
    statement = Statement.objects.create(place=place, month=timezone.localdate().replace(day=1))
    base = {"pass_obj": first_pass(book), "place": place, "service": SERVICE, "amount_cents": 1000}
    refused(lambda: Redemption.objects.create(cancelled_at=timezone.now(), **base))
    refused(
        lambda: Redemption.objects.create(cancelled_at=timezone.now(), cancel_reason="x", statement=statement, **base)
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Book.Status.RECEIVED, "organization": None},
        {"status": Book.Status.HANDED_OUT},
        {"status": Book.Status.SHIPPED, "shipment": None},
        {"status": Book.Status.IN_STOCK},
    ],
)
def test_book_status_and_fields_go_together(changes):
    book = BookFactory(received=True)
    for name, value in changes.items():
        setattr(book, name, value)
    refused(book.save)


def test_pass_status_and_fields_go_together():
    pass_obj = first_pass(BookFactory(handed_out=True))
    refused(lambda: Pass.objects.filter(pk=pass_obj.pk).update(status=Pass.Status.REDEEMED))
    refused(lambda: Pass.objects.filter(pk=pass_obj.pk).update(status=Pass.Status.EXPIRED))
    refused(lambda: Pass.objects.filter(pk=pass_obj.pk).update(redeemed_at=timezone.now()))


def test_order_checks_in_french():
    order = OrderFactory.build(sponsor=OrganizationFactory(), passes_per_book=7, book_count=0)
    with pytest.raises(ValidationError) as error:
        order.validate_constraints()
    messages = " ".join(error.value.messages)
    assert "Un carnet compte 5 ou 10 pass." in messages
    assert "Une commande compte au moins un carnet." in messages
    refused(lambda: Order.objects.filter(pk=OrderFactory().pk).update(passes_per_book=7))


def test_funder_share_range_and_unique():
    order = OrderFactory()  # the sponsor already funds 100 %
    refused(lambda: FunderShare.objects.create(order=order, funder=order.sponsor, share_percent=10))
    refused(lambda: FunderShare.objects.create(order=order, funder=OrganizationFactory(), share_percent=0))
    refused(lambda: FunderShare.objects.create(order=order, funder=OrganizationFactory(), share_percent=101))


def test_statement_status_fields():
    place = qualified_place()
    month = timezone.localdate().replace(day=1)
    refused(lambda: Statement.objects.create(place=place, month=month, status=Statement.Status.VALIDATED))
    refused(
        lambda: Statement.objects.create(
            place=place,
            month=month,
            status=Statement.Status.VALIDATED,
            validated_at=timezone.now(),
            redemption_count=2,
            paid_at=timezone.now(),
        )
    )
