"""The quarterly report of a partner organisation: its figures from the dashboards registry for one quarter
(aggregates only, counts from 1 to 4 written « moins de 5 »), as an XLSX workbook: a summary sheet of the key
figures, then one sheet per chart and per table. Sent by `send_partner_reports` through the task queue
(`api.tasks.send_partner_report`); `api.models.PartnerReport` remembers what was sent."""

import datetime as dt
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization, Role
from api.figures import masked_sections, scope_for
from dashboards import registry
from dashboards.exports import xlsx_bytes

QUARTER_RE = re.compile(r"^(\d{4})-[QT]([1-4])$")
RECIPIENT_ROLES = [Role.ORG_ADMIN, Role.PARTNER_VIEWER]


def parse_quarter(value):
    """« 2026-Q3 » (or « 2026-T3 ») → "2026-Q3"; raises ValueError in French otherwise."""
    match = QUARTER_RE.match((value or "").strip().upper())
    if not match:
        raise ValueError(f"Trimestre « {value} » : écrivez l'année et le numéro du trimestre, par exemple 2026-Q3.")
    return f"{match[1]}-Q{match[2]}"


def previous_quarter(today=None):
    """The last quarter that has ended before `today`."""
    today = today or timezone.localdate()
    number = (today.month - 1) // 3  # the current quarter's number minus one
    return f"{today.year - 1}-Q4" if number == 0 else f"{today.year}-Q{number}"


def quarter_bounds(quarter):
    year, number = int(quarter[:4]), int(quarter[-1])
    start = dt.date(year, 3 * number - 2, 1)
    end = dt.date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1) - dt.timedelta(days=1)
    return start, end


def partner_organizations():
    return Organization.objects.partners().order_by("name", "pk")


def recipients(organization):
    """The organisation's contact address and its administrators' and partner viewers' (active accounts)."""
    addresses = set(
        organization.memberships.filter(role__in=RECIPIENT_ROLES, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if organization.email:
        addresses.add(organization.email)
    return sorted(address for address in addresses if address)


def report_tables(organization, quarter):
    """(title, headings, rows) triples for `dashboards.exports.xlsx_bytes`: the summary, then every chart and
    table of every section."""
    start, end = quarter_bounds(quarter)
    sections = masked_sections(scope_for(organization, start=start, end=end))
    summary = [
        ["Organisation", organization.name, ""],
        ["Période", f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}", ""],
        ["Effectifs de 1 à 4", "écrits « moins de 5 »", ""],
    ]
    for section in sections:
        for figure in section.figures:
            summary.append([section.title, figure.label, figure.value])
    tables = [("Synthèse", ["Rubrique", "Indicateur", "Valeur"], summary)]
    for section in sections:
        for series in section.series:
            table = registry.series_table(series)
            tables.append((f"{section.title} - {series.title}", [series.title, series.value_label], table.rows))
        for table in section.tables:
            tables.append((f"{section.title} - {table.title}", table.headings, table.rows))
    return tables


def build_report(organization, quarter):
    return xlsx_bytes(report_tables(organization, quarter))


def file_name(organization, quarter):
    from places.exporting import ascii_slug

    return f"rapport-{quarter}-{ascii_slug(organization.name) or organization.pk}.xlsx"


def email_text(organization, quarter):
    start, end = quarter_bounds(quarter)
    subject = f"Rapport trimestriel {quarter} — {organization.name}"
    body = (
        "Bonjour,\n\n"
        f"Vous trouverez ci-joint le rapport de {organization.name} pour le trimestre du {start:%d/%m/%Y} au "
        f"{end:%d/%m/%Y} : les chiffres de votre tableau de bord, agrégés (aucune donnée personnelle ; les "
        "effectifs de moins de 5 personnes sont masqués).\n\n"
        f"Le détail, à jour, est sur {settings.PLATFORM_URL}{reverse('dashboards:dashboard')}.\n\n"
        f"— {settings.PLATFORM_NAME}\n"
    )
    return subject, body
