import re

import opening_hours
from django.core.exceptions import ValidationError

PHONE_RE = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")
RNA_RE = re.compile(r"^W[0-9A-Z]{9}$")


def validate_opening_hours(value):
    """OpenStreetMap `opening_hours` syntax (e.g. « Mo-Fr 09:00-12:00,14:00-17:00; PH off »)."""
    if not value:
        return
    try:
        opening_hours.OpeningHours(value)
    except (opening_hours.ParserError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "Horaires illisibles : « %(value)s ». Utilisez la syntaxe OpenStreetMap, par exemple "
            "« Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off ».",
            code="opening_hours",
            params={"value": value},
        ) from error


def validate_phone(value):
    """International format without spaces, as the standard requires (« +33553000000 »)."""
    if value and not PHONE_RE.match(value):
        raise ValidationError(
            "Numéro de téléphone invalide : « %(value)s ». Format attendu : +33 suivi du numéro sans le 0 "
            "(ex. +33553000000).",
            code="phone",
            params={"value": value},
        )


def validate_rna(value):
    if value and not RNA_RE.match(value):
        raise ValidationError(
            "Numéro RNA invalide : « %(value)s ». Il commence par W suivi de 9 caractères.",
            code="rna",
            params={"value": value},
        )
