"""Figures for organisers and partners: registrations, attendance rate, no-shows and waiting list, grouped by
session (each relay site on its own line), by place, by organisation or by commune; CSV and XLSX exports.

Rules:
- Organisers (organisation admins) count the events of their organisation; coordinators, administrators and
  partner viewers every event of the département except drafts. Partner viewers see aggregates only: no name, no
  link to the organisers' pages.
- « Inscrits » are the confirmed registrations; « présents » those marked present; « absents » the confirmed
  registrations of sessions already started not marked present (an attendance not recorded counts as absent, so
  hosts record it); the attendance rate is présents ÷ confirmed registrations of sessions already started.
- One aggregate query per table (conditional counts grouped in the database).
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role
from events import permissions
from events.models import Event, Registration

R = Registration.Status


def can_read_figures(user):
    """Organisers (`can_manage_events`) and partner viewers."""
    if not user.is_authenticated:
        return False
    return permissions.can_manage_events(user) or user.has_role(Role.PARTNER_VIEWER)


def sees_names(user):
    """Partner viewers see aggregates only; organisers may follow a session line to its page."""
    return permissions.can_manage_events(user)


def registrations_for(user):
    if permissions.sees_whole_departement(user) or (
        user.has_role(Role.PARTNER_VIEWER) and not permissions.can_manage_events(user)
    ):
        events = Event.objects.exclude(status=Event.Status.DRAFT)
    else:
        events = Event.objects.managed_by(user).exclude(status=Event.Status.DRAFT)
    return Registration.objects.filter(session__event__in=events)


@dataclass(frozen=True)
class Grouping:
    label: str  # shown in the form and as the first column
    keys: dict  # name → expression, grouped on
    order: tuple


ONLINE = "En ligne"
ON_SITE = "Sur place"
GROUPINGS = {
    "seance": Grouping(
        "Séance (et lieu relais)",
        {
            "session_id": F("session_id"),
            "starts_at": F("session__starts_at"),
            "event_title": F("session__event__title"),
            "session_title": F("session__title"),
            "pool": Coalesce(F("relay_site__place__name"), Value("")),
        },
        ("-starts_at", "session_id", "pool"),
    ),
    "lieu": Grouping(
        "Lieu (lieu de la séance ou lieu relais)",
        {"name": Coalesce(F("relay_site__place__name"), F("session__place__name"), Value(ONLINE))},
        ("name",),
    ),
    "organisation": Grouping("Organisation", {"name": F("session__event__organizer__name")}, ("name",)),
    "commune": Grouping(
        "Commune",
        {"name": Coalesce(F("relay_site__place__commune_name"), F("session__place__commune_name"), Value(ONLINE))},
        ("name",),
    ),
}
DEFAULT_GROUPING = "seance"


def _measures(now):
    started = Q(session__starts_at__lte=now)
    confirmed = Q(status=R.CONFIRMED)
    return {
        "registered": Count("pk", filter=confirmed),
        "present": Count("pk", filter=confirmed & Q(attended=True)),
        "started_confirmed": Count("pk", filter=confirmed & started),
        "no_shows": Count("pk", filter=confirmed & started & ~Q(attended=True)),
        "waitlisted": Count("pk", filter=Q(status=R.WAITLISTED)),
        "cancelled": Count("pk", filter=Q(status=R.CANCELLED)),
    }


def filtered(registrations, *, date_from=None, date_to=None, kind=""):
    if date_from:
        registrations = registrations.filter(session__starts_at__date__gte=date_from)
    if date_to:
        registrations = registrations.filter(session__starts_at__date__lte=date_to)
    if kind:
        registrations = registrations.filter(session__event__kind=kind)
    return registrations


def table(registrations, grouping, *, now=None):
    """A QuerySet of dicts: the grouping's keys and the measures, in the grouping's order."""
    now = now or timezone.now()
    spec = GROUPINGS[grouping]
    return (
        registrations.order_by()
        .annotate(**{f"g_{name}": expression for name, expression in spec.keys.items()})
        .values(*[f"g_{name}" for name in spec.keys])
        .annotate(**_measures(now))
        .order_by(*[f"-g_{key[1:]}" if key.startswith("-") else f"g_{key}" for key in spec.order])
    )


def totals(registrations, *, now=None):
    return registrations.aggregate(**_measures(now or timezone.now()))


def rate(row):
    """Attendance rate in percent (présents ÷ confirmed of sessions already started), or None."""
    started = row["started_confirmed"]
    return round(100 * row["present"] / started) if started else None


def row_label(row, grouping):
    if grouping == "seance":
        when = timezone.localtime(row["g_starts_at"]).strftime("%d/%m/%Y %H:%M")
        title = row["g_session_title"] or row["g_event_title"]
        return f"{title} — {when}"
    return row["g_name"]


def pool_label(row):
    return row.get("g_pool") or ON_SITE


HEADER = ["Inscrits (confirmés)", "Présents", "Absents", "Taux de présence (%)", "Liste d'attente", "Annulations"]


def _values(row):
    value = rate(row)
    return [
        row["registered"],
        row["present"],
        row["no_shows"],
        "" if value is None else value,
        row["waitlisted"],
        row["cancelled"],
    ]


def rows_for_export(registrations, grouping, *, now=None):
    """(header, rows) with the total line last."""
    spec = GROUPINGS[grouping]
    header = [spec.label] + (["Lieu relais"] if grouping == "seance" else []) + HEADER
    rows = []
    for row in table(registrations, grouping, now=now):
        rows.append([row_label(row, grouping)] + ([pool_label(row)] if grouping == "seance" else []) + _values(row))
    total = totals(registrations, now=now)
    rows.append(["Total"] + ([""] if grouping == "seance" else []) + _values(total))
    return header, rows


def to_csv(registrations, grouping, *, now=None):
    header, rows = rows_for_export(registrations, grouping, now=now)
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue()


def to_xlsx(registrations, *, now=None):
    """An XLSX workbook with one sheet per grouping."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for key in GROUPINGS:
        sheet = workbook.create_sheet(title=key.capitalize())
        header, rows = rows_for_export(registrations, key, now=now)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 50
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
