"""Reading a file of the indice de fragilité numérique (IFN, standards.md §4). La MedNum publishes no stable
open-data schema, so the reader accepts the exports seen in practice: a CSV (« ; » or « , », UTF-8 with or without
BOM, decimal comma or point) with a code column and a score column, whatever their exact heading:

- code: `code`, `code_insee`, `codgeo`, `insee`, `Code INSEE`, `code_commune`, `Code Iris`, `siren`, `code_epci`;
- score: `score`, `indice`, `ifn`, `score_global`, `SCORE GLOBAL …` (the first such column).

Each line gives one score for one territory; the level (commune, EPCI, IRIS, département), the vintage, the
variant and the scale are given by the person importing, so scores of different generations never mix."""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

CODE_HEADINGS = {"code", "codeinsee", "codgeo", "insee", "codecommune", "codeiris", "siren", "codeepci", "codedep"}
SCORE_HEADINGS = {"score", "indice", "ifn", "scoreglobal"}
CODE_PATTERNS = {
    "commune": re.compile(r"^(\d{5}|2[AB]\d{3})$"),
    "epci": re.compile(r"^\d{9}$"),
    "iris": re.compile(r"^(\d{9}|2[AB]\d{7})$"),
    "departement": re.compile(r"^(\d{2,3}|2[AB])$"),
}
SCALE_BOUNDS = {"1-10": (1, 10), "-10..10": (-10, 10), "base100": (0, 1000)}


def _key(heading):
    return re.sub(r"[^a-z0-9]", "", heading.lower().replace("é", "e").replace("è", "e"))


@dataclass
class ParsedFile:
    scores: dict = field(default_factory=dict)  # code → Decimal
    errors: list = field(default_factory=list)  # (line number, French message)


def parse_ifn(text, *, level, scale):
    """Read the file text; every bad line is reported with its number, the good ones kept."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    result = ParsedFile()
    try:
        headings = next(reader)
    except StopIteration:
        result.errors.append((1, "Le fichier est vide."))
        return result
    keys = [_key(h) for h in headings]
    code_index = next((i for i, k in enumerate(keys) if k in CODE_HEADINGS), None)
    score_index = next((i for i, k in enumerate(keys) if k in SCORE_HEADINGS or k.startswith("scoreglobal")), None)
    if code_index is None or score_index is None:
        result.errors.append(
            (1, "Colonnes introuvables : il faut une colonne du code (code_insee, codgeo…) et une du score (score…).")
        )
        return result
    pattern = CODE_PATTERNS[level]
    low, high = SCALE_BOUNDS[scale]
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(code_index, score_index):
            result.errors.append((number, "Ligne incomplète."))
            continue
        code = row[code_index].strip().upper()
        if len(code) == 4 and level == "commune" and code.isdigit():
            code = "0" + code  # a spreadsheet dropped the leading zero
        raw_score = row[score_index].strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        if not pattern.match(code):
            result.errors.append((number, f"Code « {code} » invalide pour le niveau {level}."))
            continue
        try:
            score = Decimal(raw_score)
        except InvalidOperation:
            result.errors.append((number, f"Score « {row[score_index].strip()} » illisible."))
            continue
        if not score.is_finite():  # « NaN », « inf »: Decimal reads them, but they are no score (and NaN
            # cannot even be compared with the scale's bounds)
            result.errors.append((number, f"Score « {row[score_index].strip()} » illisible : un nombre est attendu."))
            continue
        if not (low <= score <= high):
            result.errors.append((number, f"Score {raw_score} hors de l'échelle {scale}."))
            continue
        if code in result.scores:
            result.errors.append((number, f"Code {code} en double : la première ligne est gardée."))
            continue
        result.scores[code] = score.quantize(Decimal("0.01"))
    return result
