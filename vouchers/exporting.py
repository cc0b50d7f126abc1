"""The counter-payment statement as CSV (for the accounting) and as PDF (for the place and the payment file)."""

import csv
import io

from django.conf import settings
from django.utils import timezone

from vouchers.models import Redemption, euros
from vouchers.serials import format_serial

CSV_HEADER = ["Numéro du pass", "Carnet", "Commande", "Encaissé le", "Service rendu", "Montant (€)"]


def _amount(cents):
    return f"{cents // 100},{cents % 100:02d}"


def statement_lines(statement):
    """The statement's redemptions, oldest first, with what the lines show (one query)."""
    return (
        Redemption.objects.filter(statement=statement)
        .order_by("at", "pk")
        .values_list(
            "pass_obj__serial",
            "pass_obj__book__serial",
            "pass_obj__book__order__name",
            "at",
            "service",
            "amount_cents",
        )
    )


def statement_rows(statement):
    for serial, book, order, at, service, amount in statement_lines(statement).iterator(chunk_size=5000):
        yield [
            format_serial(serial),
            format_serial(book),
            order,
            timezone.localtime(at).strftime("%d/%m/%Y %H:%M"),
            service,
            _amount(amount),
        ]


def statement_csv(statement):
    """The CSV text (« ; » separated, French decimal comma), with a total line."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(statement_rows(statement))
    writer.writerow(["Total", "", "", "", f"{statement.redemption_count} pass", _amount(statement.total_cents)])
    return output.getvalue()


def statement_filename(statement, extension):
    return f"releve-pass-numerique-{statement.month:%Y-%m}-lieu-{statement.place_id}.{extension}"


def statement_pdf(statement):
    """The statement as PDF bytes (reportlab): the place, the month, the status, every pass and the total."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Relevé Pass Numérique — {statement.month_label} — {statement.place.name}",
        author=settings.PLATFORM_NAME,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
    )
    styles = getSampleStyleSheet()
    place = statement.place
    story = [
        Paragraph(f"Relevé de contre-paiement Pass Numérique — {statement.month_label}", styles["Title"]),
        Paragraph(f"{place.name}, {place.address}, {place.postal_code} {place.commune_name}", styles["Normal"]),
        Paragraph(f"SIRET : {place.siret or 'non renseigné'}", styles["Normal"]),
        Paragraph(
            f"Statut : {statement.get_status_display()} — {statement.redemption_count} pass — "
            f"{euros(statement.total_cents)}",
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [CSV_HEADER[:2] + CSV_HEADER[3:]] + [row[:2] + row[3:] for row in statement_rows(statement)]
    rows.append(["Total", "", "", f"{statement.redemption_count} pass", _amount(statement.total_cents)])
    table = Table(rows, repeatRows=1, colWidths=[32 * mm, 32 * mm, 30 * mm, 68 * mm, 20 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(f"Édité le {timezone.localdate():%d/%m/%Y} par {settings.PLATFORM_NAME}.", styles["Normal"])
    )
    document.build(story)
    return buffer.getvalue()
