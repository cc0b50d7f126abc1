"""The documents of the reconditionnement (reportlab): the donor's attestation of transfer, the erasure certificate
per device, the delivery note (« bon de remise ») and the device label with its QR code (segno); the impact figures
as CSV and XLSX."""

import csv
import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from devices.figures import impact_rows
from devices.models import euros


def _styles():
    from reportlab.lib.styles import getSampleStyleSheet

    return getSampleStyleSheet()


def _pdf(title, story_builder):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=settings.PLATFORM_NAME,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
    )
    document.build(story_builder(_styles()))
    return buffer.getvalue()


def _table(rows, widths=None):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table


def _footer(styles):
    from reportlab.platypus import Paragraph

    return Paragraph(f"Édité le {timezone.localdate():%d/%m/%Y} par {settings.PLATFORM_NAME}.", styles["Normal"])


def _signatures(left, right):
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    table = Table([[left, right], ["", ""]], colWidths=[85 * mm, 85 * mm], rowHeights=[8 * mm, 25 * mm])
    table.setStyle(TableStyle([("BOX", (0, 1), (0, 1), 0.5, "grey"), ("BOX", (1, 1), (1, 1), 0.5, "grey")]))
    return table


def _device_label(device):
    parts = [device.get_kind_display(), device.brand, device.model]
    return " ".join(part for part in parts if part)


def donation_attestation_pdf(donation, devices):
    """The donor's attestation of transfer: the batch, each device received, the transfer of ownership."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    def story(styles):
        rows = [["N°", "Appareil", "Numéro de série", "Étape"]]
        rows += [[str(d.pk), _device_label(d), d.serial or "—", d.get_status_display()] for d in devices]
        return [
            Paragraph("Attestation de cession de matériel informatique", styles["Title"]),
            Paragraph(
                f"{donation.donor.name} cède gratuitement à {donation.workshop.name} les appareils ci-dessous, "
                "en vue de leur réemploi solidaire après effacement certifié des données, ou de leur recyclage "
                "dans une filière agréée.",
                styles["Normal"],
            ),
            Spacer(1, 4 * mm),
            _table(
                [
                    ["Don", f"n° {donation.pk}"],
                    [
                        "Donateur",
                        donation.donor.name + (f" (SIRET {donation.donor.siret})" if donation.donor.siret else ""),
                    ],
                    ["Atelier", donation.workshop.name],
                    ["Enlèvement", f"{donation.pickup_date:%d/%m/%Y}" if donation.pickup_date else "non renseigné"],
                    ["Contact", donation.contact or "non renseigné"],
                    ["Appareils", f"{donation.announced_count} annoncés, {donation.received_count} reçus"],
                ],
                widths=[35 * mm, 135 * mm],
            ),
            Spacer(1, 4 * mm),
            _table(rows, widths=[15 * mm, 75 * mm, 45 * mm, 35 * mm])
            if devices
            else Paragraph("Aucun appareil n'est encore enregistré.", styles["Normal"]),
            Spacer(1, 4 * mm),
            Paragraph(
                "Un certificat d'effacement est établi pour chaque appareil dont les données ont été effacées.",
                styles["Normal"],
            ),
            Spacer(1, 6 * mm),
            _signatures("Pour le donateur", "Pour l'atelier"),
            Spacer(1, 4 * mm),
            _footer(styles),
        ]

    return _pdf(f"Attestation de cession — don n° {donation.pk}", story)


def erasure_certificate_pdf(device, erasure):
    """The erasure certificate: the device, the method, the tool, the date, the operator and the evidence."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    donation = device.donation

    def story(styles):
        return [
            Paragraph("Certificat d'effacement des données", styles["Title"]),
            Paragraph(
                f"{donation.workshop.name} certifie que les données du support de stockage de l'appareil ci-dessous, "
                f"reçu de {donation.donor.name}, ont été effacées selon la méthode indiquée, de façon à ne pas "
                "pouvoir être récupérées.",
                styles["Normal"],
            ),
            Spacer(1, 4 * mm),
            _table(
                [
                    ["Appareil", f"n° {device.pk} — {_device_label(device)}"],
                    ["Numéro de série", device.serial or "non lisible"],
                    ["Don", f"n° {donation.pk}, de {donation.donor.name}"],
                    ["Méthode", Paragraph(erasure.get_method_display(), styles["Normal"])],
                    ["Outil", erasure.tool],
                    ["Date", f"{erasure.performed_on:%d/%m/%Y}"],
                    ["Opérateur", erasure.operator],
                    ["Preuve", Paragraph(erasure.evidence.replace("\n", "<br/>"), styles["Normal"])],
                ],
                widths=[35 * mm, 135 * mm],
            ),
            Spacer(1, 6 * mm),
            _signatures("Pour l'atelier", ""),
            Spacer(1, 4 * mm),
            _footer(styles),
        ]

    return _pdf(f"Certificat d'effacement — appareil n° {device.pk}", story)


