"""Who sees what: books, passes, redemptions, orders and statements through `visible_to(user)`, and who sees the
holder of a book."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.vouchers.factories import BookFactory, coordinator, first_pass, holder_user, place_user, qualified_place
from vouchers import permissions, services
from vouchers.models import Book, Order, Pass, Redemption, Statement

SERVICE = "Aide aux démarches administratives"


@pytest.fixture
def scene():
    book = BookFactory(handed_out=True)
    place = qualified_place()
    redemption = services.redeem_pass(
        first_pass(book).serial, acting_user=place_user(place), place=place, service=SERVICE
    )
    statement = Statement.objects.create(place=place, month=redemption.at.date().replace(day=1))
    other_book = BookFactory(handed_out=True)
    return {"book": book, "place": place, "redemption": redemption, "statement": statement, "other": other_book}


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_the_coordination_sees_everything(scene):
    boss = coordinator()
    assert ids(Book.objects.visible_to(boss)) == ids(Book.objects.all())
    assert ids(Redemption.objects.visible_to(boss)) == {scene["redemption"].pk}
    assert permissions.can_see_holder(boss, scene["book"])


def test_the_holding_organisation_sees_its_books_and_their_holder(scene):
    prescriber = holder_user(scene["book"])
    assert ids(Book.objects.visible_to(prescriber)) == {scene["book"].pk}
    assert ids(Pass.objects.visible_to(prescriber)) == ids(scene["book"].passes.all())
    assert ids(Redemption.objects.visible_to(prescriber)) == {scene["redemption"].pk}
    assert permissions.can_see_holder(prescriber, scene["book"])
    assert not permissions.can_see_holder(prescriber, scene["other"])
    assert ids(Statement.objects.visible_to(prescriber)) == set()


def test_the_place_sees_its_redemptions_but_not_the_holder(scene):
    mediator = place_user(scene["place"])
    assert ids(Book.objects.visible_to(mediator)) == set()
    assert ids(Pass.objects.visible_to(mediator)) == {scene["redemption"].pass_obj_id}
    assert ids(Redemption.objects.visible_to(mediator)) == {scene["redemption"].pk}
    assert ids(Statement.objects.visible_to(mediator)) == {scene["statement"].pk}
    assert not permissions.can_see_holder(mediator, scene["book"])


def test_the_sponsor_sees_its_books_but_not_who_holds_them(scene):
    order = scene["book"].order
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=order.sponsor)
    assert scene["book"].pk in ids(Book.objects.visible_to(viewer))
    assert scene["other"].pk not in ids(Book.objects.visible_to(viewer))
    assert ids(Order.objects.visible_to(viewer)) == {order.pk}
    assert not permissions.can_see_holder(viewer, scene["book"])


def test_strangers_and_anonymous_see_nothing(scene):
    for user in (UserFactory(role=Role.PRESCRIBER), AnonymousUser(), UserFactory()):
        assert not Book.objects.visible_to(user).exists()
        assert not Pass.objects.visible_to(user).exists()
        assert not Redemption.objects.visible_to(user).exists()
        assert not Statement.objects.visible_to(user).exists()
        assert not Order.objects.visible_to(user).exists()


def test_only_qualified_places_redeem(scene):
    place = scene["place"]
    mediator = place_user(place)
    assert permissions.can_redeem_at(mediator, place)
    assert list(permissions.redemption_places(mediator)) == [place]
    place.is_pass_qualified = False
    assert not permissions.can_redeem_at(mediator, place)
    assert not permissions.can_redeem_at(UserFactory(role=Role.PRESCRIBER), scene["place"])


def test_hand_out_and_receipt_rights(scene):
    book = scene["other"]
    assert permissions.can_hand_out(holder_user(book, Role.PRESCRIBER), book)
    assert not permissions.can_hand_out(holder_user(book, Role.PARTNER_VIEWER), book)
    assert not permissions.can_hand_out(coordinator(), book)
