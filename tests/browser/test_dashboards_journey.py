"""Issue 10 in Chromium with axe: the coordinator opens the département's dashboard, filters it, downloads a table
(CSV and XLSX), shares it and revokes the link; then the coverage map and the yearly report."""

import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from geo.models import Commune
from geo.testing import load_test_territory
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.conftest import MOBILE
from tests.orientation.factories import DiagnosticTallyFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("DASHBOARDS_SCREENSHOTS")  # a folder, to look at the pages


def assert_clean(page, where):
    from tests.browser.axe import format_violations, run_axe

    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert not page.console_errors, f"{where} : {page.console_errors}"


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.fixture
def network(transactional_db):
    from django.core.cache import cache

    cache.clear()
    load_test_territory(departements=["47"], insee_codes=[])
    agen = Commune.objects.get(pk="47001")
    for commune_id in ("47001", "47323", "47157"):
        commune = Commune.objects.get(pk=commune_id)
        PlaceFactory(
            published=True,
            complete=True,
            latitude=commune.latitude,
            longitude=commune.longitude,
            commune=commune,
            is_network_member=True,
        )
    ReferralFactory.create_batch(6, closed=True)
    ReferralFactory.create_batch(3)
    DiagnosticTallyFactory(commune=agen, month=timezone.localdate().replace(day=1), count=12)
    yield {"coordinator": UserFactory(role=Role.COORDINATOR, organization=OrganizationFactory())}
    cache.clear()


def test_coordinator_dashboard_export_share_and_coverage_map(page, log_in_browser, network):
    log_in_browser(network["coordinator"])
    page.goto("/pilotage/")
    assert page.locator("h1").inner_text() == "Tableau de bord du département"
    assert page.locator(".key-figure", has_text="Orientations envoyées").locator("dd").first.inner_text() == "9"
    assert page.locator("svg.chart__svg").count() >= 3
    shot(page, "dashboard")
    assert_clean(page, "tableau de bord")
    page.set_viewport_size(MOBILE)
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    shot(page, "dashboard-mobile")
    page.set_viewport_size({"width": 1280, "height": 800})

    # Filter on one module: only the referrals remain.
    page.select_option("#id_module", "referrals")
    page.get_by_role("button", name="Afficher").click()
    assert page.locator("h2", has_text="Orientations et résultats").count() == 1
    assert page.locator("h2", has_text="Le réseau des lieux").count() == 0

    # The chart's data table is one click away, and each table downloads.
    page.get_by_text("Données du graphique « Orientations envoyées par mois »").click()
    assert page.locator("#donnees-referrals-by_month").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV — Orientations par statut").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Statut;Orientations"
    assert "Terminée;6" in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger tous les tableaux (XLSX)").click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "Orientations par statut" in workbook.sheetnames

    # Share it, open the link without an account, revoke it: 404.
    page.get_by_label("Nom du lien").fill("Comité de pilotage")
    page.get_by_role("button", name="Créer le lien").click()
    assert "Liens de partage" in page.locator("h1").inner_text()
    assert_clean(page, "liens de partage")
    shared_path = page.get_by_role("link", name="Ouvrir le lien « Comité de pilotage »").get_attribute("href")
    page.context.clear_cookies()
    page.goto(shared_path)
    assert page.locator("h1").inner_text() == "Chiffres du département"
    assert_clean(page, "tableau de bord partagé")
    log_in_browser(network["coordinator"])
    page.goto("/pilotage/partages/")
    page.get_by_role("button", name="Révoquer le lien « Comité de pilotage »").click()
    assert page.get_by_text("Révoqué le").count() == 1
    page.context.clear_cookies()
    assert page.goto(shared_path).status == 404
    page.console_errors.clear()

    # Coverage: the map of communes coloured by distance, with its legend and the table.
    log_in_browser(network["coordinator"])
    page.goto("/pilotage/couverture/")
    assert page.locator("svg.coverage-map__svg path").count() == 319
    assert page.locator(".map-legend li").count() == 6
    assert page.locator("#table-communes").is_visible()
    shot(page, "coverage")
    assert_clean(page, "couverture")
    page.set_viewport_size(MOBILE)
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    shot(page, "coverage-mobile")

    # The yearly report.
    page.goto("/pilotage/bilan/")
    assert page.locator("h1").inner_text().startswith("Bilan ")
    assert_clean(page, "bilan")
