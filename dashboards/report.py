"""The yearly report (bilan) of the département: every section of the figures registry for the calendar year,
whole département, plus the coverage of the territory. Built from the data at the time it is asked for, then kept
in the pilotage's cache (a few minutes for the running year, a day for a closed one); HTML for the screen and PDF
(reportlab) for the forum. A module that registers a provider appears here with no change."""

import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from dashboards import caching, registry
from dashboards.coverage import class_counts, coverage, data_stamp
from dashboards.registry import Scope, Table

RUNNING_YEAR_SECONDS = 300  # the figures of the running year move every day: as long as the dashboards keep theirs
CLOSED_YEAR_SECONDS = 24 * 3600


@dataclass
class YearlyReport:
    year: int
    sections: list
    coverage_classes: list
    far_communes: list
    coverage_rows: list
    ifn_version: str | None
    built_at: object

    @property
    def title(self):
        return f"Bilan {self.year} de l'inclusion numérique"


def year_scope(year, today=None):
    today = today or timezone.localdate()
    end = date(year, 12, 31)
    if year == today.year:
        end = today
    return Scope(start=date(year, 1, 1), end=end)


def previous_year_scope(scope):
    """The same dates one year before (29 February becomes the 28th)."""

    def back(day):
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return Scope(
        start=back(scope.start), end=back(scope.end), communes=scope.communes, organization=scope.organization
    )


def build_report(year):
    scope = year_scope(year)
    sections = registry.collect(scope)
    previous = {
        (section.key, figure.key): figure.value
        for section in registry.collect(previous_year_scope(scope))
        for figure in section.figures
    }
    for section in sections:
        for figure in section.figures:
            figure.previous = previous.get((section.key, figure.key))
    covered = coverage()
    rows = covered["rows"]
    far = [row for row in rows if row.distance_class[0] >= 3][:15]
    return YearlyReport(
        year=year,
        sections=sections,
        coverage_classes=class_counts(rows),
        far_communes=far,
        coverage_rows=rows,
        ifn_version=covered["version"],
        built_at=timezone.now(),
    )


def cached_report(year, today=None):
    """`build_report(year)`, kept `RUNNING_YEAR_SECONDS` for the running year and `CLOSED_YEAR_SECONDS` for a past
    one. The key: the département, the year's scope (the running year ends today, so it changes every day) and the
    data stamp of the coverage (published places, IFN scores)."""
    today = today or timezone.localdate()
    stamp = f"{settings.PLATFORM_DEPARTEMENT}:{year_scope(year, today).cache_key}:{data_stamp()}"
    seconds = RUNNING_YEAR_SECONDS if year >= today.year else CLOSED_YEAR_SECONDS
    return caching.cached("report", stamp, lambda: build_report(year), seconds)


def coverage_table(report):
    return Table(
        "coverage",
        "Communes par distance au lieu le plus proche",
        ["Distance", "Communes", "Habitants"],
        [[c["label"], c["communes"], c["population"]] for c in report.coverage_classes],
    )


def coverage_drawing(rows, departement_code, *, width=16 * 28.35):
    """The coverage map for the PDF: commune boundaries filled with their distance class colour (reportlab
    shapes, same projection as the page's SVG map). None when there is nothing to draw."""
    from reportlab.graphics.shapes import Drawing, Polygon
    from reportlab.lib import colors

    from dashboards.maps import coverage_map

    drawn = coverage_map(rows, departement_code)
    if drawn is None or not drawn["has_contours"]:
        return None
    scale = width / drawn["width"]
    height = drawn["height"] * scale
    drawing = Drawing(width, height)
    for shape in drawn["shapes"]:
        if "path" not in shape:
            continue
        for ring in shape["path"].split("M")[1:]:
            points = []
            for pair in ring.rstrip("Z").split("L"):
                x, y = pair.split(",")
                points.extend([float(x) * scale, height - float(y) * scale])
            drawing.add(
                Polygon(
                    points,
                    fillColor=colors.HexColor(shape["colour"]),
                    strokeColor=colors.HexColor("#3d4247"),
                    strokeWidth=0.2,
                )
            )
    return drawing


