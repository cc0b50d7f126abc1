"""Browser fixtures: one headless Debian Chromium per test session (per xdist worker), driven by Playwright,
against pytest-django's live server."""

import os

import pytest

CHROMIUM_PATH = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 320, "height": 640}


@pytest.fixture(scope="session")
def browser(live_server):
    # Depends on live_server so that Chromium (and its keep-alive connections) closes before the server stops.
    if not os.path.exists(CHROMIUM_PATH):
        pytest.fail(f"Chromium introuvable ({CHROMIUM_PATH}) : lancez « make test » ou scripts/ensure-chromium.sh.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _shared_page(browser, live_server):
    """One context and one page for the whole session: the renderer keeps axe-core compiled and the static
    files cached, which makes each test several times faster. `page` resets it for every test."""
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []

    def on_console(message):
        # A failed resource is reported below with its URL; the page itself may answer 403 or 404 on purpose.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.console_errors.append(message.text)

    def on_response(response):
        if response.request.resource_type != "document" and response.status >= 400:
            page.console_errors.append(f"{response.status} sur {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"erreur JavaScript : {error}"))
    page.on("response", on_response)

    def on_request_failed(request):
        # A navigation cancels the previous page's pending requests (net::ERR_ABORTED): not a fault of the page.
        if request.failure != "net::ERR_ABORTED":
            page.console_errors.append(f"échec du chargement de {request.url} ({request.failure})")

    page.on("requestfailed", on_request_failed)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def page(_shared_page):
    """The session's page, on a blank document, without cookies, at desktop width. `page.console_errors`
    collects the console errors (CSP violations included), JavaScript errors and failed sub-resources;
    `page.base_url` is the live server's address."""
    page = _shared_page
    page.goto("about:blank")
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    page.console_errors.clear()
    yield page
    page.goto("about:blank")
    page.context.clear_cookies()


@pytest.fixture
def log_in_browser(page, live_server):
    """`log_in_browser(user)`: puts a logged-in (and, when needed, OTP-verified) session cookie in the page's
    context."""
    from django.conf import settings

    from tests.roles import session_cookie_for

    def log_in(user):
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_for(user), "url": live_server.url}]
        )

    return log_in
