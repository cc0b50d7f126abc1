"""The diagnostic at 320 px with the keyboard only: a first try without answers shows the errors, then twelve answers
and a commune through the autocomplete lead to the result and a suggested place; the professional's page with a
person is clean too. axe finds nothing on the way."""

import pytest

from geo.testing import load_test_territory
from orientation import diagnostic
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.conftest import MOBILE
from tests.browser.test_places_search import assert_clean, tab_to
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.browser


def submit(page, label):
    tab_to(page, f"el.type === 'submit' && el.textContent.trim() === {label!r}", f"le bouton « {label} »")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer(page, code, presses_down):
    """Tab into the question's radio group, then pick an answer: Space takes the first (« Oui, seul(e) »), each
    ArrowDown the next one."""
    tab_to(page, f"el.type === 'radio' && el.name === {code!r}", f"la question {code}")
    if presses_down:
        for _ in range(presses_down):
            page.keyboard.press("ArrowDown")
    else:
        page.keyboard.press("Space")


def test_public_diagnostic_with_the_keyboard_at_320_px(page):
    load_test_territory(departements=["47"], insee_codes=[])
    PlaceFactory(
        published=True, complete=True, name="Espace numérique d'Agen", services=["Utilisation sécurisée du numérique"]
    )
    page.set_viewport_size(MOBILE)
    page.goto("/diagnostic/")
    assert_clean(page, "/diagnostic/")
    height = "() => document.querySelector('label[for=id_turn_on_0]').getBoundingClientRect().height"
    assert page.evaluate(height) >= 44, "chaque réponse doit être une grande cible (44 px au moins)"

    submit(page, "Voir mon résultat")
    assert page.locator(".error-summary h2").inner_text() == "Le formulaire contient 12 erreurs"
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    assert_clean(page, "/diagnostic/ avec les erreurs")

    # Everything alone, except help for a fake message and « Non » for FranceConnect.
    choices = {"spot_scam": 1, "franceconnect": 2}
    for code in diagnostic.QUESTION_CODES:
        answer(page, code, choices.get(code, 0))
    tab_to(page, "el.name === 'commune'", "le champ commune")
    page.keyboard.type("Agen")
    page.locator("[role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("[name=commune]").input_value() == "Agen (47000)"
    submit(page, "Voir mon résultat")

    assert "/diagnostic/resultat/?" in page.url
    assert page.locator("h1").inner_text() == "Votre résultat : niveau avancé"
    assert page.get_by_text("Reconnaître un message frauduleux").is_visible()
    assert page.get_by_text("Utiliser FranceConnect").is_visible()
    assert_clean(page, "le résultat")

    tab_to(page, "el.tagName === 'A' && el.textContent.trim() === \"Espace numérique d'Agen\"", "le lieu proposé")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Espace numérique d'Agen"

    # « Modifier mes réponses » gives the questionnaire back, filled in.
    page.go_back()
    tab_to(
        page, "el.tagName === 'A' && el.textContent.trim() === 'Modifier mes réponses'", "« Modifier mes réponses »"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("input[name=franceconnect][value=no]").is_checked()
    assert page.locator("[name=commune]").input_value() == "Agen (47000)"


def test_the_professional_page_is_clean_at_320_px(page, log_in_browser):
    load_test_territory(departements=[], insee_codes=["47001"])
    organization = OrganizationFactory()
    mediator = UserFactory(mediator=True, organization=organization)
    person = PersonFactory(involved=organization)
    log_in_browser(mediator)
    page.set_viewport_size(MOBILE)
    page.goto(f"/personnes/{person.pk}/diagnostic/")
    assert_clean(page, "le diagnostic avec une personne")
    submit(page, "Joindre le diagnostic à la fiche")
    assert page.locator(".error-summary h2").inner_text() == "Le formulaire contient 14 erreurs"
    assert_clean(page, "le diagnostic avec une personne, avec les erreurs")
