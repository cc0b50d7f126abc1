"""The default CO2e factors: each one cites its ADEME study, its figure and the assumption; the data migration that
sourced them leaves alone a factor the coordination has edited; the settings page tells the coordination what a
factor means and what its source must say."""

import importlib
from decimal import Decimal

from django.apps import apps
from django.urls import reverse

from devices.models import CO2Factor
from tests.accounts.factories import UserFactory
from tests.roles import log_in

sourced = importlib.import_module("devices.migrations.0005_co2_factors_sourced_defaults")

DEFAULTS = {
    "laptop": Decimal("156.0"),
    "desktop": Decimal("169.0"),
    "tablet": Decimal("59.7"),
    "smartphone": Decimal("39.1"),
    "screen": Decimal("65.9"),
}


def test_every_default_factor_cites_its_study_figure_and_assumption():
    factors = {factor.kind: factor for factor in CO2Factor.objects.all()}
    assert {kind: factors[kind].kg_co2e for kind in DEFAULTS} == DEFAULTS
    for kind in DEFAULTS:
        source = factors[kind].source
        assert "vérifier" not in source
        assert "ADEME" in source and "impactco2.fr" in source
        assert f"{DEFAULTS[kind]:.1f}".removesuffix(".0").replace(".", ",") in source
        assert "Hypothèse : chaque appareil remis évite l'achat d'un appareil neuf" in source
    assert factors["other"].kg_co2e == 0


def test_the_migration_keeps_what_the_coordination_edited():
    CO2Factor.objects.filter(kind="laptop").update(kg_co2e=Decimal("156.0"), source=sourced.OLD_SOURCE)
    CO2Factor.objects.filter(kind="smartphone").update(kg_co2e=Decimal("32.0"), source="Étude de l'atelier, 2026")
    CO2Factor.objects.filter(kind="screen").update(kg_co2e=Decimal("90.0"), source=sourced.OLD_SOURCE)
    sourced.forward(apps, None)
    factors = {factor.kind: factor for factor in CO2Factor.objects.all()}
    assert factors["laptop"].source == sourced.source_of("laptop")
    assert (factors["smartphone"].kg_co2e, factors["smartphone"].source) == (
        Decimal("32.0"),
        "Étude de l'atelier, 2026",
    )
    assert (factors["screen"].kg_co2e, factors["screen"].source) == (Decimal("90.0"), sourced.OLD_SOURCE)


def test_the_migration_can_be_reversed_on_untouched_rows():
    sourced.backward(apps, None)
    factor = CO2Factor.objects.get(kind="tablet")
    assert (factor.kg_co2e, factor.source) == (Decimal("63.2"), sourced.OLD_SOURCE)
    sourced.forward(apps, None)
    assert CO2Factor.objects.get(kind="tablet").kg_co2e == Decimal("59.7")


def test_the_settings_page_explains_the_factor_and_its_source(client):
    log_in(client, UserFactory(coordinator=True, totp=True))
    page = client.get(reverse("devices:settings")).content.decode()
    assert "un appareil remis remplace un achat neuf" in page
    assert "le chiffre qu'elle donne et l'hypothèse retenue" in page
    assert "ADEME–Arcep" in page
