import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import OrganizationFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import PersonFactory
from tests.vouchers.factories import BookFactory, OrderFactory, qualified_place
from vouchers import figures
from vouchers.models import Book, Pass, Redemption

SERVICE = "Aide aux démarches administratives"


def use(book, count, place, *, days_after=0.0):
    """Mark `count` passes of `book` redeemed at `place`, `days_after` days after the hand-out."""
    at = book.handed_at + datetime.timedelta(days=days_after)
    for pass_obj in book.passes.order_by("position")[:count]:
        Redemption.objects.create(pass_obj=pass_obj, place=place, service=SERVICE, amount_cents=1000, at=at)
        Pass.objects.filter(pk=pass_obj.pk).update(
            status=Pass.Status.REDEEMED, redeemed_at=at, redeemed_place=place, service=SERVICE
        )


@pytest.fixture
def scene():
    """One order of 6 books of 5 passes: CCAS holds 4 (3 handed out), Mission locale 1 handed out, 1 in stock."""
    order = OrderFactory(book_count=6)
    ccas, mission = OrganizationFactory(name="CCAS"), OrganizationFactory(name="Mission locale")
    agen, nerac = CommuneFactory(name="Agen"), CommuneFactory(name="Nérac")
    library, fablab = qualified_place(name="Médiathèque"), qualified_place(name="Fablab")
    started = BookFactory(order=order, handed_out=True, organization=ccas, person=PersonFactory(commune=agen))
    full = BookFactory(order=order, handed_out=True, organization=ccas, person=PersonFactory(commune=agen))
    idle = BookFactory(order=order, handed_out=True, organization=ccas, person=PersonFactory(commune=nerac))
    BookFactory(order=order, received=True, organization=ccas)
    other = BookFactory(order=order, handed_out=True, organization=mission, person=PersonFactory(commune=nerac))
    use(started, 2, library, days_after=3)
    use(full, 5, fablab, days_after=10)
    use(other, 1, library, days_after=1)
    Pass.objects.filter(book=idle).update(status=Pass.Status.EXPIRED, expired_at=timezone.now())
    return {"order": order, "ccas": ccas, "mission": mission, "library": library, "fablab": fablab, "agen": agen}


def test_totals(scene, django_assert_num_queries):
    books = Book.objects.filter(order=scene["order"])
    with django_assert_num_queries(1):
        result = figures.book_figures(books)
    assert result == {
        "books": 6,
        "handed_out": 4,
        "not_handed_out": 2,
        "started": 3,
        "never_started": 1,
        "started_share": 75,
        "fully_used": 1,
        "expired": 1,
        "passes_used": 8,
        "passes_expired": 5,
    }


def test_by_organization(scene):
    rows = {row["organization__name"]: row for row in figures.by_organization(Book.objects.all())}
    assert (rows["CCAS"]["books"], rows["CCAS"]["handed_out"], rows["CCAS"]["started"]) == (4, 3, 2)
    assert (rows["Mission locale"]["handed_out"], rows["Mission locale"]["started"]) == (1, 1)


def test_by_commune(scene):
    rows = {row["handed_to__commune__name"]: row for row in figures.by_commune(Book.objects.all())}
    assert (rows["Agen"]["handed_out"], rows["Agen"]["fully_used"]) == (2, 1)
    assert (rows["Nérac"]["handed_out"], rows["Nérac"]["expired"]) == (2, 1)


def test_by_month(scene):
    rows = figures.by_month(Book.objects.all())
    assert [(row["month"], row["handed_out"]) for row in rows] == [(timezone.localdate().replace(day=1), 4)]


def test_by_place(scene):
    rows = {row["place__name"]: row for row in figures.by_place(Book.objects.all())}
    assert (rows["Médiathèque"]["passes"], rows["Médiathèque"]["books"], rows["Médiathèque"]["people"]) == (3, 2, 2)
    assert rows["Fablab"]["amount_cents"] == 5000


def test_cancelled_redemptions_do_not_count_for_the_first_use(scene):
    assert figures.median_days_to_first_use(Book.objects.all()) == 3.0  # delays 1, 3, 10
    Redemption.objects.filter(place=scene["fablab"]).update(cancelled_at=timezone.now(), cancel_reason="erreur")
    assert figures.median_days_to_first_use(Book.objects.all()) == 2.0  # delays 1, 3


def test_median_is_none_without_any_use():
    BookFactory(handed_out=True)
    assert figures.median_days_to_first_use(Book.objects.all()) is None


def test_unused_books_to_remind(scene):
    later = timezone.now() + datetime.timedelta(seconds=1)
    reminded = list(figures.unused_books(Book.objects.all(), handed_before=later))
    assert len(reminded) == 1  # « idle »: handed out, never used
    assert reminded[0].passes.filter(status=Pass.Status.REDEEMED).count() == 0
    assert (
        list(figures.unused_books(Book.objects.all(), handed_before=timezone.now() - datetime.timedelta(days=1))) == []
    )


def test_exports_in_csv_and_xlsx(scene):
    import io

    from openpyxl import load_workbook

    books = Book.objects.filter(order=scene["order"])
    text = figures.figures_csv(books)
    assert "Synthèse\r\nCarnets;Remis;Non remis;Entamés" in text
    assert "Médiathèque;3;30,00;2;2" in text
    workbook = load_workbook(io.BytesIO(figures.figures_xlsx(books)))
    assert workbook.sheetnames == [
        "Synthèse",
        "Par organisation",
        "Par commune",
        "Par mois de remise",
        "Par lieu",
        "Délai",
    ]
    assert [cell.value for cell in workbook["Synthèse"][2]][:4] == [6, 4, 2, 3]
    assert workbook["Délai"]["A2"].value == 3.0