def _display(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def report_pdf(report):
    """The report as PDF bytes: title, then for each section its key figures, a bar chart per series and its
    tables (the first 30 rows)."""
    from xml.sax.saxutils import escape

    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        title=report.title,
        author=settings.PLATFORM_NAME,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
    )
    story = [
        Paragraph(escape(report.title), styles["Title"]),
        Paragraph(
            escape(
                f"Établi le {timezone.localtime(report.built_at):%d/%m/%Y à %H:%M}, "
                "à partir des données de la plateforme."
            ),
            styles["Normal"],
        ),
        Spacer(1, 0.5 * cm),
    ]
    table_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf5")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def add_table(headings, rows, extra_style=()):
        data = [[Paragraph(escape(str(h)), styles["BodyText"]) for h in headings]]
        data += [[Paragraph(escape(_display(cell)), styles["BodyText"]) for cell in row] for row in rows[:30]]
        pdf_table = PdfTable(data, repeatRows=1, hAlign="LEFT")
        pdf_table.setStyle(table_style)
        if extra_style:
            pdf_table.setStyle(TableStyle(list(extra_style)))
        story.append(pdf_table)
        if len(rows) > 30:
            story.append(
                Paragraph(escape(f"… et {len(rows) - 30} lignes de plus (voir l'export XLSX)."), styles["Italic"])
            )
        story.append(Spacer(1, 0.4 * cm))

    for section in report.sections:
        story.append(Paragraph(escape(section.title), styles["Heading1"]))
        add_table(
            ["Chiffre clé", str(report.year), f"Même période {report.year - 1}"],
            [[figure.label, figure.value, figure.previous] for figure in section.figures],
        )
        for series in section.series:
            points = [(str(label), float(value or 0)) for label, value in series.points][:24]
            if points:
                story.append(Paragraph(escape(series.title), styles["Heading3"]))
                height = 20 + 14 * len(points)
                drawing = Drawing(16 * cm, height)
                chart = HorizontalBarChart()
                chart.x, chart.y = 5 * cm, 10
                chart.width, chart.height = 10 * cm, height - 20
                chart.data = [[value for _label, value in reversed(points)]]
                chart.categoryAxis.categoryNames = [label[:40] for label, _value in reversed(points)]
                chart.categoryAxis.labels.fontSize = 7
                chart.valueAxis.labels.fontSize = 7
                chart.valueAxis.valueMin = 0
                chart.bars[0].fillColor = colors.HexColor("#1f4e99")
                drawing.add(chart)
                story.append(drawing)
        for table in section.tables:
            story.append(Paragraph(escape(table.title), styles["Heading3"]))
            add_table(table.headings, table.rows)
        for note in section.notes:
            story.append(Paragraph(escape(note), styles["Italic"]))
    story.append(Paragraph("Couverture du territoire", styles["Heading1"]))
    drawing = coverage_drawing(report.coverage_rows, settings.PLATFORM_DEPARTEMENT)
    if drawing is not None:
        story.append(drawing)
        story.append(
            Paragraph(
                escape("Couleur d'une commune : distance au lieu publié le plus proche (tableau ci-dessous)."),
                styles["Italic"],
            )
        )
    table = coverage_table(report)
    swatches = [
        ("BACKGROUND", (0, index + 1), (0, index + 1), colors.HexColor(item["colour"]))
        for index, item in enumerate(report.coverage_classes)
    ]
    add_table(["Couleur", *table.headings], [["", *row] for row in table.rows], extra_style=swatches)
    if report.far_communes:
        story.append(Paragraph("Communes les plus éloignées d'un lieu", styles["Heading3"]))
        add_table(
            ["Commune", "Distance (km)", "Habitants", "Indice de fragilité"],
            [[row.name, row.distance_km, row.population, row.ifn] for row in report.far_communes],
        )
    document.build(story)
    return output.getvalue()
