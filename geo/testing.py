"""Territory data for tests: a quick load of a few communes from the shipped files (geo/data/).

    from geo.testing import load_test_territory
    load_test_territory()                          # the served département + a few well-known communes elsewhere
    load_test_territory(departements=[], insee_codes=["47001"])   # only Agen

The files are parsed once per process (about 0.2 s) and cached; each call then writes only the rows it needs
(the 319 communes of Lot-et-Garonne take a few tens of milliseconds on SQLite), so it fits a function-scoped fixture.
"""

from django.conf import settings

from geo.loading import DATA_DIR, load_territory

# Communes outside the served département that tests rely on: big cities, Corsica (2A/2B codes), shared names.
EXTRA_INSEE_CODES = (
    "75056",  # Paris
    "13055",  # Marseille
    "33063",  # Bordeaux
    "2A004",  # Ajaccio
    "2B033",  # Bastia
    "12001",  # Agen-d'Aveyron
    "07297",  # Saint-Sylvestre (Ardèche)
    "74254",  # Saint-Sylvestre (Haute-Savoie)
    "87183",  # Saint-Sylvestre (Haute-Vienne)
    "31496",  # Sainte-Livrade (Haute-Garonne)
)


def load_test_territory(*, departements=None, insee_codes=EXTRA_INSEE_CODES, data_dir=DATA_DIR):
    """Load the communes of `departements` (default: the served one) plus `insee_codes`; return the LoadReport."""
    if departements is None:
        departements = [settings.PLATFORM_DEPARTEMENT]
    return load_territory(data_dir, departements=list(departements), insee_codes=list(insee_codes))
