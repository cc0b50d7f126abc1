import importlib

import pytest
from django.apps import apps


def seed_defaults():
    """The default eligibility rules and CO2e factors of the data migrations (a transactional test elsewhere may
    have flushed them): seeded by 0002, given their sources by 0005."""
    importlib.import_module("devices.migrations.0002_default_rules_and_co2_factors").seed(apps, None)
    importlib.import_module("devices.migrations.0005_co2_factors_sourced_defaults").forward(apps, None)


@pytest.fixture(autouse=True)
def _default_rules_and_factors(db):
    seed_defaults()
