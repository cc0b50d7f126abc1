"""The Pass Numérique pages, through the HTTP client: orders (form, generation, import of the operator's file),
allocation, shipment, receipt, « Mon stock », hand-out from the person record and the letter, redemptions and their
cancellation, statements validated and paid, the figures and their downloads."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.models import HistoryEntry
from people import actions
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import PersonFactory
from tests.vouchers.factories import BookFactory, OrderFactory, first_pass, holder_user, qualified_place
from vouchers import serials
from vouchers.importing import serial_file_template
from vouchers.models import Book, Order, Redemption, Shipment, Statement

SERVICE = "Aide aux démarches administratives"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded serial files go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordination(client_for):
    return client_for("coordinator")


def order_data(sponsor, **overrides):
    data = {
        "name": "Pass Numérique 2027 — CAF",
        "sponsor": sponsor.pk,
        "book_count": 3,
        "passes_per_book": 5,
        "face_value": "10",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=300)).isoformat(),
        "tolerance_days": 31,
        "communes": "",
        "target_publics": [],
        "eligibility": "Habiter le département.",
        "generate": "1",
    }
    data.update(overrides)
    return data


# Orders ----------------------------------------------------------------------------------------------------


def test_the_coordination_creates_an_order_with_shares_summing_to_100(coordination):
    sponsor, other = OrganizationFactory(name="CAF"), OrganizationFactory(name="Département")
    wrong = order_data(sponsor, funder_1=sponsor.pk, share_1="60", funder_2=other.pk, share_2="30")
    response = coordination.post(reverse("vouchers:order_create"), wrong)
    assert response.status_code == 200
    assert "doivent totaliser 100 % (elles totalisent 90 %)" in response.text
    assert not Order.objects.exists()
    right = order_data(sponsor, funder_1=sponsor.pk, share_1="60,5", funder_2=other.pk, share_2="39,5")
    response = coordination.post(reverse("vouchers:order_create"), right, follow=True)
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == reverse("vouchers:order_detail", args=[order.pk])
    assert sorted(order.funder_shares.values_list("share_percent", flat=True)) == [39.5, 60.5]
    assert order.books.count() == 3 and order.passes_per_book == 5
    assert "En stock" in response.text and "Commande « Pass Numérique 2027 — CAF » enregistrée." in response.text


def test_without_funder_the_sponsor_funds_alone_and_the_territory_is_typed(coordination):
    sponsor = OrganizationFactory()
    commune = CommuneFactory(name="Agen-Test")
    data = order_data(sponsor, communes=commune.insee_code, generate="0", target_publics=["Tout public"])
    coordination.post(reverse("vouchers:order_create"), data)
    order = Order.objects.get()
    assert list(order.funder_shares.values_list("funder", "share_percent")) == [(sponsor.pk, 100)]
    assert list(order.territory_communes.all()) == [commune]
    assert order.target_publics == ["Tout public"]
    assert not order.books.exists() and order.serial_source == Order.SerialSource.IMPORTED
    unknown = coordination.post(reverse("vouchers:order_create"), order_data(sponsor, communes="Zzzyx"))
    assert "Aucune commune ne correspond à « Zzzyx »" in unknown.text


def test_the_order_is_edited_and_its_serials_generated_from_its_page(coordination):
    order = OrderFactory(generated=False, book_count=2)
    url = reverse("vouchers:order_edit", args=[order.pk])
    page = coordination.get(url)
    assert page.status_code == 200 and order.name in page.text
    data = order_data(order.sponsor, name="Nouveau nom", book_count=4)
    coordination.post(url, data)
    order.refresh_from_db()
    assert (order.name, order.book_count) == ("Nouveau nom", 4)
    assert HistoryEntry.objects.filter(action="voucher_order_updated").count() == 1
    coordination.post(reverse("vouchers:order_generate", args=[order.pk]))
    assert order.books.count() == 4 and order.books.first().passes.count() == 5
    again = coordination.post(reverse("vouchers:order_generate", args=[order.pk]), follow=True)
    assert "Cette commande a déjà ses carnets." in again.text
    # Once generated, the size of the order is fixed; the rest can still change.
    coordination.post(url, order_data(order.sponsor, name="Encore", book_count=9))
    order.refresh_from_db()
    assert (order.name, order.book_count) == ("Encore", 4)


def test_only_the_coordination_handles_orders(client_for):
    order = OrderFactory()
    for role in ("prescriber", "mediator", "partner_viewer", "org_admin"):
        client = client_for(role)
        assert client.get(reverse("vouchers:orders")).status_code == 403
        assert client.get(reverse("vouchers:order_detail", args=[order.pk])).status_code == 403
        assert client.post(reverse("vouchers:order_generate", args=[order.pk])).status_code == 403


# Import of the operator's file -----------------------------------------------------------------------------


def _upload(client, order, text, name="numeros.csv"):
    return client.post(
        reverse("vouchers:order_import", args=[order.pk]),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def test_the_import_goes_through_mapping_preview_and_confirmation(coordination):
    order = OrderFactory(generated=False, book_count=2)
    lines = serial_file_template(order, books=2).splitlines()
    text = "\n".join(["Chéquier;Code du pass;Ordre"] + lines[1:])  # unusual headers: chosen at the mapping step
    response = _upload(coordination, order, text)
    assert response.url == reverse("vouchers:order_import_mapping", args=[order.pk])
    mapping_page = coordination.get(response.url)
    assert "10 lignes de numéros" in mapping_page.text
    response = coordination.post(response.url, {"book": "Chéquier", "pass": "Code du pass", "position": "Ordre"})
    preview = coordination.get(response.url)
    assert "Le fichier est correct" in preview.text and "2 carnets et 10 pass seront créés" in preview.text
    assert not order.books.exists()
    done = coordination.post(reverse("vouchers:order_import_preview", args=[order.pk]), follow=True)
    assert "2 carnet(s) et 10 pass importés" in done.text
    assert order.books.count() == 2
    assert coordination.get(reverse("vouchers:order_import_preview", args=[order.pk])).status_code == 302


def test_a_bad_file_is_refused_with_line_numbers_and_nothing_changes(coordination):
    order = OrderFactory(generated=False, book_count=2)
    lines = serial_file_template(order, books=1).splitlines()
    mistyped = lines[3].split(";")
    mistyped[1] = mistyped[1][:-1] + ("A" if mistyped[1][-1] != "A" else "B")
    lines[3] = ";".join(mistyped)
    lines.append(lines[2])  # a duplicate pass
    response = _upload(coordination, order, "\n".join(lines))
    mapping = coordination.get(response.url)
    assert 'value="carnet" selected' in mapping.text  # the guessed mapping is pre-selected
    coordination.post(response.url, {"book": "carnet", "pass": "pass", "position": "rang"})
    preview = coordination.get(reverse("vouchers:order_import_preview", args=[order.pk]))
    assert "Le fichier ne peut pas être importé" in preview.text
    assert "Ligne 4 : numéro de pass" in preview.text and "Ligne 7 : le pass" in preview.text
    assert "figure déjà ligne 3" in preview.text
    refused = coordination.post(reverse("vouchers:order_import_preview", args=[order.pk]))
    assert "Le fichier ne peut pas être importé" in refused.text
    assert not Book.objects.filter(order=order).exists()


def test_a_file_without_header_columns_is_refused_at_upload(coordination):
    order = OrderFactory(generated=False)
    response = _upload(coordination, order, "juste une colonne\nPN\n")
    assert response.status_code == 200 and "ligne d&#x27;en-tête" in response.text
    response = _upload(coordination, order, "a;b\n1;2\n", name="numeros.xlsx")
    assert "Envoyez un fichier CSV" in response.text


# Stock: allocation, shipment, receipt ----------------------------------------------------------------------


def test_allocate_ship_receive_and_my_stock(coordination, client_for):
    order = OrderFactory(book_count=3)
    ccas = OrganizationFactory(name="CCAS d'Agen")
    response = coordination.post(
        reverse("vouchers:order_allocate", args=[order.pk]), {"organization": ccas.pk, "count": 5}
    )
    assert "Il ne reste que 3 carnet(s) en stock" in response.text
    coordination.post(reverse("vouchers:order_allocate", args=[order.pk]), {"organization": ccas.pk, "count": 2})
    assert Book.objects.filter(organization=ccas, status=Book.Status.ALLOCATED).count() == 2
    ship_url = reverse("vouchers:order_ship", args=[order.pk])
    assert "CCAS d&#x27;Agen : 2 carnets" in coordination.get(ship_url).text
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = coordination.post(ship_url, {"organization": ccas.pk, "count": 2, "shipped_on": future})
    assert "ne peut pas être dans le futur" in response.text
    today = timezone.localdate().isoformat()
    coordination.post(ship_url, {"organization": ccas.pk, "count": 2, "shipped_on": today, "tracking": "6A123"})
    shipment = Shipment.objects.get()
    assert (shipment.book_count, shipment.tracking) == (2, "6A123")
    detail = coordination.get(reverse("vouchers:order_detail", args=[order.pk]))
    assert "6A123" in detail.text and "Confirmer la réception" in detail.text

    prescriber = client_for("prescriber")
    assert prescriber.post(reverse("vouchers:shipment_receive", args=[shipment.pk])).status_code == 404
    viewer = client_for("partner_viewer")
    assert viewer.post(reverse("vouchers:shipment_receive", args=[shipment.pk])).status_code == 403
    member = UserFactory(role=Role.PRESCRIBER, organization=ccas)
    client = client_for("prescriber")
    client.force_login(member)
    stock = client.get(reverse("vouchers:my_stock"))
    assert "Envois à réceptionner" in stock.text and "0 carnets à remettre" in stock.text
    received = client.post(reverse("vouchers:shipment_receive", args=[shipment.pk]), follow=True)
    assert "Réception de 2 carnet(s) confirmée" in received.text
    assert "2 carnets à remettre" in received.text
    again = client.post(reverse("vouchers:shipment_receive", args=[shipment.pk]), follow=True)
    assert "déjà été confirmée" in again.text


def test_my_stock_is_for_the_prescriber_side(client_for):
    assert client_for("partner_viewer").get(reverse("vouchers:my_stock")).status_code == 403
    assert client_for("refurbisher").get(reverse("vouchers:my_stock")).status_code == 403
    assert client_for("prescriber").get(reverse("vouchers:my_stock")).status_code == 200


# Hand-out and letter ---------------------------------------------------------------------------------------


@pytest.fixture
def holder(client_for, log_in):
    book = BookFactory(received=True)
    user = holder_user(book)
    client = client_for("prescriber")
    log_in(client, user)
    client.user, client.book = user, book
    return client


def test_the_person_record_offers_the_hand_out(holder):
    person = PersonFactory(involved=holder.book.organization)
    labels = [label for label, _url in actions.actions_for(holder.user, person)]
    assert "Remettre un carnet Pass Numérique" in labels
    page = holder.get(reverse("people:detail", args=[person.pk]))
    assert reverse("vouchers:hand_out", args=[person.pk]) in page.text


def test_a_book_is_handed_out_then_the_letter_printed(holder):
    qualified_place(name="Médiathèque d'Agen")
    person = PersonFactory(involved=holder.book.organization, first_name="Josiane")
    url = reverse("vouchers:hand_out", args=[person.pk])
    page = holder.get(url, {"carnet": holder.book.pk})
    assert f'value="{holder.book.pk}" selected' in page.text
    response = holder.post(url, {"book": holder.book.pk, "public": ""}, follow=True)
    holder.book.refresh_from_db()
    assert holder.book.status == Book.Status.HANDED_OUT and holder.book.handed_to == person
    assert response.redirect_chain[-1][0] == reverse("vouchers:letter", args=[holder.book.pk])
    assert "Votre carnet Pass Numérique" in response.text and "Josiane" in response.text
    assert "Médiathèque d&#x27;Agen" in response.text
    assert serials.format_serial(first_pass(holder.book).serial) in response.text
    assert "css/vouchers-letter.css" in response.text and "<svg" in response.text
    assert " style=" not in response.text.split("<main", 1)[1]  # CSP: no inline style
    record = holder.get(reverse("people:detail", args=[person.pk]))
    assert reverse("vouchers:letter", args=[holder.book.pk]) in record.text  # the timeline links to the letter


def test_eligibility_errors_are_shown_in_french(holder):
    order = holder.book.order
    order.territory_communes.set([CommuneFactory()])
    Order.objects.filter(pk=order.pk).update(target_publics=["Seniors"])
    outside = PersonFactory(involved=holder.book.organization, commune=CommuneFactory(name="Ailleurs"))
    response = holder.post(reverse("vouchers:hand_out", args=[outside.pk]), {"book": holder.book.pk})
    assert "Ailleurs n&#x27;est pas dans le territoire de cette commande." in response.text
    holder.book.refresh_from_db()
    assert holder.book.status == Book.Status.RECEIVED


def test_the_hand_out_is_refused_for_people_and_books_out_of_reach(holder, client_for):
    stranger = PersonFactory()
    assert holder.get(reverse("vouchers:hand_out", args=[stranger.pk])).status_code == 404
    mine = PersonFactory(involved=holder.book.organization)
    other_book = BookFactory(received=True)
    response = holder.post(reverse("vouchers:hand_out", args=[mine.pk]), {"book": other_book.pk})
    assert "Sélectionnez un choix valide" in response.text
    assert client_for("partner_viewer").get(reverse("vouchers:hand_out", args=[mine.pk])).status_code == 403


def test_the_stock_search_finds_the_person(holder):
    PersonFactory(involved=holder.book.organization, first_name="Josiane", last_name="Martin")
    PersonFactory(first_name="Josiane", last_name="Ailleurs")  # not followed by the organisation
    stock = holder.get(reverse("vouchers:my_stock"))
    chosen = f"{reverse('vouchers:hand_out_search')}?carnet={holder.book.pk}"
    assert chosen in stock.text
    first = holder.get(chosen)
    assert "Ce champ est obligatoire" not in first.text and f'name="carnet" value="{holder.book.pk}"' in first.text
    response = holder.get(reverse("vouchers:hand_out_search"), {"q": "josiane", "carnet": holder.book.pk})
    assert "Remettre un carnet à Josiane" in response.text and "Ailleurs" not in response.text
    assert f"?carnet={holder.book.pk}" in response.text


def test_the_letter_is_only_for_the_holder_side(client_for):
    book = BookFactory(handed_out=True)
    url = reverse("vouchers:letter", args=[book.pk])
    assert client_for("coordinator").get(url).status_code == 200
    assert client_for("prescriber").get(url).status_code == 404
    sponsor_member = UserFactory(role=Role.PARTNER_VIEWER, organization=book.order.sponsor)
    client = client_for("partner_viewer")
    client.force_login(sponsor_member)
    assert client.get(url).status_code == 403


# Coordination: redemptions, statements ---------------------------------------------------------------------


def _redeem(book, place, at=None):
    redemption = Redemption.objects.create(
        pass_obj=first_pass(book), place=place, service=SERVICE, amount_cents=1000, at=at or timezone.now()
    )
    first_pass(book).__class__.objects.filter(pk=redemption.pass_obj_id).update(
        status="redeemed", redeemed_at=redemption.at, redeemed_place=place, service=SERVICE
    )
    return redemption


def test_the_coordination_cancels_a_redemption_with_a_reason(coordination):
    place = qualified_place(name="Médiathèque")
    book = BookFactory(handed_out=True)
    redemption = _redeem(book, place)
    listing = coordination.get(
        reverse("vouchers:redemptions"), {"serial": serials.format_serial(first_pass(book).serial)}
    )
    assert "1 encaissement" in listing.text
    url = reverse("vouchers:redemption_detail", args=[redemption.pk])
    empty = coordination.post(url, {"reason": " "})
    assert "Ce champ est obligatoire" in empty.text
    done = coordination.post(url, {"reason": "Saisi par erreur"}, follow=True)
    assert "annulé : le pass peut resservir" in done.text and "Motif : Saisi par erreur" in done.text
    redemption.refresh_from_db()
    assert redemption.cancel_reason == "Saisi par erreur"
    assert first_pass(book).status == "available"
    cancelled = coordination.get(reverse("vouchers:redemptions"), {"status": "cancelled"})
    assert "Annulé" in cancelled.text


def test_redemptions_are_the_coordinations(client_for):
    redemption = _redeem(BookFactory(handed_out=True), qualified_place())
    for role in ("prescriber", "mediator", "partner_viewer"):
        client = client_for(role)
        assert client.get(reverse("vouchers:redemptions")).status_code == 403
        url = reverse("vouchers:redemption_detail", args=[redemption.pk])
        assert client.post(url, {"reason": "non"}).status_code == 403
    assert Redemption.objects.active().count() == 1


def test_statements_are_validated_then_paid_from_the_list(coordination):
    place = qualified_place()
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    moment = timezone.make_aware(datetime.datetime.combine(last_month.replace(day=5), datetime.time(10)))
    _redeem(BookFactory(handed_out=True), place, at=moment)
    coordination.post(reverse("vouchers:statements_build"), {"month": last_month.strftime("%Y-%m")})
    statement = Statement.objects.get()
    page = coordination.get(reverse("vouchers:statements"))
    assert reverse("vouchers:statement_validate", args=[statement.pk]) in page.text
    paid_too_early = coordination.post(reverse("vouchers:statement_pay", args=[statement.pk]), follow=True)
    assert "Seul un relevé validé peut être marqué payé." in paid_too_early.text
    response = coordination.post(reverse("vouchers:statement_validate", args=[statement.pk]), follow=True)
    assert "validé." in response.text and "Marquer payé" in response.text
    response = coordination.post(
        reverse("vouchers:statement_pay", args=[statement.pk]), {"reference": "MANDAT-42"}, follow=True
    )
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PAID and statement.payment_reference == "MANDAT-42"
    assert "(MANDAT-42)" in response.text


# Figures ---------------------------------------------------------------------------------------------------


def test_the_figures_and_their_downloads(coordination):
    place = qualified_place(name="Lieu des chiffres")
    book = BookFactory(
        handed_out=True, person=PersonFactory(first_name="Secret", commune=CommuneFactory(name="Nérac-Test"))
    )
    BookFactory(order=book.order, handed_out=True)
    _redeem(book, place)
    page = coordination.get(reverse("vouchers:figures"))
    assert page.status_code == 200
    assert "Lieu des chiffres" in page.text and "Nérac-Test" in page.text and "50 % des carnets remis" in page.text
    assert "Secret" not in page.text
    csv = coordination.get(reverse("vouchers:figures_csv"), {"order": book.order.pk})
    assert csv["Content-Type"].startswith("text/csv") and "Par lieu" in csv.content.decode()
    xlsx = coordination.get(reverse("vouchers:figures_xlsx"))
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert "Synthèse" in workbook.sheetnames and "Par commune" in workbook.sheetnames


def test_a_partner_viewer_sees_the_aggregates_of_its_orders_only(client_for):
    mine = OrderFactory(name="Commande du partenaire")
    BookFactory(order=mine, handed_out=True)
    BookFactory(handed_out=True)  # another sponsor's
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=mine.sponsor)
    client = client_for("partner_viewer")
    client.force_login(viewer)
    page = client.get(reverse("vouchers:figures"))
    assert page.status_code == 200
    assert "<dt>Carnets</dt>\n        <dd>2 (dont 1 pas encore remis)</dd>" in page.text
    assert "Commande du partenaire" in page.text
    assert client_for("refurbisher").get(reverse("vouchers:figures")).status_code == 200  # an empty scope


# Bounded queries -------------------------------------------------------------------------------------------


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_list_pages_do_not_grow_queries_with_rows(coordination, holder):
    place = qualified_place()
    OrderFactory()
    _redeem(BookFactory(handed_out=True), place)
    urls = [reverse("vouchers:orders"), reverse("vouchers:redemptions"), reverse("vouchers:figures")]
    before = {url: _queries(coordination, url) for url in urls}
    stock_before = _queries(holder, reverse("vouchers:my_stock"))
    for _ in range(4):
        order = OrderFactory()
        _redeem(BookFactory(order=order, handed_out=True, organization=holder.book.organization), place)
        BookFactory(order=order, received=True, organization=holder.book.organization)
    assert {url: _queries(coordination, url) for url in urls} == before
    assert _queries(holder, reverse("vouchers:my_stock")) == stock_before


def test_the_target_public_is_asked_when_the_order_has_some(holder):
    Order.objects.filter(pk=holder.book.order_id).update(target_publics=["Seniors"])
    person = PersonFactory(involved=holder.book.organization)
    url = reverse("vouchers:hand_out", args=[person.pk])
    response = holder.post(url, {"book": holder.book.pk, "public": ""})
    assert "Cette commande est réservée à ces publics : Seniors." in response.text
    holder.post(url, {"book": holder.book.pk, "public": "Seniors"})
    holder.book.refresh_from_db()
    assert (holder.book.status, holder.book.public) == (Book.Status.HANDED_OUT, "Seniors")


def test_editing_keeps_every_funder(coordination):
    order = OrderFactory()
    sponsor_share = order.funder_shares.get()
    sponsor_share.share_percent = 20
    sponsor_share.save()
    for _ in range(4):
        order.funder_shares.create(funder=OrganizationFactory(), share_percent=20)
    page = coordination.get(reverse("vouchers:order_edit", args=[order.pk]))
    assert 'name="funder_5"' in page.text and 'name="funder_6"' not in page.text


def test_the_menu_offers_each_role_its_pages(client_for):
    from types import SimpleNamespace

    from core.navigation import nav_items

    def labels(role):
        return {item["label"] for item in nav_items(SimpleNamespace(user=client_for(role).user, path="/"))}

    assert {"Commandes Pass Numérique", "Encaissements", "Chiffres Pass Numérique"} <= labels("coordinator")
    assert "Mon stock de Pass" in labels("prescriber") and "Commandes Pass Numérique" not in labels("prescriber")
    assert "Chiffres Pass Numérique" in labels("partner_viewer") and "Mon stock de Pass" not in labels(
        "partner_viewer"
    )


def test_the_mapping_refuses_one_column_for_two_fields_and_the_import_can_be_abandoned(coordination):
    from django.core.files.storage import default_storage

    order = OrderFactory(generated=False)
    response = _upload(coordination, order, serial_file_template(order, books=1))
    same = coordination.post(response.url, {"book": "carnet", "pass": "carnet"})
    assert "Une même colonne ne peut pas servir à deux champs." in same.text
    stored = coordination.session[f"voucher_import_{order.pk}"]["name"]
    assert default_storage.exists(stored)
    abandoned = coordination.post(reverse("vouchers:order_import_cancel", args=[order.pk]), follow=True)
    assert "Import abandonné" in abandoned.text
    assert not default_storage.exists(stored) and not order.books.exists()
