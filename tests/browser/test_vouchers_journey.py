"""Issue 6 end to end, in Chromium with axe on every page: the coordination records an order and generates its
serials, allocates a book to a CCAS and records the shipment; the CCAS confirms the receipt and hands the book to a
person from her record, then prints the letter; a qualified place redeems a pass; the coordination builds the
month's statement, validates it and marks it paid, and reads the figures."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory
from vouchers.models import Book, Order, Pass, Redemption, Shipment, Statement
from vouchers.serials import format_serial

pytestmark = pytest.mark.browser


def assert_clean(page, where):
    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert not page.console_errors, f"{where} : {page.console_errors}"


def as_user(page, log_in_browser, user):
    page.context.clear_cookies()
    log_in_browser(user)


@pytest.fixture
def network(transactional_db):
    caf = OrganizationFactory(name="CAF de démonstration")
    ccas = OrganizationFactory(name="CCAS de démonstration")
    mediatheque = OrganizationFactory(name="Médiathèque de démonstration")
    place = PlaceFactory(
        name="Médiathèque d'Agen", complete=True, published=True, pass_qualified=True, organization=mediatheque
    )
    return {
        "caf": caf,
        "ccas": ccas,
        "place": place,
        "coordinator": UserFactory(role=Role.COORDINATOR, email="coordination@example.org"),
        "prescriber": UserFactory(role=Role.PRESCRIBER, organization=ccas, email="prescriptrice@example.org"),
        "mediator": UserFactory(role=Role.MEDIATOR, organization=mediatheque, email="mediateur@example.org"),
        "person": PersonFactory(first_name="Josiane", last_name="M.", involved=ccas),
    }


def test_a_pass_numerique_book_goes_round_the_loop_in_the_browser(page, log_in_browser, network):
    # The coordination records the order, then generates its serials from the order page.
    as_user(page, log_in_browser, network["coordinator"])
    page.goto("/pass-numerique/commandes/")
    assert_clean(page, "commandes")
    page.get_by_role("link", name="Nouvelle commande").click()
    assert_clean(page, "nouvelle commande")
    page.get_by_label("Intitulé").fill("Pass Numérique 2027")
    page.get_by_label("Commanditaire").select_option(label="CAF de démonstration")
    page.get_by_label("Nombre de carnets", exact=True).fill("2")
    page.get_by_label("Pass par carnet").select_option(label="5 pass")
    page.get_by_label("Fin de validité", exact=True).fill(
        (timezone.localdate() + datetime.timedelta(days=300)).isoformat()
    )
    page.get_by_label(re.compile("^Financeur 1")).select_option(label="CAF de démonstration")
    page.get_by_label(re.compile("^Part du financeur 1")).fill("100")
    page.get_by_label(re.compile("importer plus tard")).check()
    page.get_by_role("button", name="Enregistrer la commande").click()
    assert_clean(page, "commande enregistrée")
    order = Order.objects.get()
    page.get_by_role("button", name=re.compile("Générer les numéros")).click()
    assert_clean(page, "numéros générés")
    assert order.books.count() == 2

    # Allocation to the CCAS, then the shipment.
    page.get_by_role("link", name="Attribuer des carnets").click()
    assert_clean(page, "attribuer")
    page.get_by_label("Organisation prescriptrice").select_option(label="CCAS de démonstration")
    page.get_by_label("Nombre de carnets", exact=True).fill("1")
    page.get_by_role("button", name="Attribuer").click()
    page.get_by_role("link", name="Enregistrer un envoi").click()
    assert_clean(page, "envoi")
    page.get_by_label("Destinataire").select_option(label="CCAS de démonstration")
    page.get_by_label("Nombre de carnets envoyés").fill("1")
    page.get_by_label("Numéro de suivi").fill("6A12345")
    page.get_by_role("button", name="Enregistrer l'envoi").click()
    assert_clean(page, "commande après l'envoi")
    assert Shipment.objects.get().tracking == "6A12345"

    # The CCAS confirms the receipt, then hands the book to Josiane from her record and prints the letter.
    as_user(page, log_in_browser, network["prescriber"])
    page.goto("/pass-numerique/mon-stock/")
    assert_clean(page, "mon stock")
    page.get_by_role("button", name=re.compile("Confirmer la réception")).click()
    assert_clean(page, "réception confirmée")
    page.goto(f"/personnes/{network['person'].pk}/")
    page.get_by_role("link", name="Remettre un carnet Pass Numérique").click()
    assert_clean(page, "remise")
    page.get_by_label("Carnet", exact=True).select_option(index=1)
    page.get_by_role("button", name="Remettre le carnet").click()
    assert_clean(page, "courrier")
    book = Book.objects.get(status=Book.Status.HANDED_OUT)
    assert book.handed_to == network["person"]
    assert "Médiathèque d'Agen" in page.content()
    page.set_viewport_size(MOBILE)
    assert_clean(page, "courrier à 320 px")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]

    # The qualified place redeems the first pass.
    serial = book.passes.order_by("position").first().serial
    as_user(page, log_in_browser, network["mediator"])
    page.goto(f"/pass-numerique/encaisser/?numero={format_serial(serial)}")
    assert_clean(page, "encaisser")
    page.get_by_label("Service rendu").select_option(label="Aide aux démarches administratives")
    page.get_by_role("button", name="Encaisser le pass").click()
    assert_clean(page, "pass encaissé")
    assert Pass.objects.get(serial=serial).status == Pass.Status.REDEEMED

    # The redemption counts for last month (the statement of a month is validated once the month is over).
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    moment = timezone.make_aware(datetime.datetime.combine(last_month.replace(day=10), datetime.time(10)))
    Redemption.objects.update(at=moment)

    # The coordination builds the statement, validates it, marks it paid, and reads the figures.
    as_user(page, log_in_browser, network["coordinator"])
    page.goto("/pass-numerique/encaissements/")
    assert_clean(page, "encaissements")
    page.goto("/pass-numerique/releves/")
    page.get_by_role("textbox", name="Mois").fill(last_month.strftime("%Y-%m"))
    page.get_by_role("button", name="Établir les relevés").click()
    assert_clean(page, "relevé établi")
    page.get_by_role("button", name=re.compile("^Valider")).click()
    assert_clean(page, "relevé validé")
    page.get_by_label(re.compile("Référence du paiement")).fill("MANDAT-2027-001")
    page.get_by_role("button", name=re.compile("^Marquer payé")).click()
    assert_clean(page, "relevé payé")
    statement = Statement.objects.get()
    assert statement.status == Statement.Status.PAID and statement.payment_reference == "MANDAT-2027-001"
    page.goto("/pass-numerique/chiffres/")
    assert_clean(page, "chiffres")
    assert "Médiathèque d'Agen" in page.content() and "Josiane" not in page.content()
