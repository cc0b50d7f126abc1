"""« Trouver de l'aide » at 320 px with the keyboard only: the four steps, an error on the way, the result, the list
sent by SMS; « Utiliser ma position »; axe finds nothing on any page, nothing scrolls sideways, no console error."""

import pytest

from core import sms
from geo.testing import load_test_territory
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.browser

MAX_TABS = 60


def tab_to(page, condition, what):
    """Press Tab until `condition` (JS, on document.activeElement as `el`) holds."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({condition}); }}"):
            return
    raise AssertionError(f"{what} : jamais atteint au clavier en {MAX_TABS} tabulations")


def assert_clean(page, where):
    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"], (
        f"{where} : défilement horizontal à 320 px"
    )
    assert not page.console_errors, f"{where} : {page.console_errors}"


def tick(page, value, what):
    tab_to(page, f"el.type === 'checkbox' && el.value === '{value}'", what)
    page.keyboard.press("Space")


def press_continue(page):
    tab_to(page, "el.type === 'submit' && el.textContent.trim() === 'Continuer'", "le bouton Continuer")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_whole_path_with_the_keyboard_at_320_px(page):
    load_test_territory(departements=["47"], insee_codes=[])
    PlaceFactory(
        published=True,
        complete=True,
        name="Médiathèque d'Agen",
        specific_support=["Déficience visuelle"],
        opening_hours="Tu 09:00-12:00",
    )
    PlaceFactory(published=True, complete=True, name="Atelier loisirs", services=["Loisirs et créations numériques"])
    sms.outbox.clear()
    page.set_viewport_size(MOBILE)
    page.goto("/trouver-de-l-aide/")
    assert_clean(page, "l'introduction")
    tab_to(page, "el.textContent.trim() === 'Commencer'", "le bouton Commencer")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Step 1: « Continuer » without an answer shows the error; then the need.
    assert page.locator(".guide__progress").inner_text() == "Étape 1 sur 4"
    assert_clean(page, "l'étape 1")
    press_continue(page)
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    assert_clean(page, "l'étape 1 en erreur")
    tick(page, "demarches", "la case « Faire une démarche en ligne »")
    press_continue(page)

    # Step 2: the commune through the autocomplete.
    assert page.locator(".guide__progress").inner_text() == "Étape 2 sur 4"
    assert_clean(page, "l'étape 2")
    tab_to(page, "el.name === 'commune'", "le champ commune")
    page.keyboard.type("Agen")
    page.locator("[role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("[name=commune]").input_value() == "Agen (47000)"
    press_continue(page)

    # Step 3: Tuesday morning.
    assert page.locator(".guide__progress").inner_text() == "Étape 3 sur 4"
    assert_clean(page, "l'étape 3")
    tick(page, "tu_morning", "la case mardi matin")
    press_continue(page)

    # Step 4: sight; then « Retour » keeps the answers.
    assert page.locator(".guide__progress").inner_text() == "Étape 4 sur 4"
    assert_clean(page, "l'étape 4")
    tab_to(page, "el.textContent.trim() === 'Retour'", "le lien Retour")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("input[value=tu_morning]").is_checked()
    press_continue(page)
    tick(page, "vue", "la case « Je vois mal »")
    press_continue(page)

    # The result.
    assert page.locator("h1").inner_text() == "Les lieux qui peuvent vous aider"
    places = page.locator(".guide-place")
    assert places.count() == 2
    first = places.first
    assert first.locator("h3").inner_text() == "Médiathèque d'Agen"
    assert "Accueille les personnes malvoyantes" in first.inner_text()
    assert "Mardi matin : oui" in first.inner_text()
    assert page.locator("[data-guide-print]").is_visible()
    assert_clean(page, "le résultat")

    # Send it by SMS.
    tab_to(page, "el.name === 'sms-phone'", "le champ du numéro")
    page.keyboard.type("06 12 34 56 78")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "vous allez recevoir la liste par SMS" in page.locator(".messages, [role=status], main").first.inner_text()
    assert [message.to for message in sms.outbox] == ["+33612345678"]
    assert_clean(page, "le résultat après l'envoi")
    sms.outbox.clear()


def test_use_my_position(page):
    load_test_territory(departements=["47"], insee_codes=[])
    page.context.grant_permissions(["geolocation"], origin=page.base_url)
    page.context.set_geolocation({"latitude": 44.2035, "longitude": 0.6165})
    try:
        page.set_viewport_size(MOBILE)
        page.goto("/trouver-de-l-aide/ou/?besoin=demarches")
        tab_to(page, "el.matches('[data-guide-locate]')", "le bouton « Utiliser ma position »")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/trouver-de-l-aide/quand/" in page.url
        assert "commune=Agen+%2847000%29" in page.url and "lat=" not in page.url
        assert_clean(page, "l'étape 3 après « Utiliser ma position »")
    finally:
        page.context.clear_permissions()


def test_unknown_commune_suggestions_are_clean(page):
    load_test_territory(departements=["47"], insee_codes=[])
    page.set_viewport_size(MOBILE)
    page.goto("/trouver-de-l-aide/ou/?besoin=demarches&commune=Nerak&valider=1")
    assert page.locator(".guide__suggestion-list a", has_text="Nérac (47600)").is_visible()
    assert_clean(page, "l'étape 2 avec des suggestions")
