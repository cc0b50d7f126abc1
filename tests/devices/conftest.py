import importlib

import pytest
from django.apps import apps


def seed_defaults():
    """The default eligibility rules and CO2e factors of the data migration (a transactional test elsewhere may
    have flushed them)."""
    migration = importlib.import_module("devices.migrations.0002_default_rules_and_co2_factors")
    migration.seed(apps, None)


@pytest.fixture(autouse=True)
def _default_rules_and_factors(db):
    seed_defaults()
