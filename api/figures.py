"""The aggregated figures given to partners' systems (API) and in the quarterly reports: the sections of the
dashboards registry for one organisation and period, small counts always masked (fewer than 5 → « moins de 5 »).

Scope: the token's (or report's) organisation. The département's coordination (an organisation with a coordinator
among its members) gets the whole network's figures, still masked.
"""

import datetime as dt
from decimal import Decimal

from accounts.models import Role
from dashboards import masking, registry

MASKED_LABEL = masking.Masked.label


def default_period(today=None):
    """From the 1st of January of this year to today."""
    today = today or dt.date.today()
    return today.replace(month=1, day=1), today


def is_coordination(organization):
    return organization.memberships.filter(role=Role.COORDINATOR).exists()


def scope_for(organization, *, start, end, communes=None):
    return registry.Scope(
        start=start,
        end=end,
        communes=tuple(communes) if communes else None,
        organization=None if is_coordination(organization) else organization,
    )


def masked_sections(scope, modules=None):
    return masking.mask_sections(registry.collect(scope, modules))


def _plain(value):
    """A JSON value: numbers stay numbers (Decimal → float), dates ISO, anything else text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _value(value):
    if isinstance(value, masking.Masked):
        return {"valeur": None, "masque": True}
    return {"valeur": _plain(value), "masque": False}


def _cell(value):
    return MASKED_LABEL if isinstance(value, masking.Masked) else _plain(value)


def section_to_json(section):
    return {
        "cle": section.key,
        "titre": section.title,
        "chiffres": [
            {"cle": f.key, "libelle": f.label, "type": f.kind, **_value(f.value), "aide": f.help}
            for f in section.figures
        ],
        "series": [
            {
                "cle": s.key,
                "titre": s.title,
                "type": s.kind,
                "libelle_valeur": s.value_label,
                "points": [{"libelle": str(_plain(label)), **_value(value)} for label, value in s.points],
            }
            for s in section.series
        ],
        "tableaux": [
            {
                "cle": t.key,
                "titre": t.title,
                "entetes": [str(heading) for heading in t.headings],
                "lignes": [[_cell(cell) for cell in row] for row in t.rows],
            }
            for t in section.tables
        ],
        "notes": [str(note) for note in section.notes],
    }


def figures_for(organization, *, start=None, end=None, communes=None, modules=None):
    """The JSON document of /api/v1/chiffres/."""
    default_start, default_end = default_period()
    start, end = start or default_start, end or default_end
    scope = scope_for(organization, start=start, end=end, communes=communes)
    return {
        "organisation": organization.name,
        "perimetre": "reseau" if scope.organization is None else "organisation",
        "du": start.isoformat(),
        "au": end.isoformat(),
        "seuil_masquage": masking.THRESHOLD,
        "sections": [section_to_json(section) for section in masked_sections(scope, modules)],
    }