def delivery_note_pdf(device_request, device, delivery=None, *, offer=""):
    """The « bon de remise »: who receives which device, at what price, the training offered (`offer`: the
    delivery's, or the one proposed before it), the signatures. Printed before the hand-over (to be signed on paper)
    or after it (with the name signed on screen)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    person = device_request.person

    def story(styles):
        when = timezone.localtime(delivery.delivered_at) if delivery else None
        rows = [
            ["Personne", str(person)],
            ["Prescripteur", device_request.organization.name],
            ["Appareil", f"n° {device.pk} — {_device_label(device)}"],
            ["Numéro de série", device.serial or "—"],
            ["État", device.get_grade_display() or "—"],
            ["Système", device.operating_system or "—"],
            ["Prix", euros(delivery.price_paid_cents if delivery else device.price_cents)],
            ["Remis le", f"{when:%d/%m/%Y à %H:%M}" if when else "…… / …… / ………"],
        ]
        if offer:
            rows.append(["Formation proposée", Paragraph(escape(offer).replace("\n", "<br/>"), styles["Normal"])])
        story = [
            Paragraph("Bon de remise d'un appareil reconditionné", styles["Title"]),
            Paragraph(
                f"{device.donation.workshop.name} remet l'appareil ci-dessous, reconditionné et dont les données du "
                "précédent propriétaire ont été effacées, à la personne nommée, orientée par "
                f"{device_request.organization.name} (demande n° {device_request.pk}).",
                styles["Normal"],
            ),
            Spacer(1, 4 * mm),
            _table(rows, widths=[40 * mm, 130 * mm]),
            Spacer(1, 6 * mm),
        ]
        if delivery and delivery.acknowledgement == delivery.Acknowledgement.SCREEN:
            story.append(
                Paragraph(
                    f"Réception confirmée à l'écran par « {delivery.signature_name} » le {when:%d/%m/%Y à %H:%M}.",
                    styles["Normal"],
                )
            )
        else:
            story.append(_signatures("La personne (« reçu l'appareil »)", "Pour l'atelier"))
        story += [Spacer(1, 4 * mm), _footer(styles)]
        return story

    return _pdf(f"Bon de remise — demande n° {device_request.pk}", story)


def label_pdf(device, url):
    """A small label (90 × 50 mm) to stick on the device: its number, type, brand, serial and a QR code opening
    its page (for logged-in workshop staff)."""
    import segno
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    width, height = 90 * mm, 50 * mm
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Étiquette — appareil n° {device.pk}")
    pdf.setAuthor(settings.PLATFORM_NAME)
    matrix = list(qr.matrix)
    size = 44 * mm
    module = size / (len(matrix) + 8)
    left, bottom = 3 * mm, (height - size) / 2
    for row_number, row in enumerate(matrix):
        for column, dark in enumerate(row):
            if dark:
                pdf.rect(
                    left + (column + 4) * module,
                    bottom + size - (row_number + 5) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )
    x = left + size + 2 * mm
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(x, height - 12 * mm, f"N° {device.pk}")
    pdf.setFont("Helvetica", 8)
    lines = [device.get_kind_display(), device.brand, device.model[:24], f"S/N {device.serial or '—'}"[:26]]
    for number, line in enumerate(line for line in lines if line):
        pdf.drawString(x, height - (19 + 5 * number) * mm, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


CSV_HEADER = ["Rubrique", "Indicateur", "Valeur"]


def _plain(value):
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value


def impact_csv(result):
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for section, label, value in impact_rows(result):
        writer.writerow([section, label, _plain(value)])
    return output.getvalue()


def impact_xlsx(result):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Impact"
    sheet.append(CSV_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in impact_rows(result):
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 55
    sheet.column_dimensions["C"].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
