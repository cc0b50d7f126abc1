from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"
# La Poste's head office keeps the ordinary Luhn key; its other establishments do not.
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"


def luhn_is_valid(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_complete(digits):
    """`digits` followed by the digit that makes the whole pass the Luhn checksum (for demo and test SIRETs)."""
    return next(digits + last for last in "0123456789" if luhn_is_valid(digits + last))


def validate_siret(value):
    """A SIRET is 14 digits (spaces allowed) passing the Luhn checksum. La Poste's establishments (SIREN 356000000)
    are the documented exception: the sum of their digits is a multiple of 5; the head office (35600000000048)
    follows Luhn."""
    compact = (value or "").replace(" ", "")
    if len(compact) != 14 or not compact.isdigit():
        raise ValidationError("Le SIRET doit compter exactement 14 chiffres.", code="siret_format")
    if compact.startswith(LA_POSTE_SIREN) and compact != LA_POSTE_HEAD_OFFICE_SIRET:
        valid = sum(int(c) for c in compact) % 5 == 0
    else:
        valid = luhn_is_valid(compact)
    if not valid:
        raise ValidationError(
            "Ce SIRET n'est pas valide : la clé de contrôle ne correspond pas. Vérifiez les 14 chiffres.",
            code="siret_checksum",
        )
