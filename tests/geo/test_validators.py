import pytest
from django.core.exceptions import ValidationError

from geo.validators import validate_insee_code, validate_postal_code


@pytest.mark.parametrize("value", ["47000", "01400", "97400"])
def test_valid_postal_codes(value):
    validate_postal_code(value)


@pytest.mark.parametrize("value", ["4700", "470000", "47 000", "2A000", "", "abcde"])
def test_invalid_postal_codes(value):
    with pytest.raises(ValidationError, match="Le code postal doit compter 5 chiffres."):
        validate_postal_code(value)


@pytest.mark.parametrize("value", ["47001", "2A004", "2B033", "97411"])
def test_valid_insee_codes(value):
    validate_insee_code(value)


@pytest.mark.parametrize("value", ["4700", "2C004", "2A04", "2a004x", "", "ABCDE"])
def test_invalid_insee_codes(value):
    with pytest.raises(ValidationError, match="Le code INSEE doit compter 5 caractères"):
        validate_insee_code(value)
