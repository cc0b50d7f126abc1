import re

from django.core.exceptions import ValidationError

POSTAL_CODE_MESSAGE = "Le code postal doit compter 5 chiffres."
INSEE_CODE_MESSAGE = (
    "Le code INSEE doit compter 5 caractères : le numéro du département (2 chiffres, ou 2A, 2B pour la Corse) "
    "puis 3 chiffres."
)


def validate_postal_code(value):
    """A French postal code: exactly 5 digits ("47000")."""
    if not re.fullmatch(r"\d{5}", value or ""):
        raise ValidationError(POSTAL_CODE_MESSAGE, code="postal_code_format")


def validate_insee_code(value):
    """A commune's INSEE code: 5 digits, or 2A/2B followed by 3 digits for Corsica ("47001", "2A004")."""
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", value or ""):
        raise ValidationError(INSEE_CODE_MESSAGE, code="insee_code_format")
