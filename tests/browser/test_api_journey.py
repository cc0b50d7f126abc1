"""Issue 10 (API) end to end, in Chromium with axe on every page: the coordinator creates a token for a partner's
system (the secret is shown once), the partner's system reads its figures with it, the coordinator revokes it and
the next call answers 401. The public documentation and open-data pages pass axe at 320 px."""

import re

import pytest

from accounts.models import Role
from api.models import ApiToken, hash_secret
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.browser


def assert_clean(page, where):
    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert not page.console_errors, f"{where} : {page.console_errors}"


def test_a_token_is_created_used_and_revoked_in_the_browser(page, log_in_browser, transactional_db):
    partner = OrganizationFactory(name="Communauté de communes du Confluent", is_partner=True)
    coordinator = UserFactory(role=Role.COORDINATOR, totp=True)
    PlaceFactory(published=True, complete=True)
    log_in_browser(coordinator)

    page.goto("/api/jetons/")
    assert_clean(page, "jetons (vide)")
    page.get_by_role("link", name="Créer un jeton").click()
    assert_clean(page, "nouveau jeton")
    page.get_by_role("button", name="Créer le jeton").click()
    assert_clean(page, "nouveau jeton avec erreurs")
    assert "Le formulaire contient" in page.content()
    page.get_by_label("Organisation").select_option(label=partner.name)
    page.get_by_label("Nom du jeton").fill("SIG de la communauté")
    page.get_by_label("Lire les chiffres agrégés").check()
    page.get_by_role("button", name="Créer le jeton").click()
    assert_clean(page, "jeton créé")
    secret = page.get_by_label("Secret du jeton").input_value()
    token = ApiToken.objects.get()
    assert token.secret_hash == hash_secret(secret) and token.organization == partner

    figures = page.request.get("/api/v1/chiffres/", headers={"Authorization": f"Bearer {secret}"})
    assert figures.status == 200 and figures.json()["organisation"] == partner.name

    page.goto("/api/jetons/")
    assert_clean(page, "jetons")
    assert secret not in page.content()
    page.get_by_role("button", name=re.compile("Révoquer")).click()
    assert_clean(page, "jeton révoqué")
    assert "est révoqué" in page.content()
    refused = page.request.get("/api/v1/chiffres/", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401 and refused.json()["erreur"]["code"] == "jeton_revoque"

    page.context.clear_cookies()
    page.set_viewport_size(MOBILE)
    for path in ("/api/", "/api/donnees/"):
        page.goto(path)
        assert_clean(page, f"{path} à 320 px")
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"], f"{path} déborde à 320 px"
    assert page.get_by_role("link", name="Lieux de médiation numérique (CSV)").is_visible()
