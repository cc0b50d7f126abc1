from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import HistoryEntry
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory
from tests.vouchers.factories import BookFactory, OrderFactory, coordinator, first_pass, place_user, qualified_place
from vouchers import serials, services
from vouchers.models import Pass, Redemption

SERVICE = "Aide aux démarches administratives"


@pytest.fixture
def place():
    return qualified_place(name="Médiathèque d'Agen")


@pytest.fixture
def mediator(place):
    return place_user(place)


@pytest.fixture
def book():
    return BookFactory(handed_out=True)


def redeem(serial, mediator, place, **kwargs):
    return services.redeem_pass(serial, acting_user=mediator, place=place, service=SERVICE, **kwargs)


def test_a_qualified_place_redeems_a_handed_out_pass(book, place, mediator):
    pass_obj = first_pass(book)
    redemption = redeem(serials.format_serial(pass_obj.serial).lower(), mediator, place)
    pass_obj.refresh_from_db()
    assert pass_obj.status == Pass.Status.REDEEMED
    assert (pass_obj.redeemed_place, pass_obj.service) == (place, SERVICE)
    assert redemption.amount_cents == 1000 and redemption.by == mediator
    assert HistoryEntry.objects.filter(action="voucher_pass_redeemed", object_id=str(pass_obj.pk)).exists()


def test_the_referral_can_be_linked(book, place, mediator):
    referral = ReferralFactory(person=book.handed_to)
    redemption = redeem(first_pass(book).serial, mediator, place, referral=referral)
    assert redemption.referral == referral


def test_a_mistyped_serial_is_caught_before_any_lookup(book, place, mediator, django_assert_num_queries):
    serial = first_pass(book).serial
    mistyped = serial[:-2] + ("A" if serial[-2] != "A" else "B") + serial[-1]
    with django_assert_num_queries(0), pytest.raises(ValidationError) as error:
        redeem(mistyped, mediator, place)
    assert error.value.code == "check"
    assert "clé de contrôle" in error.value.messages[0]


def test_an_unknown_serial(place, mediator):
    with pytest.raises(ValidationError) as error:
        redeem(serials.new_serial(), mediator, place)
    assert error.value.code == "unknown"


def test_a_pass_is_used_once_with_a_clear_answer(book, place, mediator):
    serial = first_pass(book).serial
    redemption = redeem(serial, mediator, place)
    Redemption.objects.filter(pk=redemption.pk).update(at=timezone.now().replace(month=3, day=3, hour=12))
    Pass.objects.filter(serial=serial).update(redeemed_at=timezone.now().replace(month=3, day=3, hour=12))
    other_place = qualified_place()
    with pytest.raises(ValidationError) as error:
        redeem(serial, place_user(other_place), other_place)
    assert error.value.code == "already_used"
    assert "déjà été utilisé le 3 mars à Médiathèque d'Agen" in error.value.messages[0]
    assert Redemption.objects.count() == 1


def test_the_database_refuses_a_second_active_redemption(book, place, mediator):
    redemption = redeem(first_pass(book).serial, mediator, place)
    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.objects.create(
            pass_obj=redemption.pass_obj, place=place, service=SERVICE, amount_cents=1000, by=mediator
        )


def test_never_after_expiry_beyond_the_tolerance(place, mediator):
    today = timezone.localdate()
    order = OrderFactory(valid_until=today - timedelta(days=31), tolerance_days=31)
    within = BookFactory(order=order, handed_out=True)
    redeem(first_pass(within).serial, mediator, place)  # last day of the tolerance: accepted
    order.valid_until = today - timedelta(days=32)
    order.save()
    late = BookFactory(order=order, handed_out=True)
    with pytest.raises(ValidationError) as error:
        redeem(first_pass(late).serial, mediator, place)
    assert error.value.code == "expired"
    assert f"expiré depuis le {today.day} " in error.value.messages[0]


def test_an_expired_pass_is_refused(book, place, mediator):
    pass_obj = first_pass(book)
    Pass.objects.filter(pk=pass_obj.pk).update(status=Pass.Status.EXPIRED, expired_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        redeem(pass_obj.serial, mediator, place)
    assert error.value.code == "expired"


@pytest.mark.parametrize("situation", ["in_stock", "allocated", "received"])
def test_never_if_the_book_was_not_handed_out(situation, place, mediator):
    book = BookFactory(**({situation: True} if situation != "in_stock" else {}))
    with pytest.raises(ValidationError) as error:
        redeem(first_pass(book).serial, mediator, place)
    assert error.value.code == "not_handed_out"
    assert "ce carnet n'a pas encore été remis" in error.value.messages[0].lower()


def test_only_at_a_qualified_place(book):
    place = qualified_place(name="Espace non qualifié")
    place.is_pass_qualified = False
    place.save()
    with pytest.raises(ValidationError) as error:
        redeem(first_pass(book).serial, place_user(place), place)
    assert error.value.code == "place_not_qualified"
    assert "n'est pas un lieu qualifié Pass Numérique" in error.value.messages[0]


def test_only_the_places_own_people_redeem(book, place):
    with pytest.raises(PermissionDenied):
        redeem(first_pass(book).serial, UserFactory(coordinator=True), place)


def test_the_service_comes_from_the_list(book, place, mediator):
    with pytest.raises(ValidationError) as error:
        services.redeem_pass(first_pass(book).serial, acting_user=mediator, place=place, service="Coiffure")
    assert error.value.code == "service"


def test_the_coordination_cancels_a_wrong_redemption(book, place, mediator):
    serial = first_pass(book).serial
    redemption = redeem(serial, mediator, place)
    with pytest.raises(PermissionDenied):
        services.cancel_redemption(redemption, acting_user=mediator, reason="erreur")
    with pytest.raises(ValidationError):
        services.cancel_redemption(redemption, acting_user=coordinator(), reason="  ")
    services.cancel_redemption(redemption, acting_user=coordinator(), reason="Saisi au mauvais lieu")
    redemption.refresh_from_db()
    assert redemption.cancelled_at is not None and redemption.cancel_reason == "Saisi au mauvais lieu"
    pass_obj = Pass.objects.get(serial=serial)
    assert pass_obj.status == Pass.Status.AVAILABLE and pass_obj.redeemed_place is None
    assert HistoryEntry.objects.filter(action="voucher_redemption_cancelled", message="Saisi au mauvais lieu")
    with pytest.raises(ValidationError):
        services.cancel_redemption(redemption, acting_user=coordinator(), reason="encore")
    again = redeem(serial, mediator, place)  # usable again
    assert Redemption.objects.active().get(pass_obj=pass_obj) == again
