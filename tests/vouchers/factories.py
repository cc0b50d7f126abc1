"""Factories for the Pass Numérique. `OrderFactory()` is an order of 2 books of 5 passes (serials generated, valid
for 200 more days) by a new sponsor, funded 100 % by it. `BookFactory(order=…)` takes the next book in stock of an
order (a new order by default) and puts it in the situation asked: `allocated=True`, `received=True` (shipped and
received by `organization`), `handed_out=True` (also handed to a person involved with the organisation).
`qualified_place()` is a published place qualified for the Pass Numérique, with a mediator `place_user(place)`.
Statuses are set directly: use the services to test the rules."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory
from vouchers import serials
from vouchers.models import Book, FunderShare, Order, Shipment
from vouchers.services import create_books_and_passes


def layout_for(order, books=None):
    count = order.book_count if books is None else books
    return [
        (serials.new_serial(serials.BOOK_PREFIX), [serials.new_serial() for _ in range(order.passes_per_book)])
        for _ in range(count)
    ]


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Commande {n}")
    sponsor = factory.SubFactory(OrganizationFactory)
    book_count = 2
    passes_per_book = 5
    face_value_cents = 1000
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))
    tolerance_days = 31

    @factory.post_generation
    def funders(order, create, extracted, **kwargs):
        if create:
            FunderShare.objects.create(order=order, funder=order.sponsor, share_percent=100)

    @factory.post_generation
    def generated(order, create, extracted, **kwargs):
        if create and extracted is not False:
            create_books_and_passes(order, layout_for(order))


class BookFactory(DjangoModelFactory):
    """Not a creating factory in the usual sense: `_create` picks a book of the order's stock and moves it."""

    class Meta:
        model = Book

    order = factory.SubFactory(OrderFactory)
    organization = None
    person = None
    allocated = False
    received = False
    handed_out = False

    @classmethod
    def _create(
        cls, model_class, *, order, organization=None, person=None, allocated=False, received=False, handed_out=False
    ):
        book = order.books.filter(status=Book.Status.IN_STOCK).order_by("pk").first()
        if book is None:
            book = create_books_and_passes(order, layout_for(order, books=1))[0]
            Order.objects.filter(pk=order.pk).update(book_count=order.books.count())
        now = timezone.now()
        if allocated or received or handed_out:
            book.organization = organization or OrganizationFactory()
            book.allocated_at = now
            book.status = Book.Status.ALLOCATED
        if received or handed_out:
            book.shipment = Shipment.objects.create(
                order=order, organization=book.organization, book_count=1, shipped_at=now, received_at=now
            )
            book.status = Book.Status.RECEIVED
        if handed_out:
            book.handed_to = person or PersonFactory(involved=book.organization)
            book.handed_at = now
            book.status = Book.Status.HANDED_OUT
        book.save()
        return book


def qualified_place(**kwargs):
    kwargs.setdefault("organization", OrganizationFactory())
    return PlaceFactory(published=True, pass_qualified=True, complete=True, **kwargs)


def place_user(place, role=Role.MEDIATOR):
    return UserFactory(role=role, organization=place.organization)


def holder_user(book, role=Role.PRESCRIBER):
    return UserFactory(role=role, organization=book.organization)


def coordinator():
    return UserFactory(role=Role.COORDINATOR)


def first_pass(book):
    return book.passes.order_by("position").first()
