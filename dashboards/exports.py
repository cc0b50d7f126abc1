"""CSV and XLSX exports of the dashboards' tables. CSV is streamed row by row (`StreamingHttpResponse`, rows
read from the database in chunks), so a table of a million rows needs no more memory than a few thousand; XLSX
is written by openpyxl in write-only mode. Masked cells are written « moins de 5 », as on the page."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from dashboards.masking import Masked

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    if isinstance(value, Masked):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return value


def csv_lines(headings, rows):
    """The CSV text (« ; », French decimal comma, BOM for spreadsheets), one line at a time."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(headings)
    for row in rows:
        yield writer.writerow([_csv_cell(cell) for cell in row])


def csv_response(filename, headings, rows):
    response = StreamingHttpResponse(csv_lines(headings, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(value):
    if isinstance(value, Masked):
        return str(value)
    return value


def xlsx_bytes(tables):
    """One sheet per table: (title, headings, rows) triples."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used = set()
    for title, headings, rows in tables:
        name = title[:31]
        for forbidden in "[]:*?/\\":
            name = name.replace(forbidden, " ")
        base, number = name, 2
        while name in used:
            name = f"{base[:27]} ({number})"
            number += 1
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append(list(headings))
        for row in rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
    if not used:
        workbook.create_sheet("Vide").append(["Aucune donnée"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_response(filename, tables):
    response = HttpResponse(xlsx_bytes(tables), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def filename(stem, extension):
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


# The detail of the passes: one anonymous row per pass (no holder, no book holder's organisation contact).
PASS_HEADINGS = ["Pass", "Commande", "Statut", "Utilisé le", "Lieu d'utilisation", "Commune du lieu"]


def pass_rows(scope, *, chunk_size=5000):
    """Every pass of the orders (of the scope's organisation, as sponsor or holder), one row each, read in chunks:
    serial, order, status, date of use, place and its commune. No person appears."""
    from vouchers.models import Pass

    passes = Pass.objects.all()
    if scope.organization is not None:
        passes = passes.filter(book__organization=scope.organization) | passes.filter(
            book__order__sponsor=scope.organization
        )
    labels = dict(Pass.Status.choices)
    rows = passes.order_by("pk").values_list(
        "serial", "book__order__name", "status", "redeemed_at", "redeemed_place__name", "redeemed_place__commune_name"
    )
    for serial, order, status, redeemed_at, place, commune in rows.iterator(chunk_size=chunk_size):
        yield [
            serial,
            order,
            labels.get(status, status),
            timezone.localtime(redeemed_at).strftime("%d/%m/%Y") if redeemed_at else "",
            place or "",
            commune or "",
        ]
