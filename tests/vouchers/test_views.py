import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from tests.vouchers.factories import BookFactory, first_pass, qualified_place
from vouchers import serials
from vouchers.models import Pass, Redemption, Statement

SERVICE = "Aide aux démarches administratives"
URL = reverse("vouchers:redeem")


@pytest.fixture
def place():
    return qualified_place(name="Médiathèque d'Agen")


@pytest.fixture
def mediator_client(client_for, log_in, place, client, user_with_role):
    user = user_with_role(Role.MEDIATOR, organization=place.organization)
    log_in(client, user)
    client.user = user
    return client


def test_the_redemption_page_records_a_pass(mediator_client, place):
    book = BookFactory(handed_out=True)
    serial = first_pass(book).serial
    page = mediator_client.get(URL, {"numero": serials.format_serial(serial)})
    assert page.status_code == 200
    assert serials.format_serial(serial) in page.text
    response = mediator_client.post(URL, {"place": place.pk, "serial": serial, "service": SERVICE}, follow=True)
    assert f"Pass {serials.format_serial(serial)} encaissé : 10,00" in response.text
    assert Pass.objects.get(serial=serial).status == Pass.Status.REDEEMED
    assert "Derniers pass encaissés" in response.text and escape(place.name) in response.text


def test_the_page_gives_the_clear_answers(mediator_client, place):
    book = BookFactory(handed_out=True)
    serial = first_pass(book).serial
    mediator_client.post(URL, {"place": place.pk, "serial": serial, "service": SERVICE})
    again = mediator_client.post(URL, {"place": place.pk, "serial": serial, "service": SERVICE})
    assert "déjà été utilisé le" in again.text and "Médiathèque d&#x27;Agen" in again.text
    mistyped = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    wrong = mediator_client.post(URL, {"place": place.pk, "serial": mistyped, "service": SERVICE})
    assert "clé de contrôle" in wrong.text
    not_given = first_pass(BookFactory(received=True)).serial
    response = mediator_client.post(URL, {"place": place.pk, "serial": not_given, "service": SERVICE})
    assert "pas encore été remis" in response.text
    assert Redemption.objects.count() == 1


def test_only_people_of_a_qualified_place_get_the_form(client_for):
    assert client_for("prescriber").get(URL).status_code == 403
    page = client_for("mediator").get(URL)  # their organisation runs no qualified place
    assert page.status_code == 200
    assert "ne gère aucun lieu qualifié" in page.text and "<form" not in page.text.split("<main", 1)[-1]


def test_another_place_cannot_be_chosen(mediator_client, place):
    other = qualified_place()
    book = BookFactory(handed_out=True)
    response = mediator_client.post(URL, {"place": other.pk, "serial": first_pass(book).serial, "service": SERVICE})
    assert response.status_code == 200
    assert not Redemption.objects.exists()


def test_the_coordination_builds_and_downloads_the_statements(client_for, place):
    book = BookFactory(handed_out=True)
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    moment = timezone.make_aware(datetime.datetime.combine(last_month.replace(day=5), datetime.time(10)))
    pass_obj = first_pass(book)
    Redemption.objects.create(pass_obj=pass_obj, place=place, service=SERVICE, amount_cents=1000, at=moment)
    client = client_for("coordinator")
    response = client.post(reverse("vouchers:statements_build"), {"month": last_month.strftime("%Y-%m")}, follow=True)
    assert "1 relevé(s) établi(s) ou mis à jour." in response.text
    statement = Statement.objects.get()
    assert statement.redemption_count == 1
    csv = client.get(reverse("vouchers:statement_csv", args=[statement.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    assert serials.format_serial(pass_obj.serial) in csv.content.decode()
    pdf = client.get(reverse("vouchers:statement_pdf", args=[statement.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert client_for("prescriber").get(reverse("vouchers:statement_csv", args=[statement.pk])).status_code == 404
    assert client_for("mediator").post(reverse("vouchers:statements_build"), {"month": "2026-01"}).status_code == 403


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_lists_do_not_grow_queries_with_rows(client_for, mediator_client, place):
    coordination = client_for("coordinator")
    Statement.objects.create(place=place, month=datetime.date(2026, 1, 1))
    statements_url = reverse("vouchers:statements")
    few = _count_queries(coordination, statements_url)
    for month in range(2, 8):
        Statement.objects.create(place=qualified_place(), month=datetime.date(2026, month, 1))
    assert _count_queries(coordination, statements_url) == few

    def redeem_one():
        book = BookFactory(handed_out=True)
        mediator_client.post(URL, {"place": place.pk, "serial": first_pass(book).serial, "service": SERVICE})

    redeem_one()
    once = _count_queries(mediator_client, URL)
    for _ in range(4):
        redeem_one()
    assert _count_queries(mediator_client, URL) == once


@pytest.mark.parametrize(
    ("code", "field"),
    [("service", "service"), ("place_not_qualified", "place"), ("already_used", "serial"), (None, "serial")],
)
def test_a_refusal_is_shown_under_the_field_it_is_about(mediator_client, place, monkeypatch, code, field):
    from django.core.exceptions import ValidationError

    from vouchers import services

    qualified_place(organization=place.organization, name="Annexe")  # two places: the place field is shown

    def refuse(*args, **kwargs):
        raise ValidationError("Refusé pour le test.", code=code)

    monkeypatch.setattr(services, "redeem_pass", refuse)
    serial = first_pass(BookFactory(handed_out=True)).serial
    response = mediator_client.post(URL, {"place": place.pk, "serial": serial, "service": SERVICE})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: ["Refusé pour le test."]}


def test_a_refused_place_reads_at_the_top_when_it_is_the_only_one(mediator_client, place, monkeypatch):
    from django.core.exceptions import ValidationError

    from vouchers import services

    def refuse(*args, **kwargs):
        raise ValidationError("Ce lieu n'est plus qualifié.", code="place_not_qualified")

    monkeypatch.setattr(services, "redeem_pass", refuse)
    serial = first_pass(BookFactory(handed_out=True)).serial
    response = mediator_client.post(URL, {"place": place.pk, "serial": serial, "service": SERVICE})
    assert response.context["form"].non_field_errors() == ["Ce lieu n'est plus qualifié."]
    assert "Ce lieu n&#x27;est plus qualifié." in response.text
