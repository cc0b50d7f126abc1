import pytest
from django.core.cache import cache

from geo.testing import load_test_territory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboards cache their figures for a few minutes: each test starts and ends with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def territory(db):
    """The served département's communes (Lot-et-Garonne by default) and a few others (see geo.testing)."""
    return load_test_territory()
