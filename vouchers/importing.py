"""Importing the operator's serials into an order, all or nothing.

Our CSV format (« format des numéros de Pass Numérique », version 1):

- UTF-8 (a BOM is accepted; Windows-1252 is read too), separator « ; » (« , » and tabulation are recognised), one
  header line, then **one line per pass**;
- columns (names are free: the mapping step says which is which):
  - `carnet` — the book's serial (required);
  - `pass` — the pass's serial (required);
  - `rang` — the pass's rank in its book, 1 to 5 or 10 (optional: otherwise the order of the lines);
- every serial carries a check character (see `vouchers.serials`: Luhn mod 32 on the unambiguous alphabet, or
  the decimal Luhn for a serial made of digits only); case, spaces and hyphens do not matter;
- every book has exactly the order's number of passes per book, and the file holds at most the books the order
  still lacks.

Example:

    carnet;pass;rang
    CN4K7Q2M9XB;PN7K-4M2Q-X9TC;1

`import_serials` checks every line and the whole file before writing anything: duplicates (in the file, or already
in the base) and bad lines are reported with their line number (the header is line 1) and nothing changes."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from core.history import record
from vouchers import serials
from vouchers.models import Book, Order, Pass
from vouchers.services import _existing_serials, _require_coordination, create_books_and_passes

FIELDS = {
    "book": "Numéro du carnet",
    "pass": "Numéro du pass",
    "position": "Rang dans le carnet (facultatif)",
}
REQUIRED_FIELDS = ("book", "pass")
GUESSES = {
    "book": ("carnet", "numero_carnet", "n_carnet", "chequier", "book"),
    "pass": ("pass", "numero_pass", "n_pass", "numero", "cheque", "code", "serial"),
    "position": ("rang", "position", "ordre", "rank"),
}
MAX_REPORTED_ERRORS = 100


@dataclass(frozen=True)
class LineError:
    line: int | None
    message: str

    def __str__(self):
        return f"Ligne {self.line} : {self.message}" if self.line else self.message


class SerialImportRejected(ValidationError):
    """The file is refused; `errors` lists every problem found (line numbers included). Nothing was written."""

    def __init__(self, errors):
        self.errors = list(errors)
        shown = [str(error) for error in self.errors[:MAX_REPORTED_ERRORS]]
        if len(self.errors) > MAX_REPORTED_ERRORS:
            shown.append(f"… et {len(self.errors) - MAX_REPORTED_ERRORS} autres erreurs.")
        super().__init__(shown)


def read_serial_file(data):
    """(headers, rows) of an uploaded file's bytes: rows are dicts keyed by header."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = headers
    return headers, list(reader)


def _simplify(name):
    from geo.text import normalize_name

    return normalize_name(name).replace(" ", "_")


def guess_mapping(headers):
    """The mapping step's proposal: {field: header} for the headers whose name looks like a field."""
    simplified = {_simplify(header): header for header in headers}
    mapping = {}
    for field, names in GUESSES.items():
        for name in names:
            if name in simplified and simplified[name] not in mapping.values():
                mapping[field] = simplified[name]
                break
    return mapping


def _check_mapping(mapping, headers):
    errors = []
    for field in REQUIRED_FIELDS:
        if not mapping.get(field):
            errors.append(LineError(None, f"Indiquez la colonne « {FIELDS[field]} »."))
    for field, column in mapping.items():
        if field not in FIELDS:
            errors.append(LineError(None, f"Champ inconnu : « {field} »."))
        elif column and headers is not None and column not in headers:
            errors.append(LineError(None, f"La colonne « {column} » n'existe pas dans le fichier."))
    return errors


def _parse(value, label):
    try:
        return serials.parse_serial(value, label=label), None
    except ValidationError as error:
        return None, f"numéro de {label} « {(value or '').strip()} » : {error.messages[0]}"


