"""The public finds a place at 320 px with the keyboard only: search « Agen », tick a filter, open a result; axe
finds nothing on the way."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from geo.testing import load_test_territory
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.browser

MAX_TABS = 80
FAKE_TILES = "/static/vendor/leaflet/images/layers.png?"


def tab_to(page, condition, what):
    """Press Tab until `condition` (JS, on document.activeElement as `el`) holds."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({condition}); }}"):
            return
    raise AssertionError(f"{what} : jamais atteint au clavier en {MAX_TABS} tabulations")


MAP_IDLE = "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')"


def open_cluster_with_the_keyboard(page, attempts=3):
    """Tab to the cluster and press Enter: the map zooms in and the cluster opens into its markers. Leaflet redraws
    clusters when a zoom animation ends, which can replace the focused element: wait for an idle map, and try
    again (bounded) if the Enter fell on a replaced element."""
    for _ in range(attempts):
        page.wait_for_function(MAP_IDLE)
        page.locator("[data-map-canvas]").focus()
        tab_to(page, "el.classList.contains('place-map__cluster')", "le groupe de repères")
        page.keyboard.press("Enter")
        try:
            page.wait_for_function("() => document.querySelectorAll('.place-map__cluster').length === 0", timeout=5000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("Entrée sur le groupe de repères n'a pas ouvert le groupe")


def assert_clean(page, where):
    # Leaflet cancels the tiles still loading when the zoom changes: those aborted requests are not faults.
    page.console_errors[:] = [error for error in page.console_errors if FAKE_TILES not in error]
    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"], (
        f"{where} : défilement horizontal à 320 px"
    )
    assert not page.console_errors, f"{where} : {page.console_errors}"


def test_find_a_place_with_the_keyboard_at_320_px(page):
    load_test_territory(departements=["47"], insee_codes=[])
    PlaceFactory(
        published=True,
        complete=True,
        name="Médiathèque d'Agen",
        services=["Aide aux démarches administratives"],
    )
    PlaceFactory(
        published=True,
        complete=True,
        name="Atelier loisirs",
        services=["Loisirs et créations numériques"],
    )
    page.set_viewport_size(MOBILE)
    page.goto("/lieux/")
    assert_clean(page, "/lieux/ sans recherche")

    # The commune, through the autocomplete.
    tab_to(page, "el.name === 'commune'", "le champ commune")
    page.keyboard.type("Agen")
    page.locator("[role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("[name=commune]").input_value() == "Agen (47000)"

    # A filter: open the « Services » group and tick the first service.
    tab_to(page, "el.tagName === 'SUMMARY' && el.textContent.trim().startsWith('Services')", "le groupe Services")
    page.keyboard.press("Enter")
    tab_to(page, "el.type === 'checkbox' && el.value === 'Aide aux démarches administratives'", "la case du service")
    page.keyboard.press("Space")
    tab_to(page, "el.type === 'submit' && el.textContent.trim() === 'Rechercher'", "le bouton Rechercher")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "services=Aide+aux+d%C3%A9marches+administratives" in page.url
    assert page.locator(".place-results h2").inner_text() == "1 lieu à moins de 20 km d'Agen"
    assert page.locator(".place-result").count() == 1
    assert page.locator("input[value='Aide aux démarches administratives']").is_checked()
    assert_clean(page, "/lieux/ avec des résultats")

    # Open the result.
    tab_to(page, "el.closest('.place-result') && el.tagName === 'A'", "le lien du résultat")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Médiathèque d'Agen"
    assert_clean(page, "la fiche du lieu")

    # Back to the results: the criteria are still there.
    page.go_back()
    assert page.locator("input[value='Aide aux démarches administratives']").is_checked()


def test_map_loads_on_demand_and_works_with_the_keyboard(page, settings):
    # Tiles from the live server itself: nothing leaves the machine, and the CSP ('self') allows them.
    settings.MAP_TILE_URL = FAKE_TILES + "{z}/{x}/{y}"
    load_test_territory(departements=["47"], insee_codes=[])
    places = [
        PlaceFactory(published=True, complete=True, latitude=44.2033 + index * 0.001, longitude=0.6163)
        for index in range(3)
    ]
    page.set_viewport_size(MOBILE)
    page.goto("/lieux/?commune=Agen")
    assert page.evaluate("() => typeof window.L") == "undefined", "Leaflet ne doit pas être chargé d'emblée"
    tab_to(page, "el.matches('[data-map-show]')", "le bouton « Voir la carte »")
    page.keyboard.press("Enter")
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-marker-icon").count() == len(places)
    assert page.evaluate("() => document.activeElement.matches('[data-map-canvas]')")
    assert_clean(page, "/lieux/ avec la carte")

    # Zoomed out with the keyboard, the close places gather into a cluster: a named button that zooms back in.
    for _ in range(4):
        page.keyboard.press("Minus")
    cluster = page.locator(".place-map__cluster", has_text="3 lieux proches")
    cluster.wait_for()
    assert_clean(page, "/lieux/ avec un groupe de repères")
    open_cluster_with_the_keyboard(page)
    page.locator("[data-map-canvas]").focus()

    tab_to(page, "el.classList.contains('leaflet-marker-icon')", "un repère de la carte")
    marker_name = page.evaluate("() => document.activeElement.alt")
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert page.evaluate("() => document.activeElement.closest('.leaflet-popup') !== null")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert marker_name.startswith(page.locator("h1").inner_text())


def test_around_me_uses_the_browser_position(page):
    load_test_territory(departements=["47"], insee_codes=[])
    PlaceFactory(published=True, complete=True, name="Espace proche")
    page.context.grant_permissions(["geolocation"], origin=page.base_url)
    page.context.set_geolocation({"latitude": 44.2035, "longitude": 0.6165})
    try:
        page.set_viewport_size(MOBILE)
        page.goto("/lieux/?commune=Nérac")
        tab_to(page, "el.matches('[data-locate]')", "le bouton « Autour de moi »")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "lat=44.20" in page.url and "lon=0.61" in page.url and "lat=44.2035" not in page.url  # about 100 m
        assert page.locator("[name=commune]").input_value() == ""
        assert page.locator(".place-results h2").inner_text() == "1 lieu à moins de 20 km de votre position"
        assert_clean(page, "/lieux/ autour de ma position")
    finally:
        page.context.clear_permissions()
