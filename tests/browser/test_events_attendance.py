"""Issue 7, attendance, in Chromium with axe on every page: a coordinator publishes a training with 2 seats; three
people register (the third on the waiting list); the first cancels by the link of her confirmation page and the
third is promoted; once the session has started, the organiser ticks who came, a host scans a QR code, the
sign-in sheet PDF downloads and the attendance certificates are sent; the figures and the survey pages are clean,
and the check-in list does not scroll sideways at 320 px."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from events import attendance, services, surveys
from events.models import Event, Registration, Session
from geo.testing import load_test_territory
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.browser
R = Registration.Status


def assert_clean(page, where):
    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert not page.console_errors, f"{where} : {page.console_errors}"


@pytest.fixture
def network(transactional_db):
    load_test_territory(departements=["47"], insee_codes=[])
    department = OrganizationFactory(name="Département de démonstration")
    place = PlaceFactory(name="Médiathèque d'Agen", published=True, complete=True)
    coordinator = UserFactory(role=Role.COORDINATOR, organization=department, totp=True)
    return {"coordinator": coordinator, "place": place}


def test_a_training_from_registration_to_certificates(page, log_in_browser, network):
    coordinator = network["coordinator"]
    log_in_browser(coordinator)
    page.goto("/evenements/gestion/nouveau/")
    page.get_by_label("Type").select_option("training")
    page.get_by_label("Titre").fill("Accompagner les démarches CAF")
    page.get_by_label("Présentation").fill("Deux heures pour les aidants.")
    page.get_by_role("button", name="Créer l'événement").click()
    event = Event.objects.get()
    page.get_by_role("link", name="Ajouter une séance").click()
    page.get_by_label("Début").fill("2099-03-05T14:00")
    page.locator("select[name=place]").select_option(str(network["place"].pk))
    page.get_by_label("Places", exact=True).fill("2")
    page.get_by_role("button", name="Ajouter la séance").click()
    page.goto(f"/evenements/gestion/{event.pk}/")
    page.get_by_role("button", name="Publier").click()
    assert_clean(page, "formation publiée")
    session = Session.objects.get()

    # Three registrations: the public page for the first, the services for the two others.
    page.context.clear_cookies()
    page.goto(f"/evenements/seances/{session.pk}/inscription/")
    page.get_by_label("Votre prénom").fill("Ana")
    page.get_by_label("Votre adresse e-mail").fill("ana@example.org")
    page.wait_for_timeout(3200)  # the robot trap: a form sent in under 3 seconds is refused
    page.get_by_role("button", name="M'inscrire").click()
    assert "C'est confirmé" in page.content()
    assert page.get_by_role("img", name="Code QR à montrer à l'accueil").is_visible()
    assert_clean(page, "confirmation avec code QR")
    confirmation_url = page.url
    services.register(session, first_name="Bruno", last_name="Abel", email="bruno@example.org")
    third = services.register(session, first_name="Chloé", last_name="Zola", email="chloe@example.org")
    assert third.status == R.WAITLISTED
    page.goto(confirmation_url)
    page.get_by_role("link", name="Annuler mon inscription").click()
    page.get_by_role("button", name="Oui, annuler mon inscription").click()
    third.refresh_from_db()
    assert third.status == R.CONFIRMED  # promoted

    # The session took place.
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    log_in_browser(coordinator)
    page.goto(f"/evenements/gestion/seances/{session.pk}/")
    assert_clean(page, "séance avec présences et documents")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^feuille d'émargement")).first.click()
    assert download.value.suggested_filename == f"emargement-seance-{session.pk}.pdf"
    page.console_errors.clear()  # a download counts as a sub-resource that did not load
    page.get_by_role("link", name=re.compile("^Noter les présences")).click()
    assert_clean(page, "liste de pointage")
    page.get_by_label("ABEL Bruno").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    assert_clean(page, "présences enregistrées")
    assert "Présences enregistrées" in page.content()
    bruno = Registration.objects.get(email="bruno@example.org")
    assert bruno.attended is True and Registration.objects.get(pk=third.pk).attended is False

    # The QR code of Chloé, scanned by the organiser on her arrival (late).
    page.goto(attendance.check_in_path(third))
    assert_clean(page, "code QR scanné")
    page.get_by_role("button", name="Noter l'arrivée de ZOLA Chloé").click()
    assert Registration.objects.get(pk=third.pk).attended is True

    page.get_by_role("button", name="Envoyer les attestations").click()
    assert_clean(page, "attestations envoyées")
    assert "2 attestations envoyées" in page.content()
    assert sorted(m.to[0] for m in mail.outbox if "attestation" in m.subject.lower()) == [
        "bruno@example.org",
        "chloe@example.org",
    ]

    page.goto("/evenements/gestion/chiffres/")
    assert_clean(page, "chiffres")
    page.goto(f"/evenements/gestion/seances/{session.pk}/avis/")
    assert_clean(page, "avis des participants")
    page.goto("/evenements/gestion/accueil/")
    assert_clean(page, "accueil des séances")

    page.set_viewport_size(MOBILE)
    page.goto(f"/evenements/gestion/seances/{session.pk}/pointage/")
    assert_clean(page, "liste de pointage à 320 px")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]

    # The survey, public, by its link.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/evenements/avis/{surveys.token_for(bruno)}/")
    assert_clean(page, "questionnaire")
    page.get_by_role("button", name="Envoyer mon avis").click()
    assert_clean(page, "questionnaire avec erreurs")
    page.get_by_label("4 — Bien").check()
    page.get_by_label("Oui, beaucoup").check()
    page.get_by_label("Oui", exact=True).check()
    page.get_by_role("button", name="Envoyer mon avis").click()
    assert "Merci pour votre réponse" in page.content()
    assert_clean(page, "questionnaire envoyé")
