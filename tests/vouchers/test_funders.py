"""A funder of an order (a FunderShare, not the sponsor) sees the figures of the orders it funds — aggregates only,
never who received a book — and nothing of the other orders."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.people.factories import PersonFactory
from tests.roles import log_in
from tests.vouchers.factories import BookFactory, OrderFactory, place_user, qualified_place
from vouchers import figures, permissions, services
from vouchers.models import Book, FunderShare, Order, Pass, Redemption

SERVICE = "Aide aux démarches administratives"


def redeem(book, place, count):
    for pass_obj in book.passes.order_by("position")[:count]:
        services.redeem_pass(pass_obj.serial, acting_user=place_user(place), place=place, service=SERVICE)


@pytest.fixture
def scene():
    """An order of 3 books funded 60 % by its sponsor and 40 % by a funder: 2 handed out (one with 2 passes used
    at the « Médiathèque du financeur »), 1 received. Another order, handed out and used, funded by others."""
    funder = OrganizationFactory(name="Fondation financeuse")
    order = OrderFactory(name="Commande cofinancée", book_count=3)
    FunderShare.objects.filter(order=order).update(share_percent=60)
    FunderShare.objects.create(order=order, funder=funder, share_percent=40)
    place = qualified_place(name="Médiathèque du financeur")
    used = BookFactory(
        order=order, handed_out=True, person=PersonFactory(first_name="Ginette", last_name="Confidentielle")
    )
    BookFactory(order=order, handed_out=True, organization=used.organization)
    BookFactory(order=order, received=True, organization=used.organization)
    redeem(used, place, 2)
    other = BookFactory(handed_out=True, order=OrderFactory(name="Commande tierce"))
    redeem(other, qualified_place(name="Lieu tiers"), 1)
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=funder)
    return {"funder": funder, "order": order, "used": used, "other": other, "viewer": viewer}


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_a_funder_sees_the_books_of_the_orders_it_funds_only(scene):
    viewer, order = scene["viewer"], scene["order"]
    assert ids(Order.objects.visible_to(viewer)) == {order.pk}
    assert ids(Book.objects.visible_to(viewer)) == ids(order.books.all())
    assert ids(Pass.objects.visible_to(viewer)) == ids(Pass.objects.filter(book__order=order))
    assert ids(Redemption.objects.visible_to(viewer)) == ids(Redemption.objects.filter(pass_obj__book__order=order))
    assert not permissions.can_see_holder(viewer, scene["used"])


def test_the_funder_figures_are_those_of_its_orders(scene):
    result = figures.book_figures(Book.objects.visible_to(scene["viewer"]))
    assert (result["books"], result["handed_out"], result["started"], result["passes_used"]) == (3, 2, 1, 2)


def test_a_member_of_two_funders_of_one_order_counts_each_book_once(scene):
    second = OrganizationFactory()
    FunderShare.objects.filter(order=scene["order"], funder=scene["funder"]).update(share_percent=20)
    FunderShare.objects.create(order=scene["order"], funder=second, share_percent=20)
    viewer = scene["viewer"]
    viewer.memberships.create(organization=second, role=Role.PARTNER_VIEWER)
    viewer = type(viewer).objects.get(pk=viewer.pk)
    assert figures.book_figures(Book.objects.visible_to(viewer))["books"] == 3


def test_the_funder_figures_page_shows_aggregates_and_no_person(client, scene):
    log_in(client, scene["viewer"])
    page = client.get(reverse("vouchers:figures"))
    assert page.status_code == 200
    assert "<dt>Carnets</dt>\n        <dd>3 (dont 1 pas encore remis)</dd>" in page.text
    assert "<dt>Pass utilisés</dt>\n        <dd>2 (0 expirés)</dd>" in page.text
    assert "Commande cofinancée" in page.text and "Médiathèque du financeur" in page.text
    assert "Commande tierce" not in page.text and "Lieu tiers" not in page.text
    assert "Ginette" not in page.text and "Confidentielle" not in page.text
    csv = client.get(reverse("vouchers:figures_csv")).content.decode()
    assert "Médiathèque du financeur;2;20,00;1;1" in csv
    assert "Ginette" not in csv and "Lieu tiers" not in csv
    assert client.get(reverse("vouchers:figures_xlsx")).status_code == 200


def test_the_funder_never_reaches_a_person(client, scene):
    log_in(client, scene["viewer"])
    letter = client.get(reverse("vouchers:letter", args=[scene["used"].pk]))
    assert letter.status_code == 403
    assert "Ginette" not in letter.content.decode()
    assert client.get(reverse("vouchers:letter", args=[scene["other"].pk])).status_code == 404
    assert client.get(reverse("vouchers:my_stock")).status_code == 403
    assert client.get(reverse("vouchers:order_detail", args=[scene["order"].pk])).status_code == 403
    assert client.get(reverse("vouchers:redemptions")).status_code == 403
    person = scene["used"].handed_to
    assert client.get(reverse("people:detail", args=[person.pk])).status_code in {403, 404}
