from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from core.models import HistoryEntry
from people.models import Involvement
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.geo.factories import CommuneFactory, EpciFactory
from tests.people.factories import PersonFactory
from tests.referrals.factories import ReferralFactory
from tests.vouchers.factories import BookFactory, OrderFactory, holder_user, qualified_place
from vouchers import letters, services
from vouchers.models import Book


@pytest.fixture
def book():
    return BookFactory(received=True)


def test_a_prescriber_hands_out_a_received_book(book):
    prescriber = holder_user(book)
    person = PersonFactory(involved=book.organization)
    services.hand_out_book(book, acting_user=prescriber, person=person)
    book.refresh_from_db()
    assert book.status == Book.Status.HANDED_OUT
    assert (book.handed_to, book.handed_by) == (person, prescriber)
    assert book.handed_at is not None
    assert HistoryEntry.objects.filter(action="voucher_book_handed_out", object_id=str(book.pk)).exists()
    assert Involvement.objects.filter(person=person, organization=book.organization).exists()


def test_the_referral_is_linked_when_there_is_one(book):
    referral = ReferralFactory(prescriber_organization=book.organization)
    services.hand_out_book(book, acting_user=holder_user(book), person=referral.person, referral=referral)
    book.refresh_from_db()
    assert book.referral == referral
    other = ReferralFactory(prescriber_organization=book.organization)
    second = BookFactory(order=book.order, received=True, organization=book.organization)
    with pytest.raises(ValidationError):
        services.hand_out_book(second, acting_user=holder_user(book), person=referral.person, referral=other)


def test_only_the_holding_organisation_hands_out(book):
    stranger = UserFactory(role=Role.PRESCRIBER)
    with pytest.raises(PermissionDenied):
        services.hand_out_book(book, acting_user=stranger, person=PersonFactory())


def test_the_person_must_be_visible_to_the_prescriber(book):
    with pytest.raises(PermissionDenied):
        services.hand_out_book(book, acting_user=holder_user(book), person=PersonFactory())


def test_a_book_not_received_yet_cannot_be_handed_out():
    book = BookFactory(allocated=True)
    with pytest.raises(ValidationError) as error:
        services.hand_out_book(book, acting_user=holder_user(book), person=PersonFactory(involved=book.organization))
    assert error.value.code == "not_received"


def test_a_book_is_handed_out_once(book):
    prescriber = holder_user(book)
    services.hand_out_book(book, acting_user=prescriber, person=PersonFactory(involved=book.organization))
    with pytest.raises(ValidationError) as error:
        services.hand_out_book(book, acting_user=prescriber, person=PersonFactory(involved=book.organization))
    assert "déjà été remis le" in error.value.messages[0]


def test_no_hand_out_from_d_minus_15():
    order = OrderFactory(valid_until=timezone.localdate() + timedelta(days=15))
    book = BookFactory(order=order, received=True)
    with pytest.raises(ValidationError) as error:
        services.hand_out_book(book, acting_user=holder_user(book), person=PersonFactory(involved=book.organization))
    assert error.value.code == "closed"
    assert "15 jours avant la fin de validité" in error.value.messages[0]
    order.valid_until += timedelta(days=1)
    order.save()
    services.hand_out_book(book, acting_user=holder_user(book), person=PersonFactory(involved=book.organization))


def test_the_territory_is_checked():
    inside, epci = CommuneFactory(), EpciFactory()
    through_epci = CommuneFactory(epci=epci)
    outside = CommuneFactory()
    order = OrderFactory(book_count=3)
    order.territory_communes.set([inside])
    order.territory_epcis.set([epci])
    prescriber_org = OrganizationFactory()
    books = [BookFactory(order=order, received=True, organization=prescriber_org) for _ in range(3)]
    prescriber = UserFactory(role=Role.PRESCRIBER, organization=prescriber_org)

    def person(commune):
        return PersonFactory(involved=prescriber_org, commune=commune)

    services.hand_out_book(books[0], acting_user=prescriber, person=person(inside))
    services.hand_out_book(books[1], acting_user=prescriber, person=person(through_epci))
    with pytest.raises(ValidationError) as error:
        services.hand_out_book(books[2], acting_user=prescriber, person=person(outside))
    assert f"{outside.name} n'est pas dans le territoire" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.hand_out_book(books[2], acting_user=prescriber, person=person(None))
    assert error.value.code == "no_commune"


def test_the_target_public_is_checked():
    order = OrderFactory(target_publics=["Seniors", "Jeunes"])
    book = BookFactory(order=order, received=True)
    person = PersonFactory(involved=book.organization)
    with pytest.raises(ValidationError) as error:
        services.hand_out_book(book, acting_user=holder_user(book), person=person, public="Femmes")
    assert "Seniors, Jeunes" in error.value.messages[0]
    services.hand_out_book(book, acting_user=holder_user(book), person=person, public="Seniors")
    book.refresh_from_db()
    assert book.public == "Seniors"


def test_the_letter_lists_the_passes_and_the_nearest_qualified_places():
    commune = CommuneFactory(latitude=44.2033, longitude=0.6163)
    book = BookFactory(handed_out=True, person=PersonFactory(commune=commune))
    near = qualified_place(latitude=44.21, longitude=0.62, name="Médiathèque d'Agen")
    qualified_place(latitude=46.0, longitude=2.0, name="Très loin")
    unqualified = qualified_place(latitude=44.205, longitude=0.617)
    unqualified.is_pass_qualified = False
    unqualified.save()
    letter = letters.hand_out_letter(book)
    assert [place.name for place in letter["places"]] == [near.name]
    assert letter["places"][0].distance_km < 2
    assert len(letter["passes"]) == 5
    assert letter["passes"][0]["qr_svg"].startswith("<svg")
    assert letter["face_value"] == "10,00\u00a0€"
    assert letter["book_value"] == "50,00\u00a0€"


def test_an_order_without_territory_covers_the_served_departement():
    from tests.geo.factories import DepartementFactory

    elsewhere = CommuneFactory(departement=DepartementFactory(code="33"), insee_code="33999")
    book = BookFactory(received=True)
    with pytest.raises(ValidationError) as error:
        services.hand_out_book(
            book, acting_user=holder_user(book), person=PersonFactory(involved=book.organization, commune=elsewhere)
        )
    assert error.value.code == "territory"
    home = CommuneFactory()
    services.hand_out_book(
        book, acting_user=holder_user(book), person=PersonFactory(involved=book.organization, commune=home)
    )
