import pytest

from geo.testing import load_test_territory


@pytest.fixture
def territory(db):
    """The served département's communes (Lot-et-Garonne by default) and a few others (see geo.testing)."""
    return load_test_territory()
