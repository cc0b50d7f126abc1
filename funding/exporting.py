"""Files of the fund: the grant agreement (PDF), the report per funder (PDF and XLSX) and the open-data export of
grants in the SCDL Subventions 2.0.1 format (CSV)."""

import csv
import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from funding.ledger import leverage_overall, ratio
from funding.models import Grant
from funding.services import euros

# SCDL Subventions 2.0.1, in the schema's order (standards.md §6).
SCDL_COLUMNS = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
]


def grantor():
    """(name, SIRET) of the body that grants the fund's money: the département, from the settings."""
    return (
        getattr(settings, "FUNDING_GRANTOR_NAME", "") or "Département",
        getattr(settings, "FUNDING_GRANTOR_SIRET", ""),
    )


def _plain(amount):
    return euros(amount).replace("\u202f", " ").replace("−", "-")


def dispositif_aide(call):
    """A published call as an etalab « dispositif-aide » v0.2.0 record (to advertise the fund's calls)."""
    from django.urls import reverse

    from accounts.emails import absolute_url

    name, siret = grantor()
    return {
        "id": str(call.public_id),
        "titre": call.title,
        "promesse": call.objectives.split("\n")[0][:180],
        "description": call.objectives[:5000],
        "eligibilite": call.eligibility,
        "types_aides": "financement",
        "porteurs": [{"nom": name, "siren": siret[:9], "roles": ["financeur", "instructeur"]}],
        "programmes_parents": [],
        "url_source": absolute_url(reverse("funding:call_public", args=[call.pk])),
        "cibles": "associations|secteur public|professionnels",
        "eligibilite_geographique": f"DEP-{settings.PLATFORM_DEPARTEMENT}",
        "eligibilite_geographique_exclusions": "",
        "date_ouverture": call.opens_on.isoformat(),
        "date_cloture": call.closes_on.isoformat(),
        "date_mise_a_jour": timezone.localdate(call.updated_at).isoformat(),
    }


def scdl_rows(grants):
    name, siret = grantor()
    for grant in grants:
        payments = sorted(grant.payments.all(), key=lambda p: (p.due_on, p.pk))
        dates = sorted({p.due_on for p in payments})
        if not dates:
            period = ""
        elif len(dates) == 1:
            period = dates[0].isoformat()
        else:
            period = f"{dates[0].isoformat()}/{dates[-1].isoformat()}"
        application = grant.application
        yield {
            "nomAttribuant": name,
            "idAttribuant": siret,
            "dateConvention": grant.agreement_date.isoformat(),
            "referenceDecision": grant.decision.reference or grant.reference,
            "nomBeneficiaire": application.organization.name,
            "idBeneficiaire": application.organization.siret,
            "objet": application.project_title[:256],
            "montant": f"{grant.amount:.2f}",
            "nature": "aide en numéraire",
            "conditionsVersement": "échelonné" if len(payments) > 1 else "unique",
            "datesPeriodeVersement": period,
            "idRAE": "",
            "notificationUE": "non",
            "pourcentageSubvention": "1",
        }


def scdl_csv(grants):
    """The grants as SCDL Subventions CSV (« , » separated, UTF-8, decimal point, ISO dates)."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=SCDL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(scdl_rows(grants))
    return output.getvalue()


def _document(buffer, title):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author=settings.PLATFORM_NAME, leftMargin=18 * mm, rightMargin=18 * mm
    )


def _table(rows, widths=None, *, total_row=False):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, repeatRows=1, colWidths=widths)
    style = [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        style.append(("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"))
    table.setStyle(TableStyle(style))
    return table


def agreement_pdf(grant):
    """The grant agreement: the parties, the project, the amount and the earmarks it draws on, the schedule, the
    expected indicators and the final report due date."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    application = grant.application
    organization = application.organization
    grantor_name, grantor_siret = grantor()
    buffer = io.BytesIO()
    document = _document(buffer, f"Convention {grant.reference}")
    styles = getSampleStyleSheet()
    p = lambda text, style="Normal": Paragraph(escape(text), styles[style])  # noqa: E731
    story = [
        p(f"Convention de subvention {grant.reference}", "Title"),
        p("Fonds départemental d'inclusion numérique", "Heading2"),
        p(f"Entre {grantor_name}" + (f" (SIRET {grantor_siret})" if grantor_siret else "") + ", qui attribue,"),
        p(f"et {organization.name} (SIRET {organization.siret or 'non renseigné'}), bénéficiaire."),
        Spacer(1, 4 * mm),
        p("Article 1 — Objet", "Heading3"),
        p(f"Le projet « {application.project_title} », présenté à l'appel « {application.call.title} »."),
        p(application.project_description or ""),
        p("Article 2 — Montant", "Heading3"),
        p(
            f"Une subvention de {_plain(grant.amount)} est accordée par décision du "
            f"{grant.decision.decided_at:%d/%m/%Y}"
            + (f" (référence {grant.decision.reference})" if grant.decision.reference else "")
            + f", pour une action menée du {grant.starts_on:%d/%m/%Y} au {grant.ends_on:%d/%m/%Y}."
        ),
    ]
    lines = [["Financeur", "Fléchage", "Montant"]] + [
        [str(line.earmark.contribution.funder), line.earmark.label, _plain(line.amount)]
        for line in grant.decision.earmark_lines.select_related("earmark__contribution__funder")
    ]
    story += [_table(lines, [50 * mm, 80 * mm, 34 * mm]), Spacer(1, 4 * mm)]
    story.append(p("Article 3 — Versements", "Heading3"))
    schedule = [["Versement", "Prévu le", "Montant", "Versé le"]] + [
        [
            payment.get_kind_display(),
            f"{payment.due_on:%d/%m/%Y}",
            _plain(payment.amount),
            f"{payment.paid_at:%d/%m/%Y}" if payment.paid_at else "—",
        ]
        for payment in grant.payments.order_by("due_on", "pk")
    ]
    story += [_table(schedule, [50 * mm, 34 * mm, 40 * mm, 34 * mm]), Spacer(1, 4 * mm)]
    story.append(p("Article 4 — Bilan et indicateurs", "Heading3"))
    story.append(
        p(
            f"Le bénéficiaire dépose un bilan final au plus tard le {grant.report_due_on:%d/%m/%Y} ; le solde est "
            "versé sur ce bilan. Indicateurs attendus :"
        )
    )
    indicators = [["Indicateur", "Valeur visée", "Valeur atteinte"]] + [
        [str(indicator), str(indicator.expected), "—" if indicator.achieved is None else str(indicator.achieved)]
        for indicator in application.indicators.all()
    ]
    story += [_table(indicators, [90 * mm, 34 * mm, 34 * mm]), Spacer(1, 6 * mm)]
    story.append(
        p(
            f"Fait le {grant.agreement_date:%d/%m/%Y}. "
            f"Édité le {timezone.localdate():%d/%m/%Y} par {settings.PLATFORM_NAME}."
        )
    )
    document.build(story)
    return buffer.getvalue()


