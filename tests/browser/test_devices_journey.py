"""Issue 8 end to end, in Chromium with axe on every page: a partner's donation is recorded, one device is received,
its data erased (certificate), refurbished and made ready; a prescriber asks for a computer for a person she
supports; the workshop reserves the device and hands it over (delivery note, training offered nearby); the impact
figures count the person equipped and the CO2e avoided."""

import re

import pytest

from accounts.models import Role
from devices.models import Device, DeviceRequest, Status
from geo.models import Commune
from geo.testing import load_test_territory
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.conftest import MOBILE
from tests.browser.test_referral_journey import as_user, assert_clean
from tests.devices.conftest import seed_defaults
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def network(transactional_db):
    seed_defaults()
    load_test_territory(departements=["47"], insee_codes=[])
    agen = Commune.objects.get(name="Agen")
    workshop = OrganizationFactory(name="Atelier Solidaire 47")
    ccas = OrganizationFactory(name="CCAS de démonstration")
    OrganizationFactory(name="Orange, direction régionale")
    PlaceFactory(name="Médiathèque d'Agen", complete=True, published=True)
    return {
        "staff": UserFactory(role=Role.REFURBISHER, organization=workshop, email="atelier@example.org"),
        "prescriber": UserFactory(role=Role.PRESCRIBER, organization=ccas, email="prescriptrice@example.org"),
        "coordinator": UserFactory(role=Role.COORDINATOR, organization=workshop, totp=True),
        "person": PersonFactory(first_name="Josiane", last_name="M.", commune=agen, involved=ccas),
    }


def _pdf(page, link_name):
    href = page.get_by_role("link", name=link_name).get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF"), href
    return response


