import doctest

import pytest

import geo.distance
import geo.text
from geo.distance import distance_km
from geo.text import normalize_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Sylvestre-sur-Lot", "saint sylvestre sur lot"),
        ("st sylvestre", "saint sylvestre"),
        ("STE-LIVRADE-SUR-LOT", "sainte livrade sur lot"),
        ("Sainte-Livrade", "sainte livrade"),
        ("  Agen  ", "agen"),
        ("Lédat", "ledat"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("Saint-Étienne", "saint etienne"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name(text, expected):
    assert normalize_name(text) == expected


def test_agen_to_villeneuve_sur_lot_is_about_24_km():
    agen = (44.203233, 0.615525)
    villeneuve = (44.407126, 0.703561)
    assert distance_km(agen, villeneuve) == pytest.approx(23.7, abs=0.1)
    assert distance_km(villeneuve, agen) == pytest.approx(distance_km(agen, villeneuve))


def test_distance_paris_marseille():
    assert distance_km((48.8566, 2.3522), (43.2965, 5.3698)) == pytest.approx(661, abs=5)


def test_distance_to_itself_is_zero_and_missing_point_is_none():
    assert distance_km((44.2, 0.6), (44.2, 0.6)) == 0
    assert distance_km(None, (44.2, 0.6)) is None
    assert distance_km((None, None), (44.2, 0.6)) is None


@pytest.mark.parametrize("module", [geo.distance, geo.text])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0
    assert result.attempted > 0