def check_rows(order, rows, mapping, *, headers=None, first_line=2):
    """Every problem of the file, as `LineError`s, and the layout [(book serial, [pass serials])] to create."""
    errors = _check_mapping(mapping, headers)
    if errors:
        return errors, []
    size = order.passes_per_book
    book_column, pass_column, position_column = mapping["book"], mapping["pass"], mapping.get("position")
    pass_lines = {}
    books = defaultdict(list)  # book serial → [(position or None, pass serial, line)]
    count = 0
    parsed_books = {}  # the book's serial repeats on each of its lines: parsed once
    for offset, row in enumerate(rows):
        line = first_line + offset
        count += 1
        raw_book = row.get(book_column)
        if raw_book not in parsed_books:
            parsed_books[raw_book] = _parse(raw_book, "carnet")
        book_serial, problem = parsed_books[raw_book]
        if problem:
            errors.append(LineError(line, problem))
        pass_serial, problem = _parse(row.get(pass_column), "pass")
        if problem:
            errors.append(LineError(line, problem))
        position = None
        if position_column:
            raw = (row.get(position_column) or "").strip()
            if not raw.isdigit() or not 1 <= int(raw) <= size:
                errors.append(LineError(line, f"le rang « {raw} » doit être un nombre de 1 à {size}."))
            else:
                position = int(raw)
        if pass_serial:
            if pass_serial in pass_lines:
                errors.append(
                    LineError(
                        line,
                        f"le pass {serials.format_serial(pass_serial)} figure déjà ligne {pass_lines[pass_serial]}.",
                    )
                )
            else:
                pass_lines[pass_serial] = line
        if book_serial and pass_serial:
            books[book_serial].append((position, pass_serial, line))
    if count == 0:
        return [LineError(None, "Le fichier ne contient aucune ligne de numéros.")], []
    for serial in sorted(_existing_serials(Pass, pass_lines), key=pass_lines.get):
        errors.append(
            LineError(pass_lines[serial], f"le pass {serials.format_serial(serial)} existe déjà dans la base.")
        )
    first_book_line = {serial: entries[0][2] for serial, entries in books.items()}
    for serial in sorted(_existing_serials(Book, books), key=first_book_line.get):
        errors.append(
            LineError(first_book_line[serial], f"le carnet {serials.format_serial(serial)} existe déjà dans la base.")
        )
    clash = set(books) & set(pass_lines)
    for serial in sorted(clash, key=first_book_line.get):
        errors.append(LineError(first_book_line[serial], f"le numéro {serial} sert à la fois de carnet et de pass."))
    layout = []
    for serial, entries in books.items():
        lines = [entry[2] for entry in entries]
        shown = ", ".join(map(str, lines[:12])) + ("…" if len(lines) > 12 else "")
        where = f"carnet {serials.format_serial(serial)} (lignes {shown})"
        if len(entries) != size:
            errors.append(LineError(None, f"{where} : {len(entries)} pass au lieu de {size}."))
            continue
        if position_column:
            positions = [entry[0] for entry in entries]
            if None in positions:
                continue  # already reported on its line
            if sorted(positions) != list(range(1, size + 1)):
                errors.append(LineError(None, f"{where} : les rangs doivent aller de 1 à {size}, chacun une fois."))
                continue
            entries = sorted(entries)
        layout.append((serial, [entry[1] for entry in entries]))
    existing_books = order.books.count()
    if existing_books + len(books) > order.book_count:
        errors.append(
            LineError(
                None,
                f"Le fichier compte {len(books)} carnet(s) ; la commande en prévoit {order.book_count}"
                f" (dont {existing_books} déjà enregistré(s)).",
            )
        )
    errors.sort(key=lambda error: (error.line is None, error.line or 0))
    return errors, layout


@transaction.atomic
def import_serials(order, rows, mapping, *, acting_user, headers=None, first_line=2):
    """Import the operator's serials into `order`: `rows` are the file's lines as dicts (`read_serial_file`),
    `mapping` says which column holds what ({"book": …, "pass": …, "position": … optional}). All or nothing:
    any problem raises `SerialImportRejected` listing them with their line numbers, and nothing is written.
    Returns the number of books and passes created."""
    _require_coordination(acting_user)
    order = Order.objects.select_for_update().get(pk=order.pk)
    errors, layout = check_rows(order, rows, mapping, headers=headers, first_line=first_line)
    if errors:
        raise SerialImportRejected(errors)
    create_books_and_passes(order, layout)
    pass_count = sum(len(passes) for _serial, passes in layout)
    if order.serial_source != Order.SerialSource.IMPORTED:
        order.serial_source = Order.SerialSource.IMPORTED
        order.save(update_fields=["serial_source"])
    record(
        order,
        "voucher_serials_imported",
        acting_user=acting_user,
        changes={"carnets": len(layout), "pass": pass_count},
    )
    return {"books": len(layout), "passes": pass_count}


def serial_file_template(order=None, *, books=1):
    """A sample file in our format (with valid check characters), to show the operator what we expect."""
    size = order.passes_per_book if order else 10
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(["carnet", "pass", "rang"])
    for _ in range(books):
        book = serials.new_serial(serials.BOOK_PREFIX)
        for position in range(1, size + 1):
            writer.writerow([book, serials.format_serial(serials.new_serial()), position])
    return output.getvalue()


# Where the import pages keep an uploaded file between the mapping, the check and the import steps.
IMPORT_DIRECTORY = "pass-numerique/imports"


def purge_abandoned_uploads(now, *, wet_run):
    """Delete the uploaded files of imports left unfinished for more than a day (the session that pointed at them
    has expired). Returns how many were (or would be) deleted."""
    from datetime import timedelta

    from django.core.files.storage import default_storage

    try:
        _folders, files = default_storage.listdir(IMPORT_DIRECTORY)
    except FileNotFoundError:
        return 0
    old = [
        f"{IMPORT_DIRECTORY}/{name}"
        for name in files
        if default_storage.get_modified_time(f"{IMPORT_DIRECTORY}/{name}") < now - timedelta(days=1)
    ]
    if wet_run:
        for path in old:
            default_storage.delete(path)
    return len(old)