def report_sections(report):
    """The funder report as (title, header, rows, total row or None) sections, shared by the PDF and the XLSX."""
    years = [[f.label, f.pledged, f.received, f.drawn, f.committed, f.paid, f.balance] for f in report.years.values()]
    t = report.totals
    ledger_header = ["Année", "Promis", "Reçu", "Attribué", "Engagé (à verser)", "Versé", "Solde"]
    sections = [
        (
            "Contributions et solde",
            ledger_header,
            years,
            ["Total", t.pledged, t.received, t.drawn, t.committed, t.paid, t.balance],
        ),
        (
            "Fléchages",
            ["Année", "Fléchage", "Publics", "Territoires", "Fléché", "Attribué", "Versé", "Disponible"],
            [
                [
                    e.contribution.year,
                    e.label,
                    e.publics,
                    e.territories,
                    e.amount,
                    e.drawn,
                    e.paid,
                    e.available,
                ]
                for e in report.earmarks
            ],
            None,
        ),
        (
            "Projets financés",
            [
                "Convention",
                "Structure",
                "Projet",
                "Subvention",
                "Part du financeur",
                "Pris sur ses fléchages",
                "Versé",
                "Personnes suivies (part du financeur)",
            ],
            [
                [
                    line.grant.reference,
                    line.grant.application.organization.name,
                    line.grant.application.project_title,
                    line.grant.amount,
                    f"{line.share * 100:.0f} %",
                    line.drawn,
                    line.paid,
                    line.people_followed,
                ]
                for line in report.lines
            ],
            ["Total", "", "", "", "", sum((line.drawn for line in report.lines), 0), t.paid, report.people_followed],
        ),
        (
            "Indicateurs (au prorata de la part du financeur)",
            ["Indicateur", "Visé", "Atteint"],
            [[label, expected, achieved] for label, expected, achieved in report.indicators],
            None,
        ),
    ]
    cofunding, granted, leverage = leverage_overall(
        Grant.objects.filter(pk__in=[line.grant.pk for line in report.lines])
    )
    if report.lines:
        sections.append(
            (
                "Effet de levier des projets financés",
                ["Cofinancements obtenus", "Subventions du fonds", "Effet de levier"],
                [
                    [
                        cofunding,
                        granted,
                        "—" if leverage is None else f"{leverage} € par euro du fonds".replace(".", ","),
                    ]
                ],
                None,
            )
        )
    return sections


def _cell(value):
    from decimal import Decimal

    if isinstance(value, Decimal) and value == value.quantize(Decimal("0.01")) and value.as_tuple().exponent == -2:
        return _plain(value)
    return str(value)


def funder_report_pdf(report):
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    buffer = io.BytesIO()
    period = f"contributions de {report.year}" if report.year else "toutes les années"
    document = _document(buffer, f"Rapport au financeur — {report.funder} — {period}")
    styles = getSampleStyleSheet()
    story = [
        Paragraph(escape(f"Fonds départemental — rapport à {report.funder}"), styles["Title"]),
        Paragraph(escape(f"{period.capitalize()}, au {timezone.localdate():%d/%m/%Y}."), styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    for title, header, rows, total_row in report_sections(report):
        story.append(Paragraph(escape(title), styles["Heading3"]))
        body = [[Paragraph(escape(_cell(value)), styles["BodyText"]) for value in row] for row in rows]
        table_rows = [header] + body + ([[_cell(v) for v in total_row]] if total_row else [])
        if not rows:
            story.append(Paragraph("Aucune donnée.", styles["Normal"]))
        else:
            story.append(_table(table_rows, total_row=bool(total_row)))
        story.append(Spacer(1, 4 * mm))
    document.build(story)
    return buffer.getvalue()


def funder_report_xlsx(report):
    """One sheet per section; amounts as numbers with two decimals."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows, total_row in report_sections(report):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows + ([total_row] if total_row else []):
            sheet.append([value if isinstance(value, int | Decimal) else str(value) for value in row])
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def grant_leverage(grant):
    """Co-funding obtained ÷ the grant (needs `with_figures()`), None when nothing."""
    return ratio(grant.cofunding_obtained, grant.amount)
