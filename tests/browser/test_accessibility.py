"""axe-core (WCAG 2.1 A and AA) on every page of the site, in Debian's Chromium, at 1280 px and 320 px.

The pages are those of the URL walker (`tests/site_map.py`): public ones as anonymous, every one as a
coordinator, a mediator, a prescriber and a workshop member (navigation, content and forms depend on the role).
Zero violations, no horizontal scroll at 320 px, no console error (a CSP violation shows up there).
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from tests import site_map
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.roles import ANONYMOUS, create_user_with_role

pytestmark = pytest.mark.browser

BROWSER_ROLES = [ANONYMOUS, "coordinator", "mediator", "prescriber", "refurbisher"]
CASES = [
    pytest.param(route, role, id=f"{route.name}-{role}")
    for route in site_map.html_routes()
    for role in BROWSER_ROLES
    # Anonymous visitors of a private page only see the login page, checked on its own.
    if role != ANONYMOUS or route.is_public
]


def check_page(page, where):
    """axe at the current width, then at 320 px (with the horizontal scroll check)."""
    problems = []
    violations = run_axe(page)
    if violations:
        problems.append(f"axe à {page.viewport_size['width']} px :\n{format_violations(violations)}")
    page.set_viewport_size(MOBILE)
    violations = run_axe(page)
    if violations:
        problems.append(f"axe à 320 px :\n{format_violations(violations)}")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > MOBILE["width"]:
        problems.append(f"défilement horizontal à 320 px (largeur du document : {scroll_width} px)")
    if page.console_errors:
        problems.append("erreurs dans la console :\n" + "\n".join(f"    {error}" for error in page.console_errors))
    assert not problems, f"{where} :\n" + "\n".join(problems)


@pytest.mark.parametrize(("route", "role"), CASES)
def test_page_has_no_accessibility_violation(page, log_in_browser, route, role):
    user = None
    if role != ANONYMOUS:
        user = create_user_with_role(role)
        log_in_browser(user)
    path = site_map.url_for(route, user)
    response = page.goto(path)
    assert response is not None and response.status < 500, f"{path} : statut {response and response.status}"
    if user is not None and route.name != settings.LOGIN_URL:
        # The session cookie must have worked (the live server sees the test's data).
        assert not page.url.split("?")[0].endswith(resolve_url(settings.LOGIN_URL)), f"{path} : renvoyé à la connexion"
    check_page(page, f"{path} en tant que {role} (statut {response.status})")


def test_form_with_errors_has_no_accessibility_violation(page):
    """The style guide's demo form posted empty: error summary, invalid fields and their messages."""
    page.goto("/styleguide/")
    form = page.locator("form[method=post i]").filter(has=page.locator("[name=postal_code]"))
    # form.submit() skips the browser's own validation (`required`), as a browser without it would.
    with page.expect_navigation():
        form.evaluate(
            "(form) => { form.querySelectorAll('input[type=text], textarea').forEach((f) => { f.value = ''; });"
            " form.submit(); }"
        )
    assert page.locator("[aria-invalid=true]").count() > 0, "le formulaire renvoyé n'affiche aucune erreur"
    check_page(page, "/styleguide/ après un envoi vide")


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName, href: document.activeElement.getAttribute('href')})"
    )
    main_id = page.evaluate("() => document.querySelector('main').id")
    assert focused == {"tag": "A", "href": f"#{main_id}"}, f"premier arrêt de tabulation : {focused}"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"


def test_axe_catches_a_known_fault(browser):
    """Control: axe really runs and reports an unlabelled field and a missing language."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            "<!DOCTYPE html><html><head><title>Témoin</title></head>"
            "<body><main><h1>Témoin</h1><form><input type='text' name='nom'></form></main></body></html>"
        )
        found = {violation["id"] for violation in run_axe(page)}
    finally:
        context.close()
    assert {"label", "html-has-lang"} <= found, found
