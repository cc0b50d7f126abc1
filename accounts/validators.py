from django.core.exceptions import ValidationError


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


def validate_siret(value):
    """A SIRET is 14 digits passing the Luhn checksum (La Poste's establishments are the documented exception:
    SIREN 356000000, whose SIRETs have a digit sum that is a multiple of 5)."""
    compact = (value or "").replace(" ", "")
    if len(compact) != 14 or not compact.isdigit():
        raise ValidationError("Le SIRET doit compter exactement 14 chiffres.", code="siret_format")
    if compact.startswith("356000000"):
        if sum(int(c) for c in compact) % 5 == 0:
            return
    elif luhn_is_valid(compact):
        return
    raise ValidationError(
        "Ce SIRET n'est pas valide : la clé de contrôle ne correspond pas. Vérifiez les 14 chiffres.",
        code="siret_checksum",
    )