def test_a_donated_computer_reaches_a_referred_person_in_the_browser(page, log_in_browser, network):
    staff, person = network["staff"], network["person"]

    # The workshop records the donation and the device received.
    as_user(page, log_in_browser, staff)
    page.goto("/reconditionnement/")
    assert_clean(page, "stock vide")
    page.get_by_role("link", name="Dons", exact=True).click()
    page.get_by_role("link", name="Enregistrer un don").click()
    assert_clean(page, "nouveau don")
    page.get_by_label("Organisation donatrice").select_option(label="Orange, direction régionale")
    page.get_by_label("Nombre d'appareils annoncés").fill("1")
    page.get_by_label("Contact chez le donateur").fill("M. Martin, 05 53 00 00 00")
    page.get_by_role("button", name="Enregistrer le don").click()
    assert_clean(page, "don enregistré")
    _pdf(page, "Attestation de cession (PDF)")
    page.get_by_role("link", name="Enregistrer un appareil reçu").click()
    assert_clean(page, "appareil reçu")
    page.get_by_label("Type d'appareil").select_option("laptop")
    page.get_by_label("Marque").fill("Lenovo")
    page.get_by_label("Modèle").fill("ThinkPad T480")
    page.get_by_label("Numéro de série").fill("pf-1abc2")
    page.get_by_role("button", name="Enregistrer l'appareil", exact=True).click()
    assert_clean(page, "page de l'appareil")
    device = Device.objects.get()
    assert device.serial == "PF1ABC2" and device.status == Status.RECEIVED
    _pdf(page, "Étiquette avec QR code (PDF)")

    # Erased with its evidence (certificate), refurbished, ready.
    page.get_by_role("link", name="Prouver l'effacement des données").click()
    assert_clean(page, "effacement")
    page.get_by_label("Méthode").select_option("overwrite")
    page.get_by_label("Outil et version").fill("ShredOS 2024.02")
    page.get_by_label("Opérateur ou opératrice").fill("Karim B.")
    page.get_by_label("Preuve").fill("Rapport ShredOS n° 42, vérification complète")
    page.get_by_role("button", name="Enregistrer l'effacement").click()
    assert_clean(page, "appareil effacé")
    certificate = _pdf(page, "Certificat d'effacement (PDF)")
    assert "certificat-effacement" in certificate.headers["content-disposition"]
    page.get_by_role("link", name="Reconditionner").click()
    assert_clean(page, "reconditionnement")
    page.get_by_label("A — comme neuf").check()
    page.get_by_label("Système installé").fill("Linux Mint 22")
    page.get_by_label("Prix solidaire (€)").fill("30")
    page.get_by_role("button", name="Enregistrer le reconditionnement").click()
    page.get_by_role("button", name="Marquer prêt à remettre").click()
    assert_clean(page, "appareil prêt")
    device.refresh_from_db()
    assert device.status == Status.READY and device.grade == "A"

    # The prescriber asks for a computer from the person's page.
    as_user(page, log_in_browser, network["prescriber"])
    page.goto(f"/personnes/{person.pk}/")
    page.get_by_role("link", name="Demander un ordinateur").click()
    assert_clean(page, "demande d'appareil")
    page.get_by_label("Ordinateur portable").check()
    page.get_by_label("À quoi servira-t-il ?").fill("Démarches CAF et recherche d'emploi")
    page.get_by_role("button", name="Envoyer la demande").click()
    assert_clean(page, "demande envoyée")
    device_request = DeviceRequest.objects.get()
    assert device_request.status == "queued"

    # The workshop reserves the device and hands it over, at 320 px.
    as_user(page, log_in_browser, staff)
    page.set_viewport_size(MOBILE)
    page.goto("/reconditionnement/demandes/")
    assert_clean(page, "file des demandes")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    page.get_by_role("link", name=re.compile(f"Demande n° {device_request.pk}")).click()
    assert_clean(page, "demande côté atelier")
    assert "Démarches CAF" not in page.content()  # the workshop sees the name and contact, not the usage
    page.get_by_role("link", name="Réserver un appareil").click()
    assert_clean(page, "réservation")
    page.get_by_label(re.compile("ThinkPad T480")).check()
    page.get_by_role("button", name="Réserver cet appareil").click()
    assert_clean(page, "appareil réservé")
    page.get_by_role("link", name="Remettre l'appareil").click()
    assert_clean(page, "remise")
    assert "Médiathèque d'Agen" in page.content()
    page.get_by_label("Bon de remise signé sur papier").check()
    page.get_by_role("button", name="Confirmer la remise").click()
    assert_clean(page, "appareil remis")
    _pdf(page, "Bon de remise (PDF)")
    device_request.refresh_from_db()
    device.refresh_from_db()
    assert device_request.status == "delivered" and device.status == Status.DELIVERED
    assert "Médiathèque d'Agen" in device_request.delivery.training_offer

    # The impact figures count the device, the person and the CO2e avoided.
    page.set_viewport_size({"width": 1280, "height": 900})
    as_user(page, log_in_browser, network["coordinator"])
    page.goto("/reconditionnement/impact/")
    assert_clean(page, "impact")
    figures = page.locator("dl.summary-list").first.inner_text()
    assert re.search(r"Appareils remis \(seconde vie\)\s*1", figures)
    assert re.search(r"Personnes équipées\s*1", figures)
    assert "156 kg" in figures


def test_the_workshop_pages_not_in_the_journey_are_clean(page, log_in_browser, network):
    """axe on the workshop's other pages (the site-wide walk uses the coordinator and mediator roles only)."""
    from tests.devices.factories import DeviceFactory, DeviceRequestFactory, DonationFactory

    staff = network["staff"]
    donation = DonationFactory(workshop=staff.memberships.get().organization)
    device = DeviceFactory(donation=donation, ready=True)
    device_request = DeviceRequestFactory()
    as_user(page, log_in_browser, staff)
    for path, where in (
        ("/reconditionnement/heures/", "heures d'insertion"),
        (f"/reconditionnement/appareils/{device.pk}/recyclage/", "recyclage"),
        (f"/reconditionnement/appareils/{device.pk}/", "appareil prêt"),
        (f"/reconditionnement/demandes/{device_request.pk}/annuler/", "annulation"),
        ("/reconditionnement/?status=ready&kind=laptop", "stock filtré"),
        ("/reconditionnement/dons/", "liste des dons"),
    ):
        for viewport in ({"width": 1280, "height": 900}, MOBILE):
            page.set_viewport_size(viewport)
            page.goto(path)
            assert_clean(page, f"{where} à {viewport['width']} px")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"], where
    page.goto("/reconditionnement/heures/")
    page.get_by_label("Salarié ou salariée en insertion").fill("K. B.")
    page.get_by_label("Heures").fill("7")
    page.get_by_label("Travail réalisé").fill("Effacement et tests")
    page.get_by_role("button", name="Enregistrer les heures").click()
    assert_clean(page, "heures enregistrées")
    assert "Effacement et tests" in page.content()
