"""How complete a place's record is for a visitor: a score out of 100 and, in French, what is missing. The weights
follow what a person needs to decide to go: what is offered, when, how to reach the place and how to get in."""

from dataclasses import dataclass

# (weight, what is checked, advice when missing). Weights add up to 100.
CHECKS = [
    (20, lambda p: bool(p.services), "Ajoutez les services proposés"),
    (15, lambda p: bool(p.opening_hours), "Ajoutez les horaires"),
    (15, lambda p: bool(p.phone or p.emails), "Ajoutez un téléphone ou une adresse e-mail"),
    (10, lambda p: p.latitude is not None and p.longitude is not None, "Placez le lieu sur la carte"),
    (10, lambda p: bool(p.summary), "Ajoutez une présentation courte"),
    (10, lambda p: bool(p.access_modes), "Indiquez comment venir (modalités d'accès)"),
    (10, lambda p: bool(p.fees), "Indiquez si l'accompagnement est gratuit ou payant"),
    (5, lambda p: bool(p.support_modes), "Indiquez les modalités d'accompagnement"),
    (5, lambda p: bool(p.accessibility_url), "Ajoutez le lien vers la fiche Accès libre (accessibilité)"),
]


@dataclass(frozen=True)
class Completeness:
    score: int
    missing: list


def assess(place):
    """The place's `Completeness`: score 0–100 and the list of advice for what is missing, most important first."""
    score = 0
    missing = []
    for weight, is_filled, advice in CHECKS:
        if is_filled(place):
            score += weight
        else:
            missing.append(advice)
    return Completeness(score, missing)


def score(place):
    return assess(place).score


def missing(place):
    return assess(place).missing
