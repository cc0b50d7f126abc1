import pytest
from django.core.exceptions import ValidationError

from accounts.validators import validate_siret


@pytest.mark.parametrize("siret", ["73282932000074", "13002526500013", "732 829 320 00074"])
def test_valid_sirets(siret):
    validate_siret(siret)


@pytest.mark.parametrize("siret", ["35600000049837", "35600000000001", "35600000000048"])
def test_la_poste_sirets(siret):
    """La Poste (SIREN 356000000): an establishment's digits add up to a multiple of 5 (Luhn does not apply);
    the head office, 35600000000048, keeps the Luhn key."""
    validate_siret(siret)


@pytest.mark.parametrize(
    "siret, message",
    [
        ("73282932000075", "la clé de contrôle ne correspond pas"),
        ("35600000000014", "la clé de contrôle ne correspond pas"),  # La Poste: digits add up to 19
        ("35600000000030", "la clé de contrôle ne correspond pas"),  # passes Luhn, but La Poste's rule applies
        ("7328293200007", "exactement 14 chiffres"),
        ("732829320000745", "exactement 14 chiffres"),
        ("7328293200007A", "exactement 14 chiffres"),
        ("", "exactement 14 chiffres"),
    ],
)
def test_invalid_sirets_get_a_french_message(siret, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)
