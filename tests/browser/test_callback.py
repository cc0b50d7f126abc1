"""« Être rappelé » at 320 px with the keyboard only: a first try shows the errors beside the fields and in the
summary, then the person fills in the form and gets the reference of the request, which is in the coordination's
queue. axe finds nothing on the way."""

import pytest

from geo.testing import load_test_territory
from referrals.models import Referral
from tests.browser.conftest import MOBILE
from tests.browser.test_diagnostic import submit
from tests.browser.test_places_search import assert_clean, tab_to

pytestmark = pytest.mark.browser


def type_into(page, name, text):
    tab_to(page, f"el.name === {name!r}", f"le champ {name}")
    page.keyboard.type(text)


def test_ask_to_be_called_back_with_the_keyboard_at_320_px(page, settings):
    settings.CALLBACK_MIN_FILL_SECONDS = 0
    settings.PLATFORM_CONTACT_PHONE = "01 99 00 00 00"
    load_test_territory(departements=["47"], insee_codes=[])
    page.set_viewport_size(MOBILE)
    page.goto("/etre-rappele/")
    assert_clean(page, "/etre-rappele/")

    submit(page, "Envoyer ma demande")
    assert page.locator(".error-summary").is_visible()
    assert_clean(page, "/etre-rappele/ avec les erreurs")

    page.locator("h1").focus()
    type_into(page, "first_name", "Josiane")
    type_into(page, "phone", "06 12 34 56 78")
    type_into(page, "commune", "Agen")
    page.locator("[role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    tab_to(page, "el.type === 'radio' && el.name === 'need'", "le besoin")
    page.keyboard.press("Space")
    tab_to(page, "el.name === 'consent'", "le consentement")
    page.keyboard.press("Space")
    submit(page, "Envoyer ma demande")

    referral = Referral.objects.get()
    assert page.locator("h1").inner_text() == "Merci, votre demande est envoyée"
    assert "Josiane" not in page.url
    assert referral.reference in page.content()
    assert_clean(page, "confirmation")
    assert list(Referral.objects.to_network()) == [referral] and referral.is_callback
