from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from core.models import HistoryEntry
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.geo.factories import CommuneFactory, EpciFactory
from tests.vouchers.factories import OrderFactory, coordinator
from vouchers import serials, services
from vouchers.models import Book, Order, Pass


def order_kwargs(**overrides):
    sponsor = OrganizationFactory(name="Département")
    values = {
        "name": "Pass 2027",
        "sponsor": sponsor,
        "funders": [(sponsor, 50), (OrganizationFactory(name="État"), "50,00")],
        "book_count": 3,
        "passes_per_book": 10,
        "valid_until": timezone.localdate() + timedelta(days=365),
    }
    values.update(overrides)
    return values


def test_create_order_generates_books_and_passes_with_check_characters():
    commune, epci = CommuneFactory(), EpciFactory()
    order = services.create_order(
        acting_user=coordinator(), communes=[commune], epcis=[epci], target_publics=["Seniors"], **order_kwargs()
    )
    assert order.books.count() == 3
    passes = Pass.objects.filter(book__order=order)
    assert passes.count() == 30
    assert all(serials.is_valid_serial(serial) for serial in passes.values_list("serial", flat=True))
    assert sorted(order.books.first().passes.values_list("position", flat=True)) == list(range(1, 11))
    assert order.funder_shares.count() == 2
    assert list(order.territory_communes.all()) == [commune]
    assert order.total_cents == 30 * 1000
    assert HistoryEntry.objects.filter(action="voucher_order_created", object_id=str(order.pk)).exists()


@pytest.mark.parametrize(
    ("funders", "words"),
    [
        ("none", "au moins un financeur"),
        ("shares_90", "totalisent 90 %"),
        ("zero", "comprise entre 0"),
        ("twice", "deux fois"),
    ],
)
def test_funder_shares_must_sum_to_100(funders, words):
    sponsor = OrganizationFactory()
    other = OrganizationFactory()
    cases = {
        "none": [],
        "shares_90": [(sponsor, 60), (other, 30)],
        "zero": [(sponsor, 100), (other, 0)],
        "twice": [(sponsor, 50), (sponsor, 50)],
    }
    with pytest.raises(ValidationError) as error:
        services.create_order(acting_user=coordinator(), **order_kwargs(sponsor=sponsor, funders=cases[funders]))
    assert words in error.value.messages[0]
    assert not Order.objects.exists()


def test_only_the_coordination_creates_orders():
    with pytest.raises(PermissionDenied):
        services.create_order(acting_user=UserFactory(role=Role.PRESCRIBER), **order_kwargs())


def test_passes_per_book_is_5_or_10():
    with pytest.raises(ValidationError):
        services.create_order(acting_user=coordinator(), **order_kwargs(passes_per_book=7))


def test_an_order_without_generation_waits_for_the_import():
    order = services.create_order(acting_user=coordinator(), generate_serials=False, **order_kwargs())
    assert order.serial_source == Order.SerialSource.IMPORTED
    assert not order.books.exists()
    services.generate_books(order, acting_user=coordinator())
    assert order.books.count() == 3
    with pytest.raises(ValidationError):
        services.generate_books(order, acting_user=coordinator())


def test_allocate_ship_receive_keeps_the_stock_consistent():
    order = OrderFactory(book_count=5)
    prescriber_org, other_org = OrganizationFactory(), OrganizationFactory()
    boss = coordinator()
    services.allocate_books(order, organization=prescriber_org, count=3, acting_user=boss)
    services.allocate_books(order, organization=other_org, count=1, acting_user=boss)
    with pytest.raises(ValidationError) as error:
        services.allocate_books(order, organization=other_org, count=2, acting_user=boss)
    assert "Il ne reste que 1 carnet(s)" in error.value.messages[0]

    shipment = services.ship_books(order, organization=prescriber_org, count=2, tracking="6A123", acting_user=boss)
    with pytest.raises(ValidationError):
        services.ship_books(order, organization=prescriber_org, count=2, acting_user=boss)
    stock = {row["organization_id"]: row for row in Book.objects.stock_by_organization()}
    assert stock[prescriber_org.pk] == {
        "organization_id": prescriber_org.pk,
        "allocated": 1,
        "shipped": 2,
        "received": 0,
        "handed_out": 0,
    }
    assert stock[other_org.pk]["allocated"] == 1
    assert Book.objects.in_stock().filter(order=order).count() == 1

    member = UserFactory(role=Role.PRESCRIBER, organization=prescriber_org)
    outsider = UserFactory(role=Role.PRESCRIBER, organization=other_org)
    with pytest.raises(PermissionDenied):
        services.confirm_receipt(shipment, acting_user=outsider)
    services.confirm_receipt(shipment, acting_user=member)
    assert Book.objects.held_by(prescriber_org).count() == 2
    with pytest.raises(ValidationError) as error:
        services.confirm_receipt(shipment, acting_user=member)
    assert "déjà été confirmée" in error.value.messages[0]
    assert set(shipment.books.values_list("organization_id", flat=True)) == {prescriber_org.pk}
    assert HistoryEntry.objects.filter(action="voucher_shipment_received").count() == 1


def test_no_allocation_after_the_stop_date():
    order = OrderFactory(valid_until=timezone.localdate() + timedelta(days=10))
    with pytest.raises(ValidationError) as error:
        services.allocate_books(order, organization=OrganizationFactory(), count=1, acting_user=coordinator())
    assert "close depuis le" in error.value.messages[0]


def test_stock_operations_are_the_coordinations():
    order = OrderFactory()
    prescriber = UserFactory(role=Role.PRESCRIBER)
    with pytest.raises(PermissionDenied):
        services.allocate_books(order, organization=OrganizationFactory(), count=1, acting_user=prescriber)
    with pytest.raises(PermissionDenied):
        services.ship_books(order, organization=OrganizationFactory(), count=1, acting_user=prescriber)
